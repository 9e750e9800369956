import type Database from 'better-sqlite3';
import type {
  DailyServicePoint, MeterQuery, MeterRow, Overview, OverviewQuery, StampSummary,
} from '../../shared/domain.ts';
import { periodDays, type DayRange } from '../explore/period.ts';
import { getStored } from './connections.ts';
import { addScaled, formatScaled, parseScaled, type ScaledDecimal } from './exact-decimal.ts';
import { isoFromUnix } from './iso.ts';
import { latestPerConnection } from './sync-runs.ts';

interface MeterCatalogRow {
  meterKey: number;
  meterId: string;
  name: string;
  unit: string;
  service: string;
  known: number;
  description: string | null;
  deprecated: number;
}

/** A meter's usage in the scope, folded from its per-day rollup rows. */
interface MeterUsage {
  records: number;
  quantity: ScaledDecimal;
  firstDay: number;
  lastDay: number;
  /** Float quantity per Unix day, for the sparkline. */
  perDay: Map<number, number>;
}

/** Which usage the meter rows count. */
export interface MeterScope {
  /** One stamp's usage (connection_key), or every stamp's and imports' (null). */
  connectionId: number | null;
  /** Whole days; null: everything cached. */
  range: DayRange | null;
  /** Only meters with usage in the scope, or every meter of the catalog too. */
  seenOnly: boolean;
  /** One meter (meters.id) only: the meter detail page. */
  meterKey?: number;
}

/** Most points a sparkline gets; longer spans fold runs of days into one point. */
export const SPARKLINE_POINTS = 62;

/**
 * Meters with their cached usage: record count, exact quantity sum, distinct subscriptions, the span from the first
 * usage start to the last usage end and a daily sparkline. By default only meters with usage; `seenOnly: false` adds
 * every catalog meter (with zero records). `connection` restricts the usage counted to one stamp (NOT_FOUND when no
 * connection has that name) and `period` (whole UTC days) to a span of usage time. A local override names a meter (and
 * may set its unit, service and description) over the catalog.
 */
export function listMeters(db: Database.Database, query: MeterQuery = {}): MeterRow[] {
  return meterRows(db, {
    connectionId: query.connection === undefined ? null : getStored(db, query.connection).id,
    range: query.period === undefined ? null : periodDays(query.period),
    seenOnly: query.seenOnly ?? true,
  });
}

/**
 * The meter rows of a scope. Counts and sums come from the per-meter daily rollup (usage_daily_meter): one pass gives
 * every meter's days (exact decimal sums per day, added exactly here, and the float sums the sparkline draws), a second
 * one over its meter index the distinct subscriptions. The span's ends are then found through the usage_records meter
 * index within the first and last day, a few index probes per meter whatever the cache holds.
 */
export function meterRows(db: Database.Database, scope: MeterScope): MeterRow[] {
  const where = [
    scope.range === null ? '' : 'day >= @fromDay AND day < @toDay',
    scope.connectionId === null ? '' : 'connection_key = @connection',
    scope.meterKey === undefined ? '' : 'meter_key = @meter',
  ].filter((c) => c !== '');
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const params = {
    fromDay: scope.range?.fromDay ?? 0, toDay: scope.range?.toDay ?? 0, connection: scope.connectionId,
    meter: scope.meterKey ?? 0,
  };

  const usage = new Map<number, MeterUsage>();
  const perDay = db.prepare<[typeof params], [number, number, number, number, string]>(`
    SELECT meter_key, day, sum(records), sum(quantity), decimal_sum(quantity_text)
    FROM usage_daily_meter ${filter} GROUP BY meter_key, day`).raw();
  for (const [meterKey, day, records, approx, exact] of perDay.iterate(params)) {
    const u = usage.get(meterKey);
    if (u === undefined) {
      usage.set(meterKey, {
        records, quantity: parseScaled(exact), firstDay: day, lastDay: day, perDay: new Map([[day, approx]]),
      });
    } else {
      u.records += records;
      u.quantity = addScaled(u.quantity, parseScaled(exact));
      u.firstDay = Math.min(u.firstDay, day);
      u.lastDay = Math.max(u.lastDay, day);
      u.perDay.set(day, approx);
    }
  }
  const subscriptions = new Map(db.prepare<[typeof params], [number, number]>(`
    SELECT meter_key, count(DISTINCT subscription_key) FROM usage_daily_meter ${filter} GROUP BY meter_key`)
    .raw().all(params));

  const meters = db.prepare<[{ meter: number | null }], MeterCatalogRow>(`
    SELECT m.id AS meterKey, m.meter_id AS meterId, coalesce(o.name, m.name) AS name, coalesce(o.unit, m.unit) AS unit,
           coalesce(o.service, m.service) AS service, (m.source = 'catalog' OR o.match_key IS NOT NULL) AS known,
           coalesce(o.description, m.description) AS description, m.deprecated
    FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key
    ${scope.meterKey === undefined ? '' : 'WHERE m.id = @meter'}
    ORDER BY 5, 3, 2`).all({ meter: scope.meterKey ?? null });

  const span = usageSpan(db, scope.connectionId);
  const rows: MeterRow[] = [];
  for (const m of meters) {
    const u = usage.get(m.meterKey);
    if (u === undefined && scope.seenOnly) continue;
    const { first, last } = u === undefined ? { first: null, last: null } : span(m.meterKey, u.firstDay, u.lastDay);
    const sparkRange = scope.range ?? (u === undefined ? null : { fromDay: u.firstDay, toDay: u.lastDay + 1 });
    rows.push({
      meterId: m.meterId,
      name: m.name,
      unit: m.unit,
      service: m.service,
      records: u?.records ?? 0,
      quantity: u === undefined ? '0' : formatScaled(u.quantity),
      firstUsage: first === null ? null : isoFromUnix(first),
      lastUsage: last === null ? null : isoFromUnix(last),
      known: m.known === 1,
      description: m.description,
      deprecated: m.deprecated === 1,
      subscriptions: subscriptions.get(m.meterKey) ?? 0,
      sparkline: sparkRange === null ? [] : foldSparkline(u?.perDay ?? new Map(), sparkRange),
    });
  }
  return rows;
}

