import type Database from 'better-sqlite3';
import type { Completeness, CompletenessQuery, CompletenessRow, UsageGap } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { getStored } from '../cache/connections.ts';
import { isoFromUnix } from '../cache/iso.ts';
import { periodSeconds } from './period.ts';

const HOUR = 3600;
const MAX_COMPLETENESS_DAYS = 93;

interface Stamp {
  id: number;
  name: string;
}

/**
 * Whether the usage of a period is all in the cache, before it is charged: records per hour and subscription (from the
 * hourly-count rollup, never the raw records), each stamp's latest usage hour and the reported time its sync has
 * reached for every listed subscriber, and the gaps:
 *
 * - of a subscription: hours without records strictly between its first and last hour with records in the period.
 *   Resources start and stop all the time, so only the silence of a whole subscription counts;
 * - of a stamp: hours in which none of its subscriptions has records, from its first hour with records in the period up
 *   to its latest usage hour (hours after it are not missing yet, only not reported or synced yet).
 *
 * Daily records start at midnight, so a subscription (or stamp) whose records all start at midnight is judged day by
 * day: a missing day is a gap, the 23 hours between two midnights are not.
 */
export function getCompleteness(db: Database.Database, query: CompletenessQuery, now: Date): Completeness {
  const { from, to } = periodSeconds(query.period);
  const hours = (to - from) / HOUR;
  if (hours > MAX_COMPLETENESS_DAYS * 24) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `The period covers ${formatDays(hours)} days; the completeness map shows at most ${MAX_COMPLETENESS_DAYS} days.`);
  }
  return completenessOf(db, query, now);
}

/** getCompleteness of a period of any length: the 93-day bound is the map's, not the data's (capacity reports). */
export function completenessOf(db: Database.Database, query: CompletenessQuery, now: Date): Completeness {
  const { from, to } = periodSeconds(query.period);
  const fromHour = from / HOUR;
  const hours = (to - from) / HOUR;
  const only = query.stamp === undefined ? null : getStored(db, query.stamp);
  const stamps: Stamp[] = only
    ? [{ id: only.id, name: only.name }]
    : db.prepare<[], Stamp>('SELECT id, name FROM connections ORDER BY name').all();
  const stampNames = new Map(stamps.map((s) => [s.id, s.name]));

  const rows = hourlyRows(db, { fromHour, toHour: fromHour + hours, connection: only?.id ?? null }, stampNames);
  const nowHour = Math.floor(now.getTime() / 1000 / HOUR);

  const gaps: UsageGap[] = [];
  const stampSummaries = stamps.map((stamp) => {
    const latest = latestUsageHour(db, stamp.id);
    const own = rows.filter((r) => r.connectionKey === stamp.id);
    if (own.length > 0 && latest !== null) {
      const total = new Array<number>(hours).fill(0);
      for (const r of own) r.counts.forEach((n, i) => { total[i] = (total[i] ?? 0) + n; });
      const first = total.findIndex((n) => n > 0);
      const last = Math.min(latest, nowHour, fromHour + hours - 1) - fromHour;
      for (const run of silentRuns(total, fromHour, first, last)) {
        gaps.push(gap(stamp.name, null, fromHour, run));
      }
    }
    for (const r of own) gaps.push(...subscriptionGaps(r, fromHour));
    return {
      name: stamp.name,
      latestUsageHour: latest === null ? null : isoFromUnix(latest * HOUR),
      syncedThrough: syncedThrough(db, stamp.id),
    };
  });
  // Imports not tied to a stamp have no stamp-wide view, but a subscription's own silence still shows.
  for (const r of rows) if (r.connectionKey === 0) gaps.push(...subscriptionGaps(r, fromHour));

  return {
    from: isoFromUnix(from),
    hours,
    rows: rows.map(({ stamp, subscriptionId, label, counts }) => ({ stamp, subscriptionId, label, counts })),
    stamps: stampSummaries,
    gaps,
  };
}

interface HourlyRow extends CompletenessRow {
  connectionKey: number;
}

