import type Database from 'better-sqlite3';
import {
  OTHER_SERIES_KEY, type MeterDetail, type MeterDetailQuery, type MeterSeriesQuery, type RankedUsage, type SeriesBucket,
  type UsageSeries,
} from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { getStored } from '../cache/connections.ts';
import { addScaled, formatScaled, parseScaled, type ScaledDecimal } from '../cache/exact-decimal.ts';
import { isoFromUnix } from '../cache/iso.ts';
import { meterRows, usageSpan } from '../cache/queries.ts';
import {
  NO_VALUE, SUBSCRIPTION_ANY_CTE, SUBSCRIPTION_NAME_SQL, TENANT_DOMAIN_CTE, TENANT_SQL, subscriptionJoins,
} from '../explore/labels.ts';
import {
  firstDayOfMonth, monthOfDay, nextMonth, periodDays, periodSeconds, type DayRange, type SecondsRange,
} from '../explore/period.ts';
import { meterMatchKey } from './catalog.ts';
import { explainUnit } from './unit-explanation.ts';

const DAY = 86400;
const HOUR = 3600;
/** How many users each top list names. */
const TOP = 10;
/** Stack members drawn apart; the rest are summed into one "Other" series. */
const STACK_MEMBERS = 12;
/** Longest span hour buckets cover: a month of hours is ~750 columns and reads the raw records. */
const MAX_HOUR_DAYS = 31;

const OTHER_MEMBER = { key: OTHER_SERIES_KEY, label: 'Other' };

/** One meter's usage to read: which meter, from which stamp. */
interface MeterScope {
  meterKey: number;
  meterId: string;
  connectionId: number | null;
}

function resolveMeter(db: Database.Database, query: MeterDetailQuery): MeterScope {
  const meter = db.prepare<[string], { id: number; meterId: string }>(
    'SELECT id, meter_id AS meterId FROM meters WHERE match_key = ?').get(meterMatchKey(query.meterId));
  if (meter === undefined) {
    throw new StackmeterError('NOT_FOUND',
      `Meter ${query.meterId} is neither in the meter catalog nor in the cached usage; check the ID.`);
  }
  const connectionId = query.stamp === undefined ? null : getStored(db, query.stamp).id;
  return { meterKey: meter.id, meterId: meter.meterId, connectionId };
}

