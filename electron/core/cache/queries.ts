import type Database from 'better-sqlite3';
import type {
  DailyServicePoint, MeterQuery, MeterRow, Overview, OverviewQuery, StampSummary,
} from '../../shared/domain.ts';
import { getStored } from './connections.ts';
import { isoFromUnix } from './iso.ts';
import { latestPerConnection } from './sync-runs.ts';

interface MeterAggregate {
  meterKey: number;
  meterId: string;
  name: string;
  unit: string;
  service: string;
  known: number;
  description: string | null;
  records: number;
  quantity: string | null;
  firstDay: number | null;
  lastDay: number | null;
}

/**
 * Meters with their cached usage: record count, exact quantity sum, and the span from the first usage start to the last
 * usage end. By default only meters with usage; `seenOnly: false` adds every catalog meter (with zero records).
 * `connection` restricts the usage counted to one stamp (NOT_FOUND when no connection has that name). A local override
 * names a meter (and may set its unit, service and description) over the catalog.
 *
 * Counts and sums come from the daily rollup (usage_daily), exact from its decimal texts; the span's ends are then
 * found through the meter index within the first and last day, a few index probes per meter whatever the cache holds.
 */
export function listMeters(db: Database.Database, query: MeterQuery = {}): MeterRow[] {
  const connectionId = query.connection === undefined ? null : getStored(db, query.connection).id;
  const seenOnly = query.seenOnly ?? true;
  const rows = db
    .prepare<[{ connection: number | null }], MeterAggregate>(`
      WITH usage AS (
        SELECT meter_key, sum(records) AS records, decimal_sum(quantity_text) AS quantity,
               min(day) AS firstDay, max(day) AS lastDay
        FROM usage_daily
        ${connectionId === null ? '' : 'WHERE connection_key = @connection'}
        GROUP BY meter_key
      )
      SELECT m.id AS meterKey, m.meter_id AS meterId, coalesce(o.name, m.name) AS name, coalesce(o.unit, m.unit) AS unit,
             coalesce(o.service, m.service) AS service, (m.source = 'catalog' OR o.match_key IS NOT NULL) AS known,
             coalesce(o.description, m.description) AS description, coalesce(u.records, 0) AS records, u.quantity,
             u.firstDay, u.lastDay
      FROM meters m ${seenOnly ? 'JOIN' : 'LEFT JOIN'} usage u ON u.meter_key = m.id
      LEFT JOIN meter_overrides o ON o.match_key = m.match_key
      ORDER BY 5, 3, 2`)
    .all({ connection: connectionId });
  const span = usageSpan(db, connectionId);
  return rows.map((r) => {
    const { first, last } = r.firstDay === null || r.lastDay === null
      ? { first: null, last: null }
      : span(r.meterKey, r.firstDay, r.lastDay);
    return {
      meterId: r.meterId,
      name: r.name,
      unit: r.unit,
      service: r.service,
      records: r.records,
      quantity: r.quantity ?? '0',
      firstUsage: first === null ? null : isoFromUnix(first),
      lastUsage: last === null ? null : isoFromUnix(last),
      known: r.known === 1,
      description: r.description,
    };
  });
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
 * What the overview page shows: every stamp's freshness, totals, and records per UTC day and service. `connection`
 * restricts all of it to one stamp (NOT_FOUND when no connection has that name).
 */
export function getOverview(db: Database.Database, query: OverviewQuery = {}): Overview {
  const connectionId = query.connection === undefined ? null : getStored(db, query.connection).id;
  const only = (column: string): string => (connectionId === null ? '' : `WHERE ${column} = @connection`);
  const params = { connection: connectionId };
  // One pass over the connection index gives, per stamp and subscription, the record count and latest usage end.
  const perSubscription = db
    .prepare<[typeof params], [number | null, string, number, number]>(`
      SELECT u.connection_id, k.subscription_id, u.records, u.lastUsage
      FROM (SELECT connection_id, subscription_key, count(*) AS records, max(usage_end) AS lastUsage
            FROM usage_records ${only('connection_id')} GROUP BY connection_id, subscription_key) u
      JOIN subscription_keys k ON k.id = u.subscription_key`)
    .raw()
    .all(params);
  const listed = db
    .prepare<[typeof params], [number, string]>(
      `SELECT connection_id, subscription_id FROM subscriptions ${only('connection_id')}`)
    .raw()
    .all(params);

  interface Tally { records: number; lastUsage: number | null; subscriptions: Set<string> }
  const tallies = new Map<number | null, Tally>();
  const tally = (connectionId: number | null): Tally => {
    let t = tallies.get(connectionId);
    if (!t) tallies.set(connectionId, (t = { records: 0, lastUsage: null, subscriptions: new Set() }));
    return t;
  };
  const allSubscriptions = new Set<string>();
  let records = 0;
  for (const [connectionId, subscriptionId, count, lastUsage] of perSubscription) {
    const t = tally(connectionId);
    t.records += count;
    t.lastUsage = Math.max(t.lastUsage ?? lastUsage, lastUsage);
    t.subscriptions.add(subscriptionId);
    allSubscriptions.add(subscriptionId);
    records += count;
  }
  for (const [connectionId, subscriptionId] of listed) {
    tally(connectionId).subscriptions.add(subscriptionId);
    allSubscriptions.add(subscriptionId);
  }

  const lastSync = latestPerConnection(db);
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
        latestUsage: t?.lastUsage == null ? null : isoFromUnix(t.lastUsage),
        lastSync: lastSync.get(c.name) ?? null,
      };
    });

  // Grouped by meter first (few), then folded into services here: cheaper than joining meters for every row.
  const services = new Map(
    db.prepare<[], [number, string]>('SELECT id, service FROM meters').raw().all().map(([id, service]) => [id, service]),
  );
  // From the daily rollup: a day of a stamp is one row per resource-meter there, not one per record.
  const perDayMeter = db
    .prepare<[typeof params], [number, number, number]>(`
      SELECT day, meter_key, sum(records) FROM usage_daily ${only('connection_key')}
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