/**
 * The sparkline of a day range: one point per day, or, when the range is longer than SPARKLINE_POINTS days, one point
 * per run of ceil(days / SPARKLINE_POINTS) days (the last run may be shorter). A point is the mean quantity per day of
 * its run, so a short last run does not dip.
 */
export function foldSparkline(perDay: ReadonlyMap<number, number>, range: DayRange): number[] {
  const days = range.toDay - range.fromDay;
  const run = Math.max(1, Math.ceil(days / SPARKLINE_POINTS));
  const points: number[] = [];
  for (let start = range.fromDay; start < range.toDay; start += run) {
    const end = Math.min(start + run, range.toDay);
    let sum = 0;
    for (let day = start; day < end; day++) sum += perDay.get(day) ?? 0;
    points.push(sum / (end - start));
  }
  return points;
}

/**
 * The first usage start and last usage end of a meter whose rollup spans the given days. Records start on the hour
 * (hourly) or at midnight (daily) and last one hour or one day, so the last end belongs to a row starting at the last
 * day's latest start or at its midnight.
 */
export function usageSpan(db: Database.Database, connectionId: number | null):
  (meterKey: number, firstDay: number, lastDay: number) => { first: number | null; last: number | null } {
  const stamp = connectionId === null ? '' : 'AND connection_id = @connection';
  const first = db.prepare(`
    SELECT min(usage_start) FROM usage_records
    WHERE meter_key = @meter AND usage_start >= @from AND usage_start < @from + 86400 ${stamp}`).pluck();
  const latestStart = db.prepare(`
    SELECT max(usage_start) FROM usage_records
    WHERE meter_key = @meter AND usage_start >= @from AND usage_start < @from + 86400 ${stamp}`).pluck();
  const lastEnd = db.prepare(`
    SELECT max(usage_end) FROM usage_records
    WHERE meter_key = @meter AND usage_start IN (@from, @latest) ${stamp}`).pluck();
  return (meter, firstDay, lastDay) => {
    const from = lastDay * 86400;
    const latest = latestStart.get({ meter, from, connection: connectionId }) as number | null;
    return {
      first: first.get({ meter, from: firstDay * 86400, connection: connectionId }) as number | null,
      last: latest === null ? null : lastEnd.get({ meter, from, latest, connection: connectionId }) as number | null,
    };
  };
}

/**
 * The latest usage end cached for a stamp, in three index probes whatever the cache holds: its latest hour from the
 * hourly counts (read backwards along their key), then the records starting in that hour, and a daily record starting
 * at that day's midnight, which ends after them.
 */
function latestUsageEnd(db: Database.Database): (connectionId: number) => string | null {
  const latestHour = db
    .prepare('SELECT hour FROM usage_hourly_counts WHERE connection_key = ? ORDER BY hour DESC LIMIT 1')
    .pluck();
  // Two range probes of the connection index; an OR of the two would make SQLite read all of the stamp's entries.
  const lastEnd = db
    .prepare(`
      SELECT max(e) FROM (
        SELECT max(usage_end) AS e FROM usage_records WHERE connection_id = @connection AND usage_start >= @hour
        UNION ALL
        SELECT max(usage_end) FROM usage_records WHERE connection_id = @connection AND usage_start = @midnight)`)
    .pluck();
  return (connectionId) => {
    const hour = latestHour.get(connectionId) as number | undefined;
    if (hour === undefined) return null;
    const start = hour * 3600;
    const end = lastEnd.get({ connection: connectionId, hour: start, midnight: start - (start % 86400) }) as number | null;
    return end === null ? null : isoFromUnix(end);
  };
}