/** Records per hour of the period for every stamp and subscription with records in it, by stamp then label. */
function hourlyRows(
  db: Database.Database, range: { fromHour: number; toHour: number; connection: number | null },
  stampNames: ReadonlyMap<number, string>,
): HourlyRow[] {
  const counts = db
    .prepare<[typeof range], [number, number, number, number]>(`
      SELECT hour, connection_key, subscription_key, records FROM usage_hourly_counts
      WHERE hour >= @fromHour AND hour < @toHour ${range.connection === null ? '' : 'AND connection_key = @connection'}`)
    .raw()
    .all(range);
  const hours = range.toHour - range.fromHour;
  const rows = new Map<string, HourlyRow & { subscriptionKey: number }>();
  for (const [hour, connectionKey, subscriptionKey, records] of counts) {
    const key = `${connectionKey}|${subscriptionKey}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        connectionKey, subscriptionKey, stamp: stampNames.get(connectionKey) ?? null, subscriptionId: '', label: '',
        counts: new Array<number>(hours).fill(0),
      };
      rows.set(key, row);
    }
    row.counts[hour - range.fromHour] = records;
  }
  if (rows.size === 0) return [];

  const ids = new Map(db.prepare<[], [number, string]>('SELECT id, subscription_id FROM subscription_keys').raw().all());
  // A subscription's name as its stamp lists it; for imports, as any stamp does.
  const names = new Map<string, string>();
  const anyName = new Map<string, string>();
  for (const [connectionId, subscriptionId, name] of db
    .prepare<[], [number, string, string]>(
      'SELECT connection_id, subscription_id, display_name FROM subscriptions WHERE display_name IS NOT NULL')
    .raw()
    .all()) {
    names.set(`${connectionId}|${subscriptionId}`, name);
    if (!anyName.has(subscriptionId)) anyName.set(subscriptionId, name);
  }
  const result = [...rows.values()].map(({ subscriptionKey, ...row }) => {
    const subscriptionId = ids.get(subscriptionKey) ?? String(subscriptionKey);
    const label = names.get(`${row.connectionKey}|${subscriptionId}`) ?? anyName.get(subscriptionId) ?? subscriptionId;
    return { ...row, subscriptionId, label };
  });
  // By stamp (imports last), then by label.
  return result.sort((a, b) =>
    a.stamp === b.stamp
      ? a.label.localeCompare(b.label) || a.subscriptionId.localeCompare(b.subscriptionId)
      : a.stamp === null ? 1 : b.stamp === null ? -1 : a.stamp.localeCompare(b.stamp));
}

function subscriptionGaps(row: HourlyRow, fromHour: number): UsageGap[] {
  const first = row.counts.findIndex((n) => n > 0);
  if (first < 0) return [];
  let last = row.counts.length - 1;
  while (last > first && row.counts[last] === 0) last--;
  return silentRuns(row.counts, fromHour, first, last).map((run) => gap(row.stamp, row.subscriptionId, fromHour, run));
}

/** A run of silent hours: period offsets, `from` inclusive, `to` exclusive. */
interface Run {
  from: number;
  to: number;
}

/**
 * Runs of zero counts between offsets `first` and `last` (inclusive; `first` has records). When every record starts at
 * midnight (daily usage), only midnights are looked at and each silent one stands for its whole day.
 */
function silentRuns(counts: readonly number[], fromHour: number, first: number, last: number): Run[] {
  if (first < 0 || last <= first) return [];
  const daily = counts.every((n, i) => n === 0 || (fromHour + i) % 24 === 0);
  const step = daily ? 24 : 1;
  const runs: Run[] = [];
  let start = -1;
  let i = first;
  for (; i <= last; i += step) {
    if ((counts[i] ?? 0) === 0) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ from: start, to: i });
      start = -1;
    }
  }
  // Silence that lasts to `last` (a stamp's range ends at its latest hour, which may lie past its records in the period).
  if (start >= 0) runs.push({ from: start, to: Math.min(counts.length, i) });
  return runs;
}

function gap(stamp: string | null, subscriptionId: string | null, fromHour: number, run: Run): UsageGap {
  return {
    stamp,
    subscriptionId,
    from: isoFromUnix((fromHour + run.from) * HOUR),
    to: isoFromUnix((fromHour + run.to) * HOUR),
    hours: run.to - run.from,
  };
}

/** The latest hour (Unix hours) with records of a stamp, read backwards along the rollup's key: stops at the first. */
function latestUsageHour(db: Database.Database, connectionId: number): number | null {
  return db
    .prepare<[number], number>(
      'SELECT hour FROM usage_hourly_counts WHERE connection_key = ? ORDER BY hour DESC LIMIT 1')
    .pluck()
    .get(connectionId) ?? null;
}

/**
 * The reported time every subscriber the stamp still lists has been synced to without a gap: the lowest watermark of
 * its hourly syncs (of its daily syncs, for a stamp only ever synced daily); null before its first completed window.
 */
function syncedThrough(db: Database.Database, connectionId: number): string | null {
  const lowest = new Map(
    db
      .prepare<[number], [string, number]>(`
        SELECT granularity, min(reported_to) FROM sync_watermarks
        WHERE connection_id = ? AND missing_since IS NULL GROUP BY granularity`)
      .raw()
      .all(connectionId),
  );
  const through = lowest.get('Hourly') ?? lowest.get('Daily');
  return through === undefined ? null : isoFromUnix(through);
}

function formatDays(hours: number): string {
  const days = hours / 24;
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}
