import type Database from 'better-sqlite3';
import type { Granularity } from '../../shared/domain.ts';

/**
 * One unit of a run's plan and its checkpoint: a subscriber's reported-time range (or the all-tenant sweep of deleted
 * subscriptions), the window in progress and the page to fetch next. Times are epoch milliseconds here and Unix seconds
 * in the table.
 */
export interface UnitState {
  unit: number;
  kind: 'subscriber' | 'sweep';
  /** Subscriber units: the subscription. */
  subscriptionId: string | null;
  /** Sweep: the deleted subscriptions whose watermarks it advances. */
  subjects: string[];
  rangeFrom: number;
  rangeTo: number;
  /** The window in progress; windowStart === rangeTo once the unit is done. */
  windowStart: number;
  windowEnd: number;
  /** The page of the window to fetch next; null: its first page. */
  nextLink: string | null;
  /** That page's number within the window, from 1. */
  page: number;
  /** Start of the first window that failed: the watermark stops there. */
  failedFrom: number | null;
  windows: number;
  windowsDone: number;
}

export interface Watermark {
  subscriptionId: string;
  /** Reported time synced without a gap up to here (epoch ms). */
  reportedTo: number;
  /** When the subscription list first lacked it (epoch ms); null while it is listed. */
  missingSince: number | null;
}

const sec = (ms: number): number => Math.floor(ms / 1000);
const ms = (s: number): number => s * 1000;

export function insertUnits(db: Database.Database, runId: number, units: UnitState[]): void {
  const insert = db.prepare(`
    INSERT INTO sync_run_units (run_id, unit, kind, subscription_id, subjects, range_from, range_to, window_start,
                                window_end, next_link, page, failed_from, windows, windows_done)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const u of units) {
    insert.run(runId, u.unit, u.kind, u.subscriptionId, JSON.stringify(u.subjects), sec(u.rangeFrom), sec(u.rangeTo),
      sec(u.windowStart), sec(u.windowEnd), u.nextLink, u.page, u.failedFrom === null ? null : sec(u.failedFrom),
      u.windows, u.windowsDone);
  }
}

/** A unit as its row reads: subjects as JSON text and times in Unix seconds, which loadUnits converts. */
type UnitRecord = Omit<UnitState, 'subjects'> & { subjects: string };

/** A run's units in plan order, each as its last committed checkpoint left it. */
export function loadUnits(db: Database.Database, runId: number): UnitState[] {
  return db
    .prepare<[number], UnitRecord>(`
      SELECT unit, kind, subscription_id AS subscriptionId, subjects, range_from AS rangeFrom, range_to AS rangeTo,
             window_start AS windowStart, window_end AS windowEnd, next_link AS nextLink, page,
             failed_from AS failedFrom, windows, windows_done AS windowsDone
      FROM sync_run_units WHERE run_id = ? ORDER BY unit`)
    .all(runId)
    .map((r) => ({
      ...r,
      subjects: JSON.parse(r.subjects) as string[],
      rangeFrom: ms(r.rangeFrom),
      rangeTo: ms(r.rangeTo),
      windowStart: ms(r.windowStart),
      windowEnd: ms(r.windowEnd),
      failedFrom: r.failedFrom === null ? null : ms(r.failedFrom),
    }));
}

/** A prepared checkpoint writer: one UPDATE per committed page. */
export function unitSaver(db: Database.Database, runId: number): (u: UnitState) => void {
  const update = db.prepare(`
    UPDATE sync_run_units SET window_start = ?, window_end = ?, next_link = ?, page = ?, failed_from = ?, windows = ?,
      windows_done = ?
    WHERE run_id = ? AND unit = ?`);
  return (u) => {
    update.run(sec(u.windowStart), sec(u.windowEnd), u.nextLink, u.page, u.failedFrom === null ? null : sec(u.failedFrom),
      u.windows, u.windowsDone, runId, u.unit);
  };
}

export function loadWatermarks(db: Database.Database, connectionId: number, granularity: Granularity): Map<string, Watermark> {
  const rows = db
    .prepare<[number, Granularity], { subscriptionId: string; reportedTo: number; missingSince: number | null }>(`
      SELECT subscription_id AS subscriptionId, reported_to AS reportedTo, missing_since AS missingSince
      FROM sync_watermarks WHERE connection_id = ? AND granularity = ?`)
    .all(connectionId, granularity);
  return new Map(rows.map((r) => [r.subscriptionId, {
    subscriptionId: r.subscriptionId,
    reportedTo: ms(r.reportedTo),
    missingSince: r.missingSince === null ? null : ms(r.missingSince),
  }]));
}

/**
 * Notes which subscriptions the current list lacks: each watermarked one missing from `listed` gets `missingSince = at`
 * (unless it already has one); one listed again loses it.
 */
export function markMissing(
  db: Database.Database, connectionId: number, granularity: Granularity, listed: ReadonlySet<string>, at: number,
): void {
  const setMissing = db.prepare(`
    UPDATE sync_watermarks SET missing_since = coalesce(missing_since, ?)
    WHERE connection_id = ? AND granularity = ? AND subscription_id = ?`);
  const clearMissing = db.prepare(`
    UPDATE sync_watermarks SET missing_since = NULL
    WHERE connection_id = ? AND granularity = ? AND subscription_id = ? AND missing_since IS NOT NULL`);
  for (const wm of loadWatermarks(db, connectionId, granularity).values()) {
    if (listed.has(wm.subscriptionId)) clearMissing.run(connectionId, granularity, wm.subscriptionId);
    else setMissing.run(sec(at), connectionId, granularity, wm.subscriptionId);
  }
}

/**
 * A prepared watermark advance: a completed window moves a subscription's watermark to its end, if the window starts
 * at or before the watermark (no gap left behind) or the subscription has none yet.
 */
export function watermarkAdvancer(
  db: Database.Database, connectionId: number, granularity: Granularity,
): (subscriptionId: string, start: number, end: number) => void {
  const upsert = db.prepare(`
    INSERT INTO sync_watermarks (connection_id, granularity, subscription_id, reported_to) VALUES (?, ?, ?, ?)
    ON CONFLICT (connection_id, granularity, subscription_id) DO UPDATE SET reported_to = excluded.reported_to
    WHERE reported_to < excluded.reported_to AND reported_to >= ?`);
  return (subscriptionId, start, end) => {
    upsert.run(connectionId, granularity, subscriptionId, sec(end), sec(start));
  };
}