/**
 * What the overview page shows: every stamp's freshness, totals, and records per UTC day and service. `connection`
 * restricts all of it to one stamp (NOT_FOUND when no connection has that name).
 */
export function getOverview(db: Database.Database, query: OverviewQuery = {}): Overview {
  const connectionId = query.connection === undefined ? null : getStored(db, query.connection).id;
  const only = (column: string): string => (connectionId === null ? '' : `WHERE ${column} = @connection`);
  const params = { connection: connectionId };
  // Records per stamp (0: imports) and subscription from the monthly rollup: a month is one row per subscription,
  // meter and resource there, however many hours it holds.
  const perSubscription = db
    .prepare<[typeof params], [number, string, number]>(`
      SELECT u.connection_key, k.subscription_id, u.records
      FROM (SELECT connection_key, subscription_key, sum(records) AS records
            FROM usage_monthly ${only('connection_key')} GROUP BY connection_key, subscription_key) u
      JOIN subscription_keys k ON k.id = u.subscription_key`)
    .raw()
    .all(params);
  const listed = db
    .prepare<[typeof params], [number, string]>(
      `SELECT connection_id, subscription_id FROM subscriptions ${only('connection_id')}`)
    .raw()
    .all(params);

  interface Tally { records: number; subscriptions: Set<string> }
  const tallies = new Map<number, Tally>();
  const tally = (connectionKey: number): Tally => {
    let t = tallies.get(connectionKey);
    if (!t) tallies.set(connectionKey, (t = { records: 0, subscriptions: new Set() }));
    return t;
  };
  const allSubscriptions = new Set<string>();
  let records = 0;
  for (const [connectionKey, subscriptionId, count] of perSubscription) {
    const t = tally(connectionKey);
    t.records += count;
    t.subscriptions.add(subscriptionId);
    allSubscriptions.add(subscriptionId);
    records += count;
  }
  for (const [connectionId, subscriptionId] of listed) {
    tally(connectionId).subscriptions.add(subscriptionId);
    allSubscriptions.add(subscriptionId);
  }

  const lastSync = latestPerConnection(db);
  const latestUsage = latestUsageEnd(db);
  const stamps: StampSummary[] = db
    .prepare<[typeof params], { id: number; name: string; armEndpoint: string }>(
      `SELECT id, name, arm_endpoint AS armEndpoint FROM connections ${only('id')} ORDER BY name`,
    )
    .all(params)
    .map((c) => {
      const t = tallies.get(c.id);
      return {
        name: c.name,
        armEndpoint: c.armEndpoint,
        records: t?.records ?? 0,
        subscriptions: t?.subscriptions.size ?? 0,
        latestUsage: latestUsage(c.id),
        lastSync: lastSync.get(c.name) ?? null,
      };
    });

  // Grouped by meter first (few), then folded into services here: cheaper than joining meters for every row.
  const services = new Map(
    db.prepare<[], [number, string]>('SELECT id, service FROM meters').raw().all().map(([id, service]) => [id, service]),
  );
  // From the per-meter daily rollup: a day of a stamp is one row per subscription and meter there, not one per record
  // (nor one per resource, as in usage_daily: ten times faster on a large stamp).
  const perDayMeter = db
    .prepare<[typeof params], [number, number, number]>(`
      SELECT day, meter_key, sum(records) FROM usage_daily_meter ${only('connection_key')}
      GROUP BY day, meter_key ORDER BY day`)
    .raw()
    .all(params);
  const metersSeen = new Set<number>();
  const daily = new Map<string, DailyServicePoint>();
  for (const [day, meterKey, count] of perDayMeter) {
    metersSeen.add(meterKey);
    const service = services.get(meterKey) ?? 'Unknown';
    const date = isoFromUnix(day * 86400).slice(0, 10);
    const key = `${date}|${service}`;
    const point = daily.get(key);
    if (point) point.records += count;
    else daily.set(key, { day: date, service, records: count });
  }
  const dailyByService = [...daily.values()].sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.service.localeCompare(b.service),
  );

  return { stamps, records, subscriptions: allSubscriptions.size, meters: metersSeen.size, dailyByService };
}
