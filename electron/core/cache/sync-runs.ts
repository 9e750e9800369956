import type Database from 'better-sqlite3';
import type { Granularity, SyncRunRow, SyncStatus } from '../../shared/domain.ts';
import { StackmeterError, type ErrorCode } from '../../shared/result.ts';
import { isoFromDate } from './iso.ts';
import { ownerGone, type SyncOwner } from './sync-locks.ts';

export interface NewSyncRun {
  connectionId: number;
  granularity: Granularity;
  /** Reported-time range, any ISO form; stored as `YYYY-MM-DDTHH:MM:SSZ`. */
  from: string;
  to: string;
  /** The request as given (null: incremental start / up to the last whole hour); default: from and to. */
  requestedFrom?: string | null;
  requestedTo?: string | null;
  sweepDeleted?: boolean;
  overlapHours?: number;
  owner?: SyncOwner | null;
  startedAt: string;
}

export interface SyncRunCounters {
  subscribers: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  windows?: number;
  windowsDone?: number;
  retries?: number;
}

export interface SyncRunEnd {
  status: Exclude<SyncStatus, 'running' | 'interrupted'>;
  error: string | null;
  errorCode?: ErrorCode | null;
  endedAt: string;
  /** Final counters, when the caller has them. */
  counters?: SyncRunCounters;
}

/** What resuming and executing a run needs beyond what the history shows. */
export interface StoredRun {
  id: number;
  connectionId: number;
  status: SyncStatus;
  granularity: Granularity;
  from: string;
  to: string;
  requestedFrom: string | null;
  requestedTo: string | null;
  sweepDeleted: boolean;
  overlapHours: number;
  planned: boolean;
  ownerPid: number | null;
  ownerHost: string | null;
}

const RUN_COLUMNS = `
  r.id, c.name AS connection, r.status, r.granularity, r.range_from AS "from", r.range_to AS "to",
  r.started_at AS startedAt, r.ended_at AS endedAt, r.subscribers, r.pages, r.records, r.inserted, r.updated,
  r.windows, r.windows_done AS windowsDone, r.retries, r.error, r.error_code AS errorCode,
  r.window_errors AS windowErrors`;
const RUNS = 'sync_runs r JOIN connections c ON c.id = r.connection_id';

type RunRecord = Omit<SyncRunRow, 'windowErrors'> & { windowErrors: string };

function toRow(r: RunRecord): SyncRunRow {
  return { ...r, windowErrors: JSON.parse(r.windowErrors) as string[] };
}

const STORED_COLUMNS = `
  id, connection_id AS connectionId, status, granularity, range_from AS "from", range_to AS "to",
  requested_from AS requestedFrom, requested_to AS requestedTo, sweep_deleted AS sweepDeleted,
  overlap_hours AS overlapHours, planned, owner_pid AS ownerPid, owner_host AS ownerHost`;

type StoredRecord = Omit<StoredRun, 'sweepDeleted' | 'planned'> & { sweepDeleted: number; planned: number };

function toStored(r: StoredRecord): StoredRun {
  return { ...r, sweepDeleted: r.sweepDeleted === 1, planned: r.planned === 1 };
}

