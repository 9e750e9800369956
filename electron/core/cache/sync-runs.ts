import type Database from 'better-sqlite3';
import type { Granularity, SyncRunRow, SyncStatus } from '../../shared/domain.ts';
import { StackmeterError, type ErrorCode } from '../../shared/result.ts';
import { isoFromDate } from './iso.ts';

export interface NewSyncRun {
  connectionId: number;
  granularity: Granularity;
  /** Reported-time range, any ISO form; stored as `YYYY-MM-DDTHH:MM:SSZ`. */
  from: string;
  to: string;
  startedAt: string;
}

export interface SyncRunCounters {
  subscribers: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
}

export interface SyncRunEnd {
  status: Exclude<SyncStatus, 'running'>;
  error: string | null;
  errorCode?: ErrorCode | null;
  endedAt: string;
  /** Final counters, when the caller has them. */
  counters?: SyncRunCounters;
}

const RUN_COLUMNS = `
  r.id, c.name AS connection, r.status, r.granularity, r.range_from AS "from", r.range_to AS "to",
  r.started_at AS startedAt, r.ended_at AS endedAt, r.subscribers, r.pages, r.records, r.inserted, r.updated, r.error,
  r.error_code AS errorCode`;
const RUNS = 'sync_runs r JOIN connections c ON c.id = r.connection_id';

/** Records the start of a sync; returns the run id. */
export function create(db: Database.Database, run: NewSyncRun): number {
  const info = db
    .prepare(`
      INSERT INTO sync_runs (connection_id, status, granularity, range_from, range_to, started_at)
      VALUES (?, 'running', ?, ?, ?, ?)`)
    .run(run.connectionId, run.granularity, iso(run.from), iso(run.to), iso(run.startedAt));
  return Number(info.lastInsertRowid);
}

/** Stores a run's counters as they stand (absolute values, not increments). */
export function updateCounters(db: Database.Database, id: number, counters: SyncRunCounters): void {
  db.prepare(`
    UPDATE sync_runs SET subscribers = @subscribers, pages = @pages, records = @records, inserted = @inserted,
      updated = @updated
    WHERE id = @id`).run({ ...counters, id });
}

/** Ends a running run. Ending a run twice, or one that does not exist, is a NOT_FOUND (a bug in the caller). */
export function finish(db: Database.Database, id: number, end: SyncRunEnd): void {
  db.transaction(() => {
    if (end.counters) updateCounters(db, id, end.counters);
    const info = db
      .prepare(`
        UPDATE sync_runs SET status = ?, error = ?, error_code = ?, ended_at = ?
        WHERE id = ? AND status = 'running'`)
      .run(end.status, end.error, end.errorCode ?? null, iso(end.endedAt), id);
    if (info.changes === 0) throw new StackmeterError('NOT_FOUND', `Sync run ${id} does not exist or has already ended.`);
  })();
}

export function get(db: Database.Database, id: number): SyncRunRow {
  const row = db.prepare<[number], SyncRunRow>(`SELECT ${RUN_COLUMNS} FROM ${RUNS} WHERE r.id = ?`).get(id);
  if (!row) throw new StackmeterError('NOT_FOUND', `Sync run ${id} does not exist.`);
  return row;
}

/** The latest runs of every connection, newest first. */
export function list(db: Database.Database, limit = 50): SyncRunRow[] {
  return db.prepare<[number], SyncRunRow>(`SELECT ${RUN_COLUMNS} FROM ${RUNS} ORDER BY r.id DESC LIMIT ?`).all(limit);
}

/** The latest run of every connection that has one, keyed by connection name. */
export function latestPerConnection(db: Database.Database): Map<string, SyncRunRow> {
  const rows = db
    .prepare<[], SyncRunRow>(`
      SELECT ${RUN_COLUMNS} FROM ${RUNS} WHERE r.id IN (SELECT max(id) FROM sync_runs GROUP BY connection_id)`)
    .all();
  return new Map(rows.map((r) => [r.connection, r]));
}

/**
 * Runs still marked running when a core opens the cache were cut off by a crash or a kill: nothing is syncing them any
 * more. Call once when the core opens; returns how many were marked failed.
 */
export function markInterrupted(db: Database.Database, now: Date): number {
  return db
    .prepare(`
      UPDATE sync_runs SET status = 'failed', error = 'interrupted', ended_at = ?
      WHERE status = 'running'`)
    .run(isoFromDate(now)).changes;
}

function iso(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new StackmeterError('INTERNAL', `"${text}" is not an ISO time`);
  return isoFromDate(new Date(ms));
}
