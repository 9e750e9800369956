// The questions the console asks of a big cache, timed through the core's own functions on a cache opened as the app
// opens it, beside the same questions in plain SQL over DuckDB's copy of the raw rows; every answer is checked against
// DuckDB's before its time counts.

import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { openCache } from '../../electron/core/cache/open.ts';
import { listMeters } from '../../electron/core/cache/queries.ts';
import { exploreUsage } from '../../electron/core/explore/explore.ts';
import { getMeterSeries } from '../../electron/core/meters/detail.ts';
import {
  OTHER_SERIES_KEY, type ExplorePage, type ExploreQuery, type MeterRow, type UsageSeries,
} from '../../electron/shared/domain.ts';
import { MONTH, type BigCache } from './big-cache.ts';
import { queryRows, type DuckBaseline } from './duckdb.ts';

/** Milliseconds a query may take on the big cache. */
export const TARGET_MS = 300;
const DAY = 86400;
/** The month of the big cache in Unix seconds, for the SQL: FROM inclusive, TO exclusive. */
export const FROM = Date.parse(`${MONTH.from}T00:00:00Z`) / 1000;
export const TO = Date.parse(`${MONTH.to}T00:00:00Z`) / 1000;
const PERIOD_SQL = `usage_start >= ${FROM} AND usage_start < ${TO}`;
const BLOCK = 500;

export interface QueryResult {
  name: string;
  /** Rows the core's answer holds (meters, series cells, groups of the block). */
  rows: number;
  /** Milliseconds of each measured run of the core's function, after one warm-up. */
  ours: number[];
  duck: number[];
  /** Milliseconds the 95th percentile of ours must stay under. */
  targetMs: number;
  /** What was checked against DuckDB and how it agreed. */
  agreement: string;
}

export interface CacheFacts {
  fileBytes: number;
  duckdbBytes: number;
  rollups: { table: string; rows: number }[];
  /** Rows of the meters table (catalog and seen), and those with usage. */
  meters: number;
  metersWithUsage: number;
  /** The meter with the most records in the month: the one charted. */
  biggestMeter: { meterId: string; name: string; records: number };
  tenant: { tenantId: string; records: number };
}

export const median = (ms: number[]): number => {
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Nearest-rank 95th percentile (the slowest run when there are fewer than 20). */
export const p95 = (ms: number[]): number => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.95) - 1] as number;

function timeSync<T>(runs: number, fn: () => T): { value: T; ms: number[] } {
  const value = fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    ms.push(performance.now() - started);
  }
  return { value, ms };
}

/**
 * Like timeSync, but each run on a connection of its own (opened with openCache and closed, untimed), for a core
 * function whose connection keeps what it computed (the explorer's groups, the chargeback's last runs): every timed
 * run then pays what the first call after a sync or at startup pays.
 */
export function timeOnFreshConnection<T>(path: string, runs: number, fn: (db: Database.Database) => T):
{ value: T; ms: number[] } {
  const once = () => {
    const db = openCache(path);
    try {
      const started = performance.now();
      const value = fn(db);
      return { value, ms: performance.now() - started };
    } finally {
      db.close();
    }
  };
  const { value } = once();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(once().ms);
  return { value, ms };
}

export async function timeAsync<T>(runs: number, fn: () => Promise<T>): Promise<{ value: T; ms: number[] }> {
  const value = await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return { value, ms };
}

/** Tallies how quantities compared: exactly, or only to 6 significant digits; anything worse fails the bench. */
class Agreement {
  exact = 0;
  close = 0;
  /** Groups without a quantity on both sides (meters of different units). */
  none = 0;
  private readonly what: string;

  constructor(what: string) {
    this.what = what;
  }

  fail(message: string): never {
    throw new Error(`bench: ${this.what}: ${message}`);
  }

  same(label: string, ours: string | number | null, theirs: string | number | null): void {
    if (ours === null || theirs === null) {
      if (ours !== theirs) this.fail(`${label}: ours ${ours}, DuckDB ${theirs}`);
      this.none++;
      return;
    }
    const a = new Decimal(ours);
    const b = new Decimal(theirs);
    if (a.eq(b)) this.exact++;
    else if (a.toSignificantDigits(6).eq(b.toSignificantDigits(6))) this.close++;
    else this.fail(`${label}: ours ${ours}, DuckDB ${theirs}`);
  }