/** Records the start of a sync; returns the run id. */
export function create(db: Database.Database, run: NewSyncRun): number {
  const requestedFrom = run.requestedFrom === undefined ? iso(run.from) : run.requestedFrom && iso(run.requestedFrom);
  const requestedTo = run.requestedTo === undefined ? iso(run.to) : run.requestedTo && iso(run.requestedTo);
  const info = db
    .prepare(`
      INSERT INTO sync_runs (connection_id, status, granularity, range_from, range_to, requested_from, requested_to,
                             sweep_deleted, overlap_hours, owner_pid, owner_host, started_at)
      VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(run.connectionId, run.granularity, iso(run.from), iso(run.to), requestedFrom, requestedTo,
      run.sweepDeleted ? 1 : 0, run.overlapHours ?? 6, run.owner?.pid ?? null, run.owner?.host ?? null,
      iso(run.startedAt));
  return Number(info.lastInsertRowid);
}

/** Stores a run's counters as they stand (absolute values, not increments). */
export function updateCounters(db: Database.Database, id: number, counters: SyncRunCounters): void {
  db.prepare(`
    UPDATE sync_runs SET subscribers = @subscribers, pages = @pages, records = @records, inserted = @inserted,
      updated = @updated, windows = coalesce(@windows, windows), windows_done = coalesce(@windowsDone, windows_done),
      retries = coalesce(@retries, retries)
    WHERE id = @id`).run({ windows: null, windowsDone: null, retries: null, ...counters, id });
}

/** Appends a failed window's description to the run's list. */
export function addWindowError(db: Database.Database, id: number, text: string): void {
  db.prepare("UPDATE sync_runs SET window_errors = json_insert(window_errors, '$[#]', ?) WHERE id = ?").run(text, id);
}

/** Records that the run's subscriber list was read and its plan stored, with the range it covers. */
export function markPlanned(db: Database.Database, id: number, plan: { from: string; subscribers: number; windows: number }): void {
  db.prepare('UPDATE sync_runs SET planned = 1, range_from = ?, subscribers = ?, windows = ? WHERE id = ?')
    .run(iso(plan.from), plan.subscribers, plan.windows, id);
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
  const row = db.prepare<[number], RunRecord>(`SELECT ${RUN_COLUMNS} FROM ${RUNS} WHERE r.id = ?`).get(id);
  if (!row) throw new StackmeterError('NOT_FOUND', `Sync run ${id} does not exist.`);
  return toRow(row);
}

/** The latest runs of every connection, newest first. */
export function list(db: Database.Database, limit = 50): SyncRunRow[] {
  return db.prepare<[number], RunRecord>(`SELECT ${RUN_COLUMNS} FROM ${RUNS} ORDER BY r.id DESC LIMIT ?`).all(limit).map(toRow);
}

/** The latest run of every connection that has one, keyed by connection name. */
export function latestPerConnection(db: Database.Database): Map<string, SyncRunRow> {
  const rows = db
    .prepare<[], RunRecord>(`
      SELECT ${RUN_COLUMNS} FROM ${RUNS} WHERE r.id IN (SELECT max(id) FROM sync_runs GROUP BY connection_id)`)
    .all();
  return new Map(rows.map((r) => [r.connection, toRow(r)]));
}

export function getStored(db: Database.Database, id: number): StoredRun {
  const row = db.prepare<[number], StoredRecord>(`SELECT ${STORED_COLUMNS} FROM sync_runs WHERE id = ?`).get(id);
  if (!row) throw new StackmeterError('NOT_FOUND', `Sync run ${id} does not exist.`);
  return toStored(row);
}

/** The interrupted runs of a stamp and granularity, oldest first: the next sync of that stamp resumes them. */
export function interrupted(db: Database.Database, connectionId: number, granularity: Granularity): StoredRun[] {
  return db
    .prepare<[number, Granularity], StoredRecord>(`
      SELECT ${STORED_COLUMNS} FROM sync_runs
      WHERE connection_id = ? AND granularity = ? AND status = 'interrupted' ORDER BY id`)
    .all(connectionId, granularity)
    .map(toStored);
}

/** Takes an interrupted run up again in this process: running, owned by `owner`, its end and error cleared. */
export function resume(db: Database.Database, id: number, owner: SyncOwner): void {
  const info = db
    .prepare(`
      UPDATE sync_runs SET status = 'running', owner_pid = ?, owner_host = ?, ended_at = NULL, error = NULL,
        error_code = NULL
      WHERE id = ? AND status = 'interrupted'`)
    .run(owner.pid, owner.host, id);
  if (info.changes === 0) throw new StackmeterError('NOT_FOUND', `Sync run ${id} is not an interrupted run.`);
}

/**
 * Runs still marked running whose owner process is gone were cut off by a crash, a kill or a power loss: they become
 * `interrupted` (and the next sync of their stamp resumes them), and the lock they held is released. Runs of a live
 * process sharing this cache (a console server while a scheduled CLI syncs, or the other way round) are left alone.
 * Only `connectionId`'s runs when given. Returns how many were marked.
 */
export function markInterrupted(db: Database.Database, now: Date, me: SyncOwner, connectionId?: number): number {
  return db.transaction(() => {
    const running = db
      .prepare<[], { id: number; connectionId: number; pid: number | null; host: string | null; heartbeatAt: string | null }>(`
        SELECT r.id, r.connection_id AS connectionId, r.owner_pid AS pid, r.owner_host AS host,
               l.heartbeat_at AS heartbeatAt
        FROM sync_runs r LEFT JOIN sync_locks l ON l.connection_id = r.connection_id AND l.run_id = r.id
        WHERE r.status = 'running'`)
      .all()
      .filter((r) => connectionId === undefined || r.connectionId === connectionId);
    let marked = 0;
    for (const r of running) {
      const gone = r.pid === null || r.host === null ||
        ownerGone(db, r.connectionId, { pid: r.pid, host: r.host }, me, r.heartbeatAt, now);
      if (!gone) continue;
      db.prepare(`
        UPDATE sync_runs SET status = 'interrupted', ended_at = ?,
          error = 'interrupted: the process running it stopped (killed, crashed or shut down); the next sync resumes it'
        WHERE id = ?`).run(isoFromDate(now), r.id);
      if (r.pid !== null && r.host !== null) {
        db.prepare('DELETE FROM sync_locks WHERE connection_id = ? AND pid = ? AND host = ?').run(r.connectionId, r.pid, r.host);
      }
      marked++;
    }
    return marked;
  })();
}

function iso(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new StackmeterError('INTERNAL', `"${text}" is not an ISO time`);
  return isoFromDate(new Date(ms));
}
