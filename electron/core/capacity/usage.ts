import type Database from 'better-sqlite3';
import type { CapacityMeterRef } from '../../shared/capacity.ts';
import type { Granularity } from '../../shared/domain.ts';
import { addScaled, formatScaled, parseScaled, type ScaledDecimal } from '../cache/exact-decimal.ts';
import { NO_VALUE, SUBSCRIPTION_ANY_CTE, TENANT_DOMAIN_CTE } from '../explore/labels.ts';
import type { DayRange } from '../explore/period.ts';
import { canonicalMeterId, findCatalogMeter, meterMatchKey } from '../meters/catalog.ts';

/**
 * The usage a capacity report reads, from the per-day, per-meter rollup (usage_daily_meter: one row per day, stamp,
 * subscription, meter and granularity, read through its (meter_key, day) index), never from usage_records. A year of a
 * stamp with a few hundred subscriptions is a few hundred thousand rows at most, whatever the number of records.
 *
 * Which meters count:
 * - vCPU-hours: "Base VM Size Hours" (unit: virtual core hours, the VM's vCPUs × the hours it ran). Every VM emits it,
 *   Linux and Windows alike. "Windows VM Size Hours" (same unit) is emitted IN ADDITION for Windows VMs, for the
 *   licence, so counting it too would count a Windows VM's vCPUs twice; "VM size hours" counts VMs, not cores. App
 *   Service and Event Hubs report cores of workers that run on infrastructure VMs and are not tenant VMs.
 * - storage: the capacity meters of tables, page blobs, queues and block blobs (GB*hours: GB held × hours). Page blobs
 *   hold tenants' VM disks, so this is the storage tenants occupy. Their sum over the period divided by the hours of
 *   usage reported is the average GB stored.
 */

export const VCPU_METER_IDS: readonly string[] = ['fab6eb84-500b-4a09-a8ca-7358f8bbaea5'];
export const STORAGE_METER_IDS: readonly string[] = [
  'b4438d5d-453b-4ee1-b42a-dc72e377f1e4', // TableCapacity
  'b5c15376-6c94-4fdd-b655-1a69d138aca3', // PageBlobCapacity
  'b03c6ae7-b080-4bfa-84a3-22c800f315c6', // QueueCapacity
  '09f8879e-87e9-4305-a572-4b7be209f857', // BlockBlobCapacity
];

/** A meter's name and unit: the local override or the cache's meter row, else the catalog's, else unknown. */
export function meterRefs(db: Database.Database, meterIds: readonly string[]): CapacityMeterRef[] {
  const row = db.prepare<[string], { name: string; unit: string }>(`
    SELECT coalesce(o.name, m.name) AS name, coalesce(o.unit, m.unit) AS unit
    FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key WHERE m.match_key = ?`);
  return meterIds.map((id) => {
    const found = row.get(meterMatchKey(id)) ?? findCatalogMeter(id);
    return { meterId: canonicalMeterId(id), name: found?.name ?? 'Unknown meter', unit: found?.unit ?? '' };
  });
}

/** One tenant's usage of one meter on one day (tenant: lower-case ID, or NO_VALUE.tenant). */
export interface DailyMeterUsage {
  tenantId: string;
  day: number;
  /** The meter's match key. */
  meter: string;
  quantity: ScaledDecimal;
}

interface Row {
  day: number;
  subscription_key: number;
  meter: string;
  quantity: string;
}

/**
 * Per tenant, day and meter: the exact sum of the stamp's usage of `meterIds` (one granularity) in the days of
 * `range`. A subscription's tenant is the one the stamp lists, else any stamp's (the explorer's rule).
 */
