import type Database from 'better-sqlite3';
import { StackmeterError } from '../../shared/result.ts';
import { isoFromDate } from './iso.ts';

/** The process that syncs a stamp: its pid and host name. */
export interface SyncOwner {
  pid: number;
  host: string;
}

export interface SyncLock extends SyncOwner {
  connectionId: number;
  runId: number | null;
  acquiredAt: string;
  heartbeatAt: string;
}

/**
 * A lock held by a process on another host cannot be checked by pid; it counts as abandoned when its holder has not
 * renewed it for this long (a running sync renews it every minute).
 */
export const FOREIGN_LOCK_STALE_MS = 15 * 60_000;

/** Whether a process with this pid exists on this machine (signal 0 tests without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The stamps (cache file + connection id) whose lock this process holds. A lock or run carrying this process's own pid
// but missing here was left by an earlier process that had the same pid (pids are reused, e.g. after a reboot).
const heldHere = new Set<string>();
const lockKey = (db: Database.Database, connectionId: number): string => `${db.name}\0${connectionId}`;

/**
 * Whether the owner of a lock or a run is gone: on this host, its process no longer exists (for this process's own pid:
 * it does not hold the stamp); on another host, it has not renewed the lock for FOREIGN_LOCK_STALE_MS.
 */
export function ownerGone(
  db: Database.Database, connectionId: number, owner: SyncOwner, me: SyncOwner, heartbeatAt: string | null, now: Date,
): boolean {
  if (owner.host === me.host) {
    return owner.pid === me.pid ? !heldHere.has(lockKey(db, connectionId)) : !processAlive(owner.pid);
  }
  if (heartbeatAt === null) return false;
  return now.getTime() - Date.parse(heartbeatAt) > FOREIGN_LOCK_STALE_MS;
}

const COLUMNS = `connection_id AS connectionId, run_id AS runId, pid, host, acquired_at AS acquiredAt,
  heartbeat_at AS heartbeatAt`;

export function find(db: Database.Database, connectionId: number): SyncLock | undefined {
  return db.prepare<[number], SyncLock>(`SELECT ${COLUMNS} FROM sync_locks WHERE connection_id = ?`).get(connectionId);
}

/**
 * Takes the stamp's lock for `me`. A lock whose holder is gone is taken over, and returned so that the caller can
 * close the run it left behind. A live holder (another process, or this one already syncing the stamp) is refused with
 * LOCKED, saying which process holds it. Call inside a transaction that also records the run.
 */
export function acquire(
  db: Database.Database, connectionId: number, connectionName: string, me: SyncOwner, now: Date,
): { takenOver: SyncLock | null } {
  const held = find(db, connectionId);
  if (held && !ownerGone(db, connectionId, held, me, held.heartbeatAt, now)) {
    const where = held.host === me.host ? `process ${held.pid} on this machine` : `process ${held.pid} on ${held.host}`;
    const mine = held.host === me.host && held.pid === me.pid;
    throw new StackmeterError(
      'LOCKED',
      mine
        ? `A sync of "${connectionName}" is already running in this process (run ${held.runId}); wait for it or cancel it.`
        : `Another sync of "${connectionName}" is running: ${where}, run ${held.runId ?? '?'}, since ${held.acquiredAt}. ` +
          'Wait for it to finish (scheduled syncs must not overlap), or stop that process.',
    );
  }
  const at = isoFromDate(now);
  db.prepare(`
    INSERT INTO sync_locks (connection_id, run_id, pid, host, acquired_at, heartbeat_at) VALUES (?, NULL, ?, ?, ?, ?)
    ON CONFLICT (connection_id) DO UPDATE SET run_id = NULL, pid = excluded.pid, host = excluded.host,
      acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`)
    .run(connectionId, me.pid, me.host, at, at);
  heldHere.add(lockKey(db, connectionId));
  return { takenOver: held ?? null };
}

/** Records which run the holder is working on, and renews the lock. */
export function setRun(db: Database.Database, connectionId: number, me: SyncOwner, runId: number, now: Date): void {
  db.prepare('UPDATE sync_locks SET run_id = ?, heartbeat_at = ? WHERE connection_id = ? AND pid = ? AND host = ?')
    .run(runId, isoFromDate(now), connectionId, me.pid, me.host);
}

/** Renews the locks `me` holds, so that processes on other hosts sharing the cache see they are alive. */
export function heartbeat(db: Database.Database, me: SyncOwner, now: Date): void {
  db.prepare('UPDATE sync_locks SET heartbeat_at = ? WHERE pid = ? AND host = ?').run(isoFromDate(now), me.pid, me.host);
}

/** Releases the stamp's lock if `me` holds it. */
export function release(db: Database.Database, connectionId: number, me: SyncOwner): void {
  db.prepare('DELETE FROM sync_locks WHERE connection_id = ? AND pid = ? AND host = ?').run(connectionId, me.pid, me.host);
  heldHere.delete(lockKey(db, connectionId));
}

/**
 * Forgets that this process holds the stamp without touching the table: for a transaction that acquired the lock and
 * then rolled back.
 */
export function forget(db: Database.Database, connectionId: number): void {
  heldHere.delete(lockKey(db, connectionId));
}

/** Whether a live process (this one included) holds the stamp's lock. */
export function isHeld(db: Database.Database, connectionId: number, me: SyncOwner, now: Date): boolean {
  const held = find(db, connectionId);
  return held !== undefined && !ownerGone(db, connectionId, held, me, held.heartbeatAt, now);
}