  count(label: string, ours: number, theirs: number): void {
    if (ours !== theirs) this.fail(`${label}: ours ${ours}, DuckDB ${theirs}`);
  }

  get summary(): string {
    return [
      this.exact > 0 || (this.close === 0 && this.none === 0) ? `${this.exact} quantities equal to the last digit` : '',
      this.close > 0 ? `${this.close} equal to 6 significant digits` : '',
      this.none > 0 ? `${this.none} without a quantity on both sides (meters of different units)` : '',
    ].filter((part) => part !== '').join(', ');
  }
}

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => String(v);
const lower = (v: unknown): string => String(v).toLowerCase();

async function cacheFacts(db: Database.Database, cache: BigCache, duck: DuckBaseline): Promise<CacheFacts> {
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const biggest = (await queryRows(duck.connection, `
    SELECT meter_id, any_value(meter_name) AS name, count(*) AS records FROM usage WHERE ${PERIOD_SQL}
    GROUP BY meter_id ORDER BY records DESC, meter_id LIMIT 1`))[0];
  const tenant = (await queryRows(duck.connection, `
    SELECT tenant_id, count(*) AS records FROM usage WHERE ${PERIOD_SQL}
    GROUP BY tenant_id ORDER BY records DESC, tenant_id LIMIT 1`))[0];
  if (!biggest || !tenant) throw new Error('bench: the big cache holds no usage in the month');
  return {
    fileBytes: size(cache.path) + size(`${cache.path}-wal`),
    duckdbBytes: size(cache.duckdbPath),
    rollups: ['usage_records', 'usage_daily', 'usage_monthly', 'usage_daily_meter', 'usage_hourly_counts']
      .map((table) => ({ table, rows: count(table) })),
    meters: count('meters'),
    metersWithUsage: db.prepare('SELECT count(DISTINCT meter_key) FROM usage_daily_meter').pluck().get() as number,
    biggestMeter: { meterId: str(biggest.meter_id), name: str(biggest.name), records: num(biggest.records) },
    tenant: { tenantId: str(tenant.tenant_id), records: num(tenant.records) },
  };
}

interface SparkPoint {
  day: number;
  quantity: number;
}

/** A month is 31 points, one per day (days without usage 0), float sums equal to 6 significant digits. */
function checkSparkline(check: Agreement, meterId: string, ours: number[], theirs: SparkPoint[]): void {
  const days = (TO - FROM) / DAY;
  check.count(`${meterId} sparkline points`, ours.length, days);
  const expected = new Array<number>(days).fill(0);
  for (const p of theirs) expected[num(p.day) - FROM / DAY] = num(p.quantity);
  ours.forEach((q, i) => {
    const e = expected[i] as number;
    if (Math.abs(q - e) > Math.abs(e) * 1e-6) check.fail(`${meterId} sparkline day ${i}: ours ${q}, DuckDB ${e}`);
  });
}

