import type Database from 'better-sqlite3';
import type {
  DailyServicePoint, MeterQuery, MeterRow, Overview, OverviewQuery, StampSummary,
} from '../../shared/domain.ts';
import { getStored } from './connections.ts';
import { isoFromUnix } from './iso.ts';
import { latestPerConnection } from './sync-runs.ts';

interface MeterAggregate {
  meterId: string;
  name: string;
  unit: string;
  service: string;
  records: number;
  quantity: string | null;
  firstUsage: number | null;
  lastUsage: number | null;
}

/**
 * Meters with their cached usage: record count, exact quantity sum, and the span from the first usage start to the last
 * usage end. By default only meters with usage; `seenOnly: false` adds every catalog meter (with zero records).
 * `connection` restricts the usage counted to one stamp (NOT_FOUND when no connection has that name).
 */
export function listMeters(db: Database.Database, query: MeterQuery = {}): MeterRow[] {
  const connectionId = query.connection === undefined ? null : getStored(db, query.connection).id;
  const seenOnly = query.seenOnly ?? true;
  const rows = db
    .prepare<[{ connection: number | null }], MeterAggregate>(`
      WITH usage AS (
        SELECT meter_key, count(*) AS records, decimal_sum(quantity_text) AS quantity,
               min(usage_start) AS firstUsage, max(usage_end) AS lastUsage
        FROM usage_records
        ${connectionId === null ? '' : 'WHERE connection_id = @connection'}
        GROUP BY meter_key
      )
      SELECT m.meter_id AS meterId, m.name, m.unit, m.service, coalesce(u.records, 0) AS records, u.quantity,
             u.firstUsage, u.lastUsage
      FROM meters m ${seenOnly ? 'JOIN' : 'LEFT JOIN'} usage u ON u.meter_key = m.id
      ORDER BY m.service, m.name, m.meter_id`)
    .all({ connection: connectionId });
  return rows.map((r) => ({
    meterId: r.meterId,
    name: r.name,
    unit: r.unit,
    service: r.service,
    records: r.records,
    quantity: r.quantity ?? '0',
    firstUsage: r.firstUsage === null ? null : isoFromUnix(r.firstUsage),
    lastUsage: r.lastUsage === null ? null : isoFromUnix(r.lastUsage),
  }));
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
  const perDayMeter = db
    .prepare<[typeof params], [number, number, number]>(`
      SELECT usage_start / 86400 AS day, meter_key, count(*) FROM usage_records ${only('connection_id')}
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
