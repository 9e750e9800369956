import type Database from 'better-sqlite3';
import type { ResourceDetail, UsagePeriod, UsageSeries } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { isoFromUnix } from '../cache/iso.ts';
import { periodDays } from '../explore/period.ts';
import { resourceAttributes } from './instance-data.ts';

const DAY = 86400;
const HOUR = 3600;
/** About ten years of daily buckets: enough for any resource, and a bound on what one answer holds. */
const MAX_PERIOD_DAYS = 3660;

interface ResourceRow {
  id: number;
  resourceUri: string;
  location: string | null;
  tags: string | null;
  additionalInfo: string | null;
}

interface MeterTotal {
  meterKey: number;
  meterId: string;
  name: string;
  unit: string;
  records: number;
  quantity: string;
}

/**
 * One resource: what its instanceData says (type, group, VM size, image, tags), its first and last usage, and its
 * meters with exact totals and a daily series each, over the period (whole UTC days) or, without one, over every day
 * the resource has usage. NOT_FOUND when no cached usage names the resource.
 *
 * Everything comes from the daily rollup through its (resource_key, day) index; the raw records are touched only to
 * find the first usage start and last usage end, by key within one day (see usageBound).
 */
export function getResourceDetail(db: Database.Database, resourceUri: string, period?: UsagePeriod): ResourceDetail {
  const uri = resourceUri.trim();
  const row = db
    .prepare<[string], ResourceRow>(`
      SELECT id, resource_uri AS resourceUri, location, tags, additional_info AS additionalInfo
      FROM resources WHERE resource_key = ?`)
    .get(uri.toLowerCase());
  if (!row || row.resourceUri === '') {
    throw new StackmeterError('NOT_FOUND', `No cached usage names the resource "${uri}".`);
  }
  const range = period === undefined ? null : periodDays(period);
  if (range && range.toDay - range.fromDay > MAX_PERIOD_DAYS) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `The period covers ${range.toDay - range.fromDay} days; a resource's daily series shows at most ${MAX_PERIOD_DAYS}.`);
  }

  const span = db
    .prepare<[number], { firstDay: number | null; lastDay: number | null }>(
      'SELECT min(day) AS firstDay, max(day) AS lastDay FROM usage_daily WHERE resource_key = ?')
    .get(row.id);
  const firstDay = span?.firstDay ?? null;
  const lastDay = span?.lastDay ?? null;
  // The subscription a resource belongs to is the one its usage is billed to (the latest, should it ever move).
  const subscriptionId = db
    .prepare<[number], string>(`
      SELECT k.subscription_id FROM usage_daily d JOIN subscription_keys k ON k.id = d.subscription_key
      WHERE d.resource_key = ? ORDER BY d.day DESC LIMIT 1`)
    .pluck()
    .get(row.id) ?? null;

  const fromDay = range?.fromDay ?? firstDay ?? 0;
  const toDay = range?.toDay ?? (lastDay === null ? 0 : lastDay + 1);
  const params = { resource: row.id, fromDay, toDay };

  const meters = db
    .prepare<[typeof params], MeterTotal>(`
      SELECT u.meter_key AS meterKey, m.meter_id AS meterId, coalesce(o.name, m.name) AS name,
             coalesce(o.unit, m.unit) AS unit, u.records, u.quantity
      FROM (SELECT meter_key, sum(records) AS records, decimal_sum(quantity_text) AS quantity
            FROM usage_daily WHERE resource_key = @resource AND day >= @fromDay AND day < @toDay
            GROUP BY meter_key) u
      JOIN meters m ON m.id = u.meter_key
      LEFT JOIN meter_overrides o ON o.match_key = m.match_key
      ORDER BY 3, 2`)
    .all(params);

  const attributes = resourceAttributes(row);
  return {
    resourceUri: row.resourceUri,
    subscriptionId,
    resourceType: attributes.resourceType,
    resourceGroup: attributes.resourceGroup,
    resourceName: attributes.resourceName,
    location: row.location,
    tags: attributes.tags,
    vmSize: attributes.vmSize,
    image: attributes.image,
    firstUsage: firstDay === null ? null : iso(usageBound(db, row.id, firstDay, 'first')),
    lastUsage: lastDay === null ? null : iso(usageBound(db, row.id, lastDay, 'last')),
    meters: meters.map(({ meterId, name, unit, records, quantity }) => ({ meterId, name, unit, records, quantity })),
    series: dailySeries(db, params, meters),
  };
}

