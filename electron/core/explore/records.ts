import type Database from 'better-sqlite3';
import type { UsageFilter, UsageRecordRow, UsageRecordsPage } from '../../shared/domain.ts';
import { isoFromUnix } from '../cache/iso.ts';
import { SUBSCRIPTION_ANY_CTE, SUBSCRIPTION_NAME_SQL, subscriptionJoins, TENANT_SQL } from './labels.ts';
import { periodSeconds, rollupPlan, type SecondsRange } from './period.ts';
import { filterSql, RECORD_COLUMNS, ROLLUP_COLUMNS, type FilterSql } from './usage-filter.ts';

const DAY = 86400;

/** usage_records' primary key order: oldest first, as the records were reported. */
const RECORD_ORDER = 'usage_start, subscription_key, meter_key, usage_end, resource_key, granularity';

/** A record as the query reads it: times in Unix seconds, tags as stored (JSON text). */
type RecordRow = Omit<UsageRecordRow, 'usageStart' | 'usageEnd' | 'tags'> & {
  usageStart: number;
  usageEnd: number;
  tags: string | null;
};

const where = (conditions: string[]): string => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/**
 * The raw records behind a filter (a chart bar: a meter, an hour, day or month, a tenant or subscription; an explorer
 * row), oldest first in the table's key order, with their stamp, subscription, tenant, meter, resource and tags
 * resolved. The period may be hour-aligned here. The page is cut from usage_records (through the meter index when
 * the filter names one meter) before anything is joined, so a block costs its own size plus the rows skipped to reach
 * it.
 */
export function listUsageRecords(db: Database.Database, filter: UsageFilter, offset: number, limit: number):
  UsageRecordsPage {
  const f = filterSql(db, filter, RECORD_COLUMNS);
  const period = filter.period === undefined ? null : periodSeconds(filter.period, 'filter.period');
  const conditions = [...f.conditions];
  const params: Record<string, string | number> = { ...f.params, offset, limit };
  if (period) {
    conditions.push('usage_start >= @from', 'usage_start < @to');
    params.from = period.from;
    params.to = period.to;
  }
  const rows = db.prepare(`
    WITH ${SUBSCRIPTION_ANY_CTE}
    SELECT u.usage_start AS usageStart, u.usage_end AS usageEnd, u.granularity, c.name AS stamp,
           sk.subscription_id AS subscriptionId, ${SUBSCRIPTION_NAME_SQL} AS subscriptionName, ${TENANT_SQL} AS tenantId,
           m.meter_id AS meterId, coalesce(o.name, m.name) AS meterName, coalesce(o.unit, m.unit) AS unit,
           u.quantity_text AS quantity, r.resource_uri AS resourceUri, r.resource_group AS resourceGroup,
           r.location, r.tags
    FROM (SELECT * FROM usage_records ${where(conditions)} ORDER BY ${RECORD_ORDER} LIMIT @limit OFFSET @offset) u
    JOIN meters m ON m.id = u.meter_key
    LEFT JOIN meter_overrides o ON o.match_key = m.match_key
    LEFT JOIN connections c ON c.id = u.connection_id
    ${subscriptionJoins('coalesce(u.connection_id, 0)', 'u.subscription_key')}
    LEFT JOIN resources r ON r.id = u.resource_key
    ORDER BY ${RECORD_ORDER.split(', ').map((c) => `u.${c}`).join(', ')}`).all(params) as RecordRow[];
  return { rows: rows.map(toRecord), offset, total: countRecords(db, filter, f, period) };
}

function toRecord(r: RecordRow): UsageRecordRow {
  let tags: Record<string, string> | null = null;
  if (r.tags !== null) {
    const parsed = JSON.parse(r.tags) as Record<string, unknown>;
    tags = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return {
    usageStart: isoFromUnix(r.usageStart),
    usageEnd: isoFromUnix(r.usageEnd),
    granularity: r.granularity,
    stamp: r.stamp,
    subscriptionId: r.subscriptionId,
    subscriptionName: r.subscriptionName,
    tenantId: r.tenantId,
    meterId: r.meterId,
    meterName: r.meterName,
    unit: r.unit,
    quantity: r.quantity,
    resourceUri: r.resourceUri,
    resourceGroup: r.resourceGroup,
    location: r.location,
    tags,
  };
}

/**
 * How many records match: whole days from the rollups (whole months from usage_monthly), which count records exactly,
 * and only the hours of a partial first or last day from usage_records. Everything cached is one pass over the
 * monthly rollup; a one-hour bar one index range.
 */
function countRecords(db: Database.Database, filter: UsageFilter, recordFilter: FilterSql, period: SecondsRange | null):
  number {
  const rollupFilter = filterSql(db, filter, ROLLUP_COLUMNS);
  const sum = (table: string, conditions: string[], params: Record<string, number>): number =>
    db.prepare(`SELECT coalesce(sum(records), 0) FROM ${table} ${where([...conditions, ...rollupFilter.conditions])}`)
      .pluck().get({ ...rollupFilter.params, ...params }) as number;
  const countRaw = (from: number, to: number): number =>
    db.prepare(`SELECT count(*) FROM usage_records ${where(['usage_start >= @from', 'usage_start < @to',
      ...recordFilter.conditions])}`).pluck().get({ ...recordFilter.params, from, to }) as number;

  if (period === null) return sum('usage_monthly', [], {});
  const fromDay = Math.ceil(period.from / DAY);
  const toDay = Math.floor(period.to / DAY);
  if (fromDay >= toDay) return countRaw(period.from, period.to);
  let total = 0;
  if (period.from < fromDay * DAY) total += countRaw(period.from, fromDay * DAY);
  if (toDay * DAY < period.to) total += countRaw(toDay * DAY, period.to);
  const plan = rollupPlan({ fromDay, toDay });
  if (plan.months) total += sum('usage_monthly', ['month BETWEEN @from AND @to'], plan.months);
  const daily = rollupFilter.needsResource ? 'usage_daily' : 'usage_daily_meter';
  for (const days of plan.days) {
    total += sum(daily, ['day >= @from', 'day < @to'], { from: days.fromDay, to: days.toDay });
  }
  return total;
}
