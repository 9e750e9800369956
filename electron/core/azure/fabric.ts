import type { FabricCapacity, FabricNode } from '../../shared/capacity.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { ArmClient } from './arm.ts';

/**
 * The physical capacity of a stamp from its operator API, Microsoft.Fabric.Admin: the scale unit nodes and the cores
 * each reports (`properties.capacity.cores`), as Get-AzsScaleUnitNode reads them. The admin API lives under the
 * stamp's region: the resource group `System.<region>` and the fabric location `<region>`, where the region is what
 * ARM lists as the provider subscription's location (Azure Stack Hub has exactly one).
 */

/** The Fabric admin API version of the reference recordings (Azs.Fabric.Admin). */
export const FABRIC_API_VERSION = '2020-10-01';
const LOCATIONS_API_VERSION = '2016-05-01';

interface ArmList {
  value?: unknown[];
  nextLink?: unknown;
}

function parseList(body: string, what: string): ArmList {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new StackmeterError('API', `${what}: the stamp answered with something that is not JSON.`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as ArmList).value)) {
    throw new StackmeterError('API', `${what}: the answer has no "value" list.`);
  }
  return doc as ArmList;
}

/** Every item of an ARM list, following nextLink (which the ARM client keeps on the stamp's origin). */
async function listAll(arm: ArmClient, path: string, what: string, signal?: AbortSignal): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | null = path;
  while (next) {
    const page = parseList(await arm.get(next, what, signal), what);
    items.push(...page.value ?? []);
    next = typeof page.nextLink === 'string' && page.nextLink !== '' ? page.nextLink : null;
  }
  return items;
}

const record = (v: unknown): Record<string, unknown> =>
  (v !== null && typeof v === 'object' ? v as Record<string, unknown> : {});
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The last segment of an ARM name such as `redmond/ASRR1S45R12U09`. */
const shortName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** A count of cores as the API writes it: a whole number; anything else is an error naming the node. */
function cores(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StackmeterError('API', `${where}: capacity.cores is ${JSON.stringify(value)}, not a whole number.`);
  }
  return value;
}

/** The region of the stamp: the location ARM lists for the provider subscription. */
async function stampLocation(arm: ArmClient, subscriptionId: string, signal?: AbortSignal): Promise<string> {
  const what = 'Listing the stamp\'s location';
  const locations = await listAll(arm,
    `/subscriptions/${subscriptionId}/locations?api-version=${LOCATIONS_API_VERSION}`, what, signal);
  const names = locations.map((l) => text(record(l).name)).filter((n): n is string => n !== null);
  if (names.length === 0) throw new StackmeterError('API', `${what}: the stamp lists no location.`);
  return names[0]!;
}

/**
 * Reads the scale units and their nodes. `cores` is the sum of the nodes' cores: the nodes are the physical servers,
 * and the scale unit's totalCapacity is their sum when all are present (a node being replaced is still licensed).
 */
export async function readFabricCapacity(arm: ArmClient, providerSubscriptionId: string, stamp: string, now: Date,
  signal?: AbortSignal): Promise<FabricCapacity> {
  const location = await stampLocation(arm, providerSubscriptionId, signal);
  const base = `/subscriptions/${providerSubscriptionId}/resourceGroups/System.${location}/providers/`
    + `Microsoft.Fabric.Admin/fabricLocations/${location}`;
  const [unitItems, nodeItems] = await Promise.all([
    listAll(arm, `${base}/scaleUnits?api-version=${FABRIC_API_VERSION}`, 'Listing the fabric scale units', signal),
    listAll(arm, `${base}/scaleUnitNodes?api-version=${FABRIC_API_VERSION}`, 'Listing the fabric scale unit nodes',
      signal),
  ]);
  const nodes: FabricNode[] = nodeItems.map((item, index) => {
    const node = record(item);
    const props = record(node.properties);
    const name = shortName(text(node.name) ?? `node ${index + 1}`);
    const capacity = record(props.capacity);
    const memory = capacity.memoryGB;
    return {
      name,
      scaleUnit: text(props.scaleUnitName) === null ? null : shortName(text(props.scaleUnitName)!),
      cores: cores(capacity.cores, `Scale unit node ${name}`),
      memoryGB: typeof memory === 'number' && Number.isFinite(memory) ? String(memory) : null,
      status: text(props.scaleUnitNodeStatus),
      model: [text(props.vendor), text(props.model)].filter((v) => v !== null).join(' ') || null,
    };
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (nodes.length === 0) {
    throw new StackmeterError('API', `The fabric of location ${location} lists no scale unit nodes.`);
  }
  const scaleUnits = unitItems.map((item) => {
    const unit = record(item);
    const props = record(unit.properties);
    const name = shortName(text(unit.name) ?? '');
    const total = record(props.totalCapacity).cores;
    return {
      name,
      cores: typeof total === 'number' && Number.isSafeInteger(total) ? total : null,
      nodeCount: nodes.filter((n) => n.scaleUnit === name).length,
    };
  });
  return {
    stamp,
    cores: nodes.reduce((sum, n) => sum + n.cores, 0),
    nodes,
    scaleUnits,
    storageGB: null,
    source: `Microsoft.Fabric.Admin scale unit nodes of location ${location} on ${arm.armEndpoint} `
      + `(api-version ${FABRIC_API_VERSION}), read ${now.toISOString()}`,
  };
}