export function dailyMeterUsage(db: Database.Database, connectionId: number, range: DayRange, granularity: Granularity,
  meterIds: readonly string[]): DailyMeterUsage[] {
  if (meterIds.length === 0) return [];
  const rows = db.prepare<[Record<string, string | number>], Row>(`
    SELECT u.day, u.subscription_key, m.match_key AS meter, u.quantity_text AS quantity
    FROM usage_daily_meter u JOIN meters m ON m.id = u.meter_key
    WHERE u.meter_key IN (SELECT id FROM meters WHERE match_key IN (SELECT value FROM json_each(@meters)))
      AND u.day >= @fromDay AND u.day < @toDay AND u.connection_key = @connection AND u.granularity = @granularity`)
    .all({
      meters: JSON.stringify([...new Set(meterIds.map(meterMatchKey))]), fromDay: range.fromDay, toDay: range.toDay,
      connection: connectionId, granularity,
    });
  const tenants = tenantsOf(db, connectionId, [...new Set(rows.map((r) => r.subscription_key))]);
  // Subscriptions of one tenant fold together: the report is per tenant and day.
  const sums = new Map<string, DailyMeterUsage>();
  for (const r of rows) {
    const tenantId = tenants.get(r.subscription_key) ?? NO_VALUE.tenant;
    const key = `${tenantId}|${r.day}|${r.meter}`;
    const sum = sums.get(key);
    if (sum) sum.quantity = addScaled(sum.quantity, parseScaled(r.quantity));
    else sums.set(key, { tenantId, day: r.day, meter: r.meter, quantity: parseScaled(r.quantity) });
  }
  return [...sums.values()];
}

/** subscription_key → lower-case tenant ID (absent when no stamp lists the subscription's tenant). */
function tenantsOf(db: Database.Database, connectionId: number, keys: number[]): Map<number, string> {
  if (keys.length === 0) return new Map();
  const rows = db.prepare<[Record<string, string | number>], { key: number; tenant: string | null }>(`
    WITH ${SUBSCRIPTION_ANY_CTE}
    SELECT sk.id AS key, lower(coalesce(se.tenant_id, sa.tenant_id)) AS tenant
    FROM subscription_keys sk
    LEFT JOIN subscriptions se ON se.connection_id = @connection AND se.subscription_id = sk.subscription_id
    LEFT JOIN subscription_any sa ON sa.subscription_id = sk.subscription_id
    WHERE sk.id IN (SELECT value FROM json_each(@keys))`).all({ connection: connectionId, keys: JSON.stringify(keys) });
  return new Map(rows.filter((r) => r.tenant !== null).map((r) => [r.key, r.tenant!]));
}

/** Tenants of the subscriptions the stamp lists and has not deleted: who shares a cost split evenly. */
export function listedTenants(db: Database.Database, connectionId: number): string[] {
  return db.prepare<[number], string>(`
    SELECT DISTINCT lower(tenant_id) FROM subscriptions
    WHERE connection_id = ? AND tenant_id IS NOT NULL AND coalesce(lower(state), '') <> 'deleted'`)
    .pluck().all(connectionId);
}

/** How many subscriptions each tenant has on the stamp (listed, not deleted). */
export function subscriptionCounts(db: Database.Database, connectionId: number): Map<string, number> {
  const rows = db.prepare<[number], { tenant: string; n: number }>(`
    SELECT lower(tenant_id) AS tenant, count(*) AS n FROM subscriptions
    WHERE connection_id = ? AND tenant_id IS NOT NULL AND coalesce(lower(state), '') <> 'deleted'
    GROUP BY 1`).all(connectionId);
  return new Map(rows.map((r) => [r.tenant, r.n]));
}

/** A name people know each tenant by: the domain of its subscriptions' owners, else its ID. */
export function tenantLabels(db: Database.Database, tenantIds: readonly string[]): Map<string, string> {
  const domains = new Map(db.prepare<[], { tenant: string; domain: string }>(
    `WITH ${TENANT_DOMAIN_CTE} SELECT tenant, domain FROM tenant_domain`).all().map((r) => [r.tenant, r.domain]));
  return new Map(tenantIds.map((id) => [id, domains.get(id) ?? id]));
}

/** The exact sum of scaled decimals, as text. */
export function sumText(values: Iterable<ScaledDecimal>): string {
  let total = parseScaled('0');
  for (const v of values) total = addScaled(total, v);
  return formatScaled(total);
}
