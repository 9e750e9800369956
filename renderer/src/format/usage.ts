import type { UsageDimension } from '../../../electron/shared/domain.ts';

/** How usage records and explorer groups read: dimension names, resource names, tags. */

/** The column and chip label of each dimension the explorer groups and filters by. */
export const DIMENSION_LABELS: Record<UsageDimension, string> = {
  stamp: 'Stamp',
  tenant: 'Tenant',
  subscription: 'Subscription',
  resourceGroup: 'Resource group',
  resource: 'Resource',
  resourceType: 'Resource type',
  location: 'Location',
  tag: 'Tag',
  meter: 'Meter',
  service: 'Service',
  day: 'Day',
  month: 'Month',
};

/** The last segment of an ARM resource URI (`.../virtualMachines/vm-01` → `vm-01`); the URI itself if it has none. */
export function resourceNameFromUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const name = slash === -1 ? trimmed : trimmed.slice(slash + 1);
  return name || uri;
}

/**
 * Whether a group key stands for usage without a value (`(no resource)`, `(untagged)`): the core writes these in
 * parentheses with a space, which no real stamp name, GUID, resource URI or location contains.
 */
export function isMissingValueKey(key: string): boolean {
  return /^\(.* .*\)$/.test(key);
}

/** Tags as one cell: `env=prod; owner=ops`, keys in the order the API sent them; empty for none. */
export function tagsText(tags: Record<string, string> | null | undefined): string {
  if (!tags) return '';
  return Object.entries(tags).map(([key, value]) => `${key}=${value}`).join('; ');
}

/** A file size for people: `812 B`, `14.2 KB`, `3.1 MB` (powers of 1,024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