async function metersList(db: Database.Database, duck: DuckBaseline, runs: number,
  total: number): Promise<QueryResult> {
  const ours = timeSync(runs, () => listMeters(db, { period: MONTH }));
  const sql = `
    WITH per_day AS (
      SELECT meter_id, meter_name, unit, service, usage_start // ${DAY} AS day, count(*) AS records,
             sum(quantity) AS quantity, sum(quantity_float) AS float_quantity, min(usage_start) AS first_start,
             max(usage_end) AS last_end
      FROM usage WHERE ${PERIOD_SQL} GROUP BY ALL),
    subs AS (SELECT meter_id, count(DISTINCT subscription_id) AS subscriptions FROM usage WHERE ${PERIOD_SQL}
             GROUP BY meter_id)
    SELECT p.meter_id, p.meter_name AS name, p.unit, p.service, sum(p.records) AS records, sum(p.quantity) AS quantity,
           min(p.first_start) AS first_start, max(p.last_end) AS last_end, any_value(s.subscriptions) AS subscriptions,
           list({'day': p.day, 'quantity': p.float_quantity} ORDER BY p.day) AS sparkline
    FROM per_day p JOIN subs s USING (meter_id)
    GROUP BY p.meter_id, p.meter_name, p.unit, p.service ORDER BY p.service, name, p.meter_id`;
  const theirs = await timeAsync(runs, () => queryRows(duck.connection, sql));

  const check = new Agreement('meters list');
  const byId = new Map(theirs.value.map((r) => [lower(r.meter_id), r]));
  const rows: MeterRow[] = ours.value;
  check.count('meters', rows.length, byId.size);
  let records = 0;
  for (const m of rows) {
    const d = byId.get(m.meterId.toLowerCase()) ?? check.fail(`meter ${m.meterId} is not in DuckDB's answer`);
    check.count(`${m.meterId} records`, m.records, num(d.records));
    check.same(`${m.meterId} quantity`, m.quantity, str(d.quantity));
    if (m.subscriptions !== undefined) check.count(`${m.meterId} subscriptions`, m.subscriptions, num(d.subscriptions));
    check.count(`${m.meterId} first usage`, Date.parse(m.firstUsage ?? '') / 1000, num(d.first_start));
    check.count(`${m.meterId} last usage`, Date.parse(m.lastUsage ?? '') / 1000, num(d.last_end));
    if (m.sparkline !== undefined) checkSparkline(check, m.meterId, m.sparkline, d.sparkline as unknown as SparkPoint[]);
    records += m.records;
  }
  check.count('records of all meters', records, total);
  return {
    name: 'meters list for the month (listMeters, period)', rows: rows.length, ours: ours.ms, duck: theirs.ms,
    targetMs: TARGET_MS,
    agreement: `${rows.length} meters, ${records.toLocaleString('en-US')} records: records, first and last usage, ` +
      `subscriptions and daily sparkline per meter, and ${check.summary}`,
  };
}

/**
 * Compares a stacked series with DuckDB's (bucket start, tenant, exact sum) rows: the members drawn apart are the
 * largest by total, the others fold into "Other", and every cell must match.
 */
function checkSeries(what: string, series: UsageSeries, theirs: Record<string, unknown>[]): string {
  const check = new Agreement(what);
  const members = new Set(series.series.map((s) => s.key.toLowerCase()).filter((k) => k !== OTHER_SERIES_KEY));
  const totals = new Map<string, Decimal>();
  const cells = new Map<string, Decimal>();
  for (const r of theirs) {
    const tenant = lower(r.tenant);
    const q = new Decimal(str(r.quantity));
    totals.set(tenant, (totals.get(tenant) ?? new Decimal(0)).plus(q));
    const key = `${num(r.bucket)}|${members.has(tenant) ? tenant : OTHER_SERIES_KEY}`;
    cells.set(key, (cells.get(key) ?? new Decimal(0)).plus(q));
  }
  const shown = [...totals].filter(([t]) => members.has(t)).map(([, q]) => q);
  const rest = [...totals].filter(([t]) => !members.has(t)).map(([, q]) => q);
  check.count('tenants drawn apart', shown.length, members.size);
  if (shown.length > 0 && rest.length > 0 && Decimal.max(...rest).gt(Decimal.min(...shown))) {
    check.fail('a tenant folded into "Other" uses more than one drawn apart');
  }
  let nonZero = 0;
  for (const s of series.series) {
    s.quantities.forEach((q, i) => {
      const bucket = Date.parse(series.buckets[i] as string) / 1000;
      const key = `${bucket}|${s.key.toLowerCase()}`;
      const expected = cells.get(key);
      if (expected === undefined) {
        if (!new Decimal(q).isZero()) check.fail(`${key}: ours ${q}, none in DuckDB's answer`);
        return;
      }
      check.same(key, q, expected.toFixed());
      cells.delete(key);
      nonZero++;
    });
  }
  if (cells.size > 0) check.fail(`${cells.size} cells of DuckDB's answer are missing from ours, e.g. ${[...cells.keys()][0]}`);
  const buckets = series.buckets.length;
  return `${buckets} bucket${buckets === 1 ? '' : 's'} × ${series.series.length} series (${members.size} largest of ` +
    `${totals.size} tenants, the rest as "Other"), ${nonZero} non-empty cells: ${check.summary}`;
}

