import catalogJson from './catalog.json' with { type: 'json' };

/** A known meter. `meterId` is lower-case, with hyphens where Microsoft's table has them (network IDs have none). */
export interface CatalogMeter {
  meterId: string;
  name: string;
  unit: string;
  service: string;
  deprecated: boolean;
  /** What the meter measures and how its unit accrues, in our words. */
  description: string;
}

/** The meters Microsoft documents for Azure Stack Hub (derived by derive-catalog.ts). */
export const CATALOG: readonly CatalogMeter[] = catalogJson.meters;

/** Changes whenever the shipped catalog does; a cache holding another version re-seeds its meters. */
export const CATALOG_VERSION: string = catalogJson.version;

/** What a meter seen in usage but missing from the catalog is called until someone names it. */
export const UNKNOWN_METER = { name: 'Unknown meter', unit: '', service: 'Unknown' } as const;

/**
 * The key meter IDs are compared by: lower-case without hyphens. The API sends storage IDs upper-case, compute and disk
 * IDs lower-case, and network IDs without hyphens, so only this form matches them all to one meter.
 */
export function meterMatchKey(raw: string): string {
  return raw.trim().toLowerCase().replaceAll('-', '');
}

const byMatchKey = new Map(CATALOG.map((m) => [meterMatchKey(m.meterId), m]));

export function findCatalogMeter(raw: string): CatalogMeter | undefined {
  return byMatchKey.get(meterMatchKey(raw));
}

/** The catalog's form of a meter ID when the catalog knows it, otherwise the ID lower-cased. */
export function canonicalMeterId(raw: string): string {
  return findCatalogMeter(raw)?.meterId ?? raw.trim().toLowerCase();
}