function compareScaled(a: ScaledDecimal, b: ScaledDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Usage of one member of a ranking (a tenant, subscription, resource group or resource), summed exactly. */
interface Tally {
  key: string;
  label: string;
  records: number;
  quantity: ScaledDecimal;
}

function tallyInto(map: Map<string, Tally>, key: string, label: string, records: number, quantity: ScaledDecimal): void {
  const t = map.get(key);
  if (t === undefined) map.set(key, { key, label, records, quantity });
  else {
    t.records += records;
    t.quantity = addScaled(t.quantity, quantity);
  }
}

/** Largest quantity first; equal quantities by label, so the order is the same on every call. */
function ranked(tallies: Iterable<Tally>): Tally[] {
  return [...tallies].sort((a, b) => compareScaled(b.quantity, a.quantity) || a.label.localeCompare(b.label));
}

function top(tallies: Iterable<Tally>): RankedUsage[] {
  return ranked(tallies).slice(0, TOP)
    .map((t) => ({ key: t.key, label: t.label, records: t.records, quantity: formatScaled(t.quantity) }));
}

/** Who a (stamp, subscription) pair of the rollups is: its subscription and directory tenant, with their labels. */
interface Member {
  subscription: { key: string; label: string };
  tenant: { key: string; label: string };
}

/**
 * Names the (stamp, subscription) pairs as the explorer does: a subscription by its display name (else its GUID), a
 * tenant by the domain of its subscriptions' owners (else its ID, else "(unknown tenant)"), the stamp's own
 * subscription list first. The tenant of a subscription depends on the stamp that lists it, hence the pairs.
 */
function membersOf(db: Database.Database, pairs: Iterable<string>): Map<string, Member> {
  const list = [...pairs].map((p) => p.split('|').map(Number));
  const rows = db.prepare<[string], [number, number, string, string | null, string | null, string | null]>(`
    WITH ${SUBSCRIPTION_ANY_CTE}, ${TENANT_DOMAIN_CTE},
    pairs AS (SELECT json_extract(value, '$[0]') AS connection_key, json_extract(value, '$[1]') AS subscription_key
              FROM json_each(?))
    SELECT p.connection_key, p.subscription_key, sk.subscription_id, ${SUBSCRIPTION_NAME_SQL}, ${TENANT_SQL}, td.domain
    FROM pairs p ${subscriptionJoins('p.connection_key', 'p.subscription_key')}
    LEFT JOIN tenant_domain td ON td.tenant = lower(${TENANT_SQL})`).raw().all(JSON.stringify(list));
  const members = new Map<string, Member>();
  for (const [connectionKey, subscriptionKey, subscriptionId, name, tenant, domain] of rows) {
    members.set(`${connectionKey}|${subscriptionKey}`, {
      subscription: { key: subscriptionId, label: name ?? subscriptionId },
      tenant: tenant === null
        ? { key: NO_VALUE.tenant, label: NO_VALUE.tenant }
        : { key: tenant.toLowerCase(), label: domain ?? tenant.toLowerCase() },
    });
  }
  return members;
}

const dayConditions = (scope: MeterScope, range: DayRange | null): string =>
  [
    'meter_key = @meter',
    range === null ? '' : 'day >= @fromDay AND day < @toDay',
    scope.connectionId === null ? '' : 'connection_key = @connection',
  ].filter((c) => c !== '').join(' AND ');

const dayParams = (scope: MeterScope, range: DayRange | null) => ({
  meter: scope.meterKey, connection: scope.connectionId, fromDay: range?.fromDay ?? 0, toDay: range?.toDay ?? 0,
});

/**
 * One meter: its row (with the period's totals), its unit in words and its ten largest tenants, subscriptions,
 * resource groups and resources. Tenants and subscriptions come from the per-meter daily rollup; resource groups and
 * resources from the daily rollup through its meter index, each resource's sum exact. NOT_FOUND when the meter is
 * neither in the catalog nor seen in usage, or the stamp does not exist.
 */
export function getMeterDetail(db: Database.Database, query: MeterDetailQuery): MeterDetail {
  const scope = resolveMeter(db, query);
  const range = query.period === undefined ? null : periodDays(query.period);
  const meter = meterRows(db, { connectionId: scope.connectionId, range, seenOnly: false, meterKey: scope.meterKey })[0]!;
  const where = dayConditions(scope, range);
  const params = dayParams(scope, range);

  const perSubscription = db.prepare<[typeof params], [number, number, number, string]>(`
    SELECT connection_key, subscription_key, sum(records), decimal_sum(quantity_text)
    FROM usage_daily_meter WHERE ${where} GROUP BY connection_key, subscription_key`).raw().all(params);
  const members = membersOf(db, perSubscription.map(([c, s]) => `${c}|${s}`));
  const tenants = new Map<string, Tally>();
  const subscriptions = new Map<string, Tally>();
  for (const [connectionKey, subscriptionKey, records, quantity] of perSubscription) {
    const member = members.get(`${connectionKey}|${subscriptionKey}`);
    if (member === undefined) continue;
    const exact = parseScaled(quantity);
    tallyInto(tenants, member.tenant.key, member.tenant.label, records, exact);
    tallyInto(subscriptions, member.subscription.key, member.subscription.label, records, exact);
  }

  // Per resource first (a resource has one group), then folded into groups here: one pass over the meter's rows.
  const perResource = db.prepare<[typeof params], [string, string | null, string | null, number, string]>(`
    SELECT r.resource_uri, r.resource_name, r.resource_group, u.records, u.quantity
    FROM (SELECT resource_key, sum(records) AS records, decimal_sum(quantity_text) AS quantity
          FROM usage_daily WHERE ${where} GROUP BY resource_key) u
    JOIN resources r ON r.id = u.resource_key`).raw().all(params);
  const groups = new Map<string, Tally>();
  const groupSpelling = new Map<string, string>();
  const resources = new Map<string, Tally>();
  for (const [uri, name, group, records, quantity] of perResource) {
    const exact = parseScaled(quantity);
    // Groups differing only in case are one group, keyed by the first spelling met (filters ignore case).
    const groupName = group === null ? NO_VALUE.resourceGroup : groupSpelling.get(group.toLowerCase()) ?? group;
    groupSpelling.set(groupName.toLowerCase(), groupName);
    tallyInto(groups, groupName, groupName, records, exact);
    // Records without instanceData carry the resource URI ''.
    const resource = uri === '' ? NO_VALUE.resource : uri;
    tallyInto(resources, resource, name || resource, records, exact);
  }

  return {
    meter,
    unitExplanation: explainUnit({ unit: meter.unit, service: meter.service }),
    top: {
      tenants: top(tenants.values()),
      subscriptions: top(subscriptions.values()),
      resourceGroups: top(groups.values()),
      resources: top(resources.values()),
    },
  };
}

/** A series' buckets: their start times and, for each rollup bucket number, its column. */
interface BucketAxis {
  starts: string[];
  index: Map<number, number>;
}

function axis(numbers: number[], startOf: (n: number) => number): BucketAxis {
  return {
    starts: numbers.map((n) => isoFromUnix(startOf(n))),
    index: new Map(numbers.map((n, i) => [n, i])),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function monthsOf(days: DayRange): number[] {
  const months: number[] = [];
  const last = monthOfDay(days.toDay - 1);
  for (let m = monthOfDay(days.fromDay); m <= last; m = nextMonth(m)) months.push(m);
  return months;
}

/** The days the meter has usage on in the scope, or null when it has none. */
function cachedDays(db: Database.Database, scope: MeterScope): DayRange | null {
  const params = dayParams(scope, null);
  const [first, last] = db.prepare<[typeof params], [number | null, number | null]>(
    `SELECT min(day), max(day) FROM usage_daily_meter WHERE ${dayConditions(scope, null)}`).raw().get(params)!;
  return first === null || last === null ? null : { fromDay: first, toDay: last + 1 };
}

/** The hours from the meter's first usage start to its last usage end in the scope, or null when it has none. */
function cachedHours(db: Database.Database, scope: MeterScope): SecondsRange | null {
  const days = cachedDays(db, scope);
  if (days === null) return null;
  const { first, last } = usageSpan(db, scope.connectionId)(scope.meterKey, days.fromDay, days.toDay - 1);
  if (first === null || last === null) return null;
  return { from: Math.floor(first / HOUR) * HOUR, to: Math.ceil(last / HOUR) * HOUR };
}

/** Rows of a series query: bucket number, stamp, subscription, exact sum. */
type SeriesRow = [number, number, number, string];

function hourRows(db: Database.Database, scope: MeterScope, span: SecondsRange): SeriesRow[] {
  const params = { meter: scope.meterKey, from: span.from, to: span.to, connection: scope.connectionId };
  return db.prepare<[typeof params], SeriesRow>(`
    SELECT usage_start / ${HOUR}, coalesce(connection_id, 0), subscription_key, decimal_sum(quantity_text)
    FROM usage_records
    WHERE meter_key = @meter AND usage_start >= @from AND usage_start < @to
      ${scope.connectionId === null ? '' : 'AND connection_id = @connection'}
    GROUP BY 1, 2, 3`).raw().all(params);
}

function dayRows(db: Database.Database, scope: MeterScope, days: DayRange, bucket: 'day' | 'month'): SeriesRow[] {
  const key = bucket === 'day' ? 'day' : `CAST(strftime('%Y%m', day * ${DAY}, 'unixepoch') AS INTEGER)`;
  const params = dayParams(scope, days);
  return db.prepare<[typeof params], SeriesRow>(`
    SELECT ${key}, connection_key, subscription_key, decimal_sum(quantity_text)
    FROM usage_daily_meter WHERE ${dayConditions(scope, days)}
    GROUP BY 1, 2, 3`).raw().all(params);
}

/** Hour buckets read the raw records, so they cover at most MAX_HOUR_DAYS; INVALID_ARGUMENT says what to do. */
function checkHourSpan(span: SecondsRange, given: boolean): void {
  const days = (span.to - span.from) / DAY;
  if (days > MAX_HOUR_DAYS) {
    const what = given ? 'The period' : 'The meter\'s cached usage';
    throw new StackmeterError('INVALID_ARGUMENT',
      `${what} spans ${Math.ceil(days)} days; hour buckets cover at most ${MAX_HOUR_DAYS} days. Pick day buckets ` +
      'or a shorter period.');
  }
}

/**
 * One meter's quantity over time, stacked by tenant or subscription: the twelve largest members over the whole span
 * and "Other" for the rest, every bucket of the period (or of the meter's cached span) present, sums exact. Day buckets
 * read the per-meter daily rollup through its meter index, month buckets the same rows folded by month, hour buckets
 * the raw records through their meter index (hour-aligned periods of at most 31 days).
 */
export function getMeterSeries(db: Database.Database, query: MeterSeriesQuery): UsageSeries {
  const scope = resolveMeter(db, query);
  const unit = db.prepare<[number], string>(`
    SELECT coalesce(o.unit, m.unit) FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key
    WHERE m.id = ?`).pluck().get(scope.meterKey)!;
  const empty: UsageSeries = { bucket: query.bucket, buckets: [], series: [], unit };

  let buckets: BucketAxis;
  let rows: SeriesRow[];
  if (query.bucket === 'hour') {
    const span = query.period === undefined ? cachedHours(db, scope) : periodSeconds(query.period);
    if (span === null) return empty;
    checkHourSpan(span, query.period !== undefined);
    buckets = axis(range(span.from / HOUR, span.to / HOUR), (hour) => hour * HOUR);
    rows = hourRows(db, scope, span);
  } else {
    const days = query.period === undefined ? cachedDays(db, scope) : periodDays(query.period);
    if (days === null) return empty;
    buckets = query.bucket === 'day'
      ? axis(range(days.fromDay, days.toDay), (day) => day * DAY)
      : axis(monthsOf(days), (month) => firstDayOfMonth(month) * DAY);
    rows = dayRows(db, scope, days, query.bucket);
  }
  return stack(db, rows, buckets, query.bucket, query.stackBy, unit);
}

/** Folds (bucket, stamp, subscription) sums into the stack members' columns, exactly. */
function stack(db: Database.Database, rows: SeriesRow[], buckets: BucketAxis, bucket: SeriesBucket,
  stackBy: MeterSeriesQuery['stackBy'], unit: string): UsageSeries {
  const members = membersOf(db, new Set(rows.map(([, c, s]) => `${c}|${s}`)));
  const zero: ScaledDecimal = { units: 0n, scale: 0 };
  const columns = new Map<string, { label: string; total: ScaledDecimal; cells: ScaledDecimal[] }>();
  for (const [n, connectionKey, subscriptionKey, quantity] of rows) {
    const member = members.get(`${connectionKey}|${subscriptionKey}`)?.[stackBy];
    const i = buckets.index.get(n);
    if (member === undefined || i === undefined) continue;
    let column = columns.get(member.key);
    if (column === undefined) {
      column = { label: member.label, total: zero, cells: buckets.starts.map(() => zero) };
      columns.set(member.key, column);
    }
    const exact = parseScaled(quantity);
    column.total = addScaled(column.total, exact);
    column.cells[i] = addScaled(column.cells[i]!, exact);
  }

  const order = [...columns.entries()]
    .sort(([, a], [, b]) => compareScaled(b.total, a.total) || a.label.localeCompare(b.label));
  const shown = order.length > STACK_MEMBERS ? order.slice(0, STACK_MEMBERS) : order;
  const series = shown.map(([key, c]) => ({ key, label: c.label, quantities: c.cells.map(formatScaled) }));
  if (order.length > shown.length) {
    const rest = buckets.starts.map(() => zero);
    for (const [, c] of order.slice(STACK_MEMBERS)) c.cells.forEach((cell, i) => { rest[i] = addScaled(rest[i]!, cell); });
    series.push({ ...OTHER_MEMBER, quantities: rest.map(formatScaled) });
  }
  return { bucket, buckets: buckets.starts, series, unit };
}