async function meterChart(db: Database.Database, duck: DuckBaseline, runs: number, meterId: string,
  bucket: 'day' | 'month'): Promise<QueryResult> {
  const period = bucket === 'day' ? MONTH : undefined;
  const ours = timeSync(runs, () => getMeterSeries(db, { meterId, bucket, stackBy: 'tenant', period }));
  // Bucket starts in Unix seconds: days, or calendar months.
  const bucketSql = bucket === 'day'
    ? `usage_start // ${DAY} * ${DAY}`
    // make_timestamp gives a TIMESTAMP without time zone: months of UTC whatever the session's zone.
    : 'epoch(date_trunc(\'month\', make_timestamp(usage_start::BIGINT * 1000000)))::BIGINT';
  const sql = `
    SELECT ${bucketSql} AS bucket, tenant_id AS tenant, sum(quantity) AS quantity FROM usage
    WHERE meter_id = $meter ${bucket === 'day' ? `AND ${PERIOD_SQL}` : ''}
    GROUP BY ALL ORDER BY bucket, tenant`;
  const theirs = await timeAsync(runs, () => queryRows(duck.connection, sql, { meter: meterId }));
  const cells = ours.value.buckets.length * ours.value.series.length;
  return {
    name: bucket === 'day'
      ? 'meter chart: biggest meter per day by tenant, the month (getMeterSeries)'
      : 'meter chart: biggest meter per month by tenant, whole cache (getMeterSeries)',
    rows: cells, ours: ours.ms, duck: theirs.ms, targetMs: TARGET_MS,
    agreement: checkSeries(`${bucket} series`, ours.value, theirs.value),
  };
}

/** DuckDB's group-by for an explorer query over the month: every group (key columns k0..), with totals per row. */
function exploreSql(keys: string[], where: string): string {
  const columns = keys.map((k, i) => `${k} AS k${i}`).join(', ');
  const groupBy = keys.map((_, i) => `k${i}`).join(', ');
  return `
    WITH g AS (
      SELECT ${columns}, count(*) AS records,
             CASE WHEN count(DISTINCT unit) = 1 THEN sum(quantity) END AS quantity, any_value(unit) AS unit
      FROM usage WHERE ${PERIOD_SQL} ${where} GROUP BY ${groupBy})
    SELECT *, count(*) OVER () AS groups, sum(records) OVER () AS total_records FROM g
    ORDER BY quantity DESC NULLS LAST, ${groupBy} LIMIT ${BLOCK} OFFSET $offset`;
}

/** Checks an explorer block against DuckDB's groups: every row's records and quantity, and the totals. */
function checkExplore(what: string, page: ExplorePage, theirs: Record<string, unknown>[], width: number): string {
  const check = new Agreement(what);
  const key = (parts: unknown[]) => parts.map(lower).join('|');
  const groups = new Map(theirs.map((r) => [key(Array.from({ length: width }, (_, i) => r[`k${i}`])), r]));
  const first = theirs[0];
  if (first === undefined) check.fail('DuckDB found no groups');
  check.count('groups', page.totals.groups, num(first.groups));
  check.count('records', page.totals.records, num(first.total_records));
  let previous: Decimal | null = null;
  for (const row of page.rows) {
    const k = key(row.groups.map((g) => g.key));
    const d = groups.get(k) ?? check.fail(`group ${k} is not among DuckDB's groups`);
    check.count(`${k} records`, row.records, num(d.records));
    check.same(`${k} quantity`, row.quantity, d.quantity === null ? null : str(d.quantity));
    if (row.quantity !== null) {
      const q = new Decimal(row.quantity);
      if (previous !== null && q.gt(previous)) check.fail(`rows are not in descending quantity at ${k}`);
      previous = q;
    }
  }
  return `${page.totals.groups} groups, ${page.totals.records.toLocaleString('en-US')} records; ` +
    `the block's ${page.rows.length} rows: records and ${check.summary}`;
}

