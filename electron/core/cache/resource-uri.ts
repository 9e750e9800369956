export interface ResourceParts {
  /** e.g. `Microsoft.Compute/virtualMachines`, `Microsoft.Sql/servers/databases`. */
  type: string | null;
  resourceGroup: string | null;
  /** e.g. `vm01`, or `server1/db1` for a child resource. */
  name: string | null;
}

/**
 * Splits an ARM resource ID. Segment names are matched case-insensitively because the usage API writes both
 * `resourcegroups` and `resourceGroups`; for an extension resource (a second `providers`) the last provider wins.
 */
export function parseResourceUri(uri: string): ResourceParts {
  const segments = uri.split('/').filter((s) => s !== '');
  let resourceGroup: string | null = null;
  let providers = -1;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i].toLowerCase();
    if (s === 'resourcegroups' && resourceGroup === null) resourceGroup = segments[i + 1];
    else if (s === 'providers') providers = i;
  }
  const rest = providers >= 0 ? segments.slice(providers + 1) : [];
  // namespace, then type/name pairs
  if (rest.length < 3 || rest.length % 2 === 0) return { type: null, resourceGroup, name: null };
  const types = [rest[0]];
  const names: string[] = [];
  for (let i = 1; i < rest.length; i += 2) {
    types.push(rest[i]);
    names.push(rest[i + 1]);
  }
  return { type: types.join('/'), resourceGroup, name: names.join('/') };
}