/** One series per meter (in the order of `meters`), one bucket per day of the range, '0' on days without usage. */
function dailySeries(
  db: Database.Database, params: { resource: number; fromDay: number; toDay: number }, meters: MeterTotal[],
): UsageSeries {
  const buckets: string[] = [];
  for (let day = params.fromDay; day < params.toDay; day++) buckets.push(isoFromUnix(day * DAY));
  const series = meters.map((m) => ({ key: m.meterId, label: m.name, quantities: buckets.map(() => '0') }));
  const index = new Map(meters.map((m, i) => [m.meterKey, i]));
  const days = db
    .prepare<[typeof params], [number, number, string]>(`
      SELECT meter_key, day, decimal_sum(quantity_text) FROM usage_daily
      WHERE resource_key = @resource AND day >= @fromDay AND day < @toDay
      GROUP BY meter_key, day`)
    .raw()
    .all(params);
  for (const [meterKey, day, quantity] of days) {
    const s = series[index.get(meterKey) ?? -1];
    if (s) s.quantities[day - params.fromDay] = quantity;
  }
  const units = new Set(meters.map((m) => m.unit));
  // Meters of one resource often differ in unit (hours, GB); each meter's unit is in `meters` then.
  return { bucket: 'day', buckets, series, unit: units.size === 1 ? [...units][0] ?? '' : '' };
}

/**
 * The first usage start or last usage end of a resource within one of its days. The raw records have no resource
 * index, so they are probed by their key: every hour the day can start a record at (hourly records start on the hour,
 * daily ones at midnight), for the subscriptions and meters the rollup lists for the resource that day — a few dozen
 * index seeks instead of a scan of the day. Records off the hour (a hand-made import) fall back to scanning the day.
 */
function usageBound(db: Database.Database, resource: number, day: number, which: 'first' | 'last'): number | null {
  const keys = db
    .prepare<[number, number], [number, number]>(
      'SELECT subscription_key, meter_key FROM usage_daily WHERE resource_key = ? AND day = ?')
    .raw()
    .all(resource, day);
  if (keys.length === 0) return null;
  const subscriptions = [...new Set(keys.map(([s]) => s))];
  const meters = [...new Set(keys.map(([, m]) => m))];
  const hours = Array.from({ length: 24 }, (_, h) => day * DAY + h * HOUR);
  const marks = (n: number): string => new Array<string>(n).fill('?').join(', ');
  const value = which === 'first' ? 'min(usage_start)' : 'max(usage_end)';
  const keyed = `subscription_key IN (${marks(subscriptions.length)}) AND meter_key IN (${marks(meters.length)})
    AND resource_key = ?`;
  const probed = db
    .prepare(`SELECT ${value} FROM usage_records WHERE usage_start IN (${marks(24)}) AND ${keyed}`)
    .pluck()
    .get(...hours, ...subscriptions, ...meters, resource) as number | null;
  if (probed !== null) return probed;
  return db
    .prepare(`SELECT ${value} FROM usage_records WHERE usage_start >= ? AND usage_start < ? AND ${keyed}`)
    .pluck()
    .get(day * DAY, (day + 1) * DAY, ...subscriptions, ...meters, resource) as number | null;
}

function iso(seconds: number | null): string | null {
  return seconds === null ? null : isoFromUnix(seconds);
}