/**
 * An explorer group-by. The first block of a query groups it into a TEMP table that the connection keeps for the
 * query's later blocks: each timed first call therefore runs on a connection of its own (opened untimed, with
 * openCache), as after a sync or at startup. Then the same block again and the next block, which read what the first
 * call kept. DuckDB answers each from the raw rows.
 */
async function explorer(db: Database.Database, cache: BigCache, duck: DuckBaseline, runs: number, name: string,
  query: ExploreQuery, duckKeys: string[], duckWhere: string, duckParams: Record<string, string>):
  Promise<QueryResult[]> {
  const { value: firstPage, ms: coldMs } = timeOnFreshConnection(cache.path, runs,
    (fresh) => exploreUsage(fresh, query, 0, BLOCK));
  const sql = exploreSql(duckKeys, duckWhere);
  const theirs = await timeAsync(runs, () => queryRows(duck.connection, sql, { ...duckParams, offset: 0 }));
  // Every group, for the checks (untimed).
  const all = await queryRows(duck.connection, sql.replace(`LIMIT ${BLOCK} OFFSET $offset`, ''), duckParams);
  const results: QueryResult[] = [{
    name: `explorer: ${name}, first block (groups the query)`, rows: firstPage.rows.length, ours: coldMs,
    duck: theirs.ms, targetMs: TARGET_MS, agreement: checkExplore(name, firstPage, all, duckKeys.length),
  }];
  const again = timeSync(runs, () => exploreUsage(db, query, 0, BLOCK));
  results.push({
    name: `explorer: ${name}, first block again (kept)`, rows: again.value.rows.length, ours: again.ms,
    duck: theirs.ms, targetMs: TARGET_MS, agreement: checkExplore(`${name} again`, again.value, all, duckKeys.length),
  });
  if (firstPage.totals.groups > BLOCK) {
    const next = timeSync(runs, () => exploreUsage(db, query, BLOCK, BLOCK));
    const theirsNext = await timeAsync(runs, () => queryRows(duck.connection, sql, { ...duckParams, offset: BLOCK }));
    results.push({
      name: `explorer: ${name}, second block`, rows: next.value.rows.length, ours: next.ms, duck: theirsNext.ms,
      targetMs: TARGET_MS,
      agreement: checkExplore(`${name}, second block`, next.value, all, duckKeys.length),
    });
  }
  return results;
}

export interface QueryBench {
  facts: CacheFacts;
  results: QueryResult[];
}

/** Every query of the bench, `runs` timed runs each after one warm-up, on both sides. */
export async function runQueries(db: Database.Database, cache: BigCache, duck: DuckBaseline, runs: number,
  say: (m: string) => void): Promise<QueryBench> {
  const facts = await cacheFacts(db, cache, duck);
  const results: QueryResult[] = [];
  const step = async (name: string, run: () => Promise<QueryResult | QueryResult[]>) => {
    say(`  ${name}`);
    const r = await run();
    results.push(...(Array.isArray(r) ? r : [r]));
  };
  const meter = facts.biggestMeter.meterId;
  await step('meters list', () => metersList(db, duck, runs, cache.records));
  await step(`meter chart by day (${facts.biggestMeter.name})`, () => meterChart(db, duck, runs, meter, 'day'));
  await step('meter chart by month', () => meterChart(db, duck, runs, meter, 'month'));
  await step('explorer: tenant × meter', () => explorer(db, cache, duck, runs, 'month by tenant × meter',
    { filter: { period: MONTH }, groupBy: ['tenant', 'meter'] }, ['tenant_id', 'meter_id'], '', {}));
  await step('explorer: one tenant by resource group', () => explorer(db, cache, duck, runs,
    'one tenant\'s month by resource group',
    { filter: { period: MONTH, tenants: [facts.tenant.tenantId] }, groupBy: ['resourceGroup'] },
    ['lower(resource_group)'], 'AND tenant_id = $tenant', { tenant: facts.tenant.tenantId }));
  return { facts, results };
}
