import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { EventName, StackmeterEvents } from '../../shared/contract.ts';
import type { SyncRequest } from '../../shared/domain.ts';
import { StackmeterError, toErrorInfo } from '../../shared/result.ts';
import { createArmClient, type ArmClient } from '../azure/arm.ts';
import type { HttpClient } from '../azure/http.ts';
import { retryPolicy, type RetryPolicy } from '../azure/retry.ts';
import { listTenantSubscriptions, listVisibleSubscriptions, type TenantSubscription } from '../azure/subscriptions.ts';
import type { TokenProvider } from '../azure/token.ts';
import * as connections from '../cache/connections.ts';
import { isoFromDate } from '../cache/iso.ts';
import * as subscriptions from '../cache/subscriptions.ts';
import * as locks from '../cache/sync-locks.ts';
import * as syncRuns from '../cache/sync-runs.ts';
import { insertUnits, loadUnits, loadWatermarks, markMissing } from '../cache/sync-state.ts';
import type { UsageWriter } from '../cache/usage-writer.ts';
import type { Clock, Logger } from '../types.ts';
import { HOUR_MS, INITIAL_LOOKBACK_MS, planUnits, resolveRange, sweepSizing, type SyncRange } from './plan.ts';
import { runSync, type RunCounters } from './run-sync.ts';
import { createSyncStore } from './store.ts';

/** How syncs run; the CLI sets these from its options, the console uses the defaults. */
export interface SyncOptions {
  /** Hours of reported time before each subscriber's watermark that an incremental sync reads again (late rows). */
  overlapHours?: number;
  /** Subscribers queried at the same time. */
  concurrency?: number;
  /** Retries of throttled, failed or cut-off requests; tests make the delays a few milliseconds. */
  retry?: Partial<RetryPolicy>;
  /** First size of the all-tenant windows that sweep deleted subscriptions (halved on a gateway timeout). */
  sweepWindowHours?: number;
  /** Attempts for a usage page whose body is malformed or cut short. */
  malformedAttempts?: number;
}

export const DEFAULT_OVERLAP_HOURS = 6;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_SWEEP_WINDOW_HOURS = 6;
// A holder renews its lock this often, so that processes on other hosts sharing the cache can tell it is alive.
const HEARTBEAT_MS = 60_000;

/** A stamp's HTTPS client and sign-in, opened for one sync chain and closed after it. */
export interface StampSession {
  http: HttpClient;
  tokens: TokenProvider;
}

export interface SyncManagerDeps {
  db: Database.Database;
  writer: UsageWriter;
  clock: Clock;
  log: Logger;
  emit<E extends EventName>(event: E, payload: StackmeterEvents[E]): void;
  /**
   * Reads the connection's credential (throwing AUTH at once when it cannot, so that sync:start fails rather than a run)
   * and opens its HTTPS client and token provider.
   */
  openStamp(connection: connections.StoredConnection): StampSession;
  options?: SyncOptions;
}

export interface SyncManager {
  start(request: SyncRequest): { runId: number };
  cancel(runId: number): void;
  /** Resolves when the run, and any run queued with it, has ended. */
  wait(runId: number): Promise<void>;
  /** Whether a live process, this one included, is syncing the connection. */
  isSyncing(connectionId: number): boolean;
  /** Cancels every sync of this process and waits for them to record their end. */
  close(): Promise<void>;
}

interface Chain {
  controller: AbortController;
  done: Promise<void>;
}

function checkWhole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StackmeterError('INVALID_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, not ${value}.`);
  }
  return value;
}

const sameBound = (stored: string | null, requested: Date | null): boolean =>
  (stored === null && requested === null) || (stored !== null && requested !== null && stored === isoFromDate(requested));

/**
 * Runs syncs for the core: takes the stamp's lock, resumes interrupted runs of the same stamp and granularity before a
 * new request, plans each run from the stamp's subscriber list and the watermarks, and executes it in the background
 * while the caller follows `sync:progress` events.
 */
export function createSyncManager(deps: SyncManagerDeps): SyncManager {
  const { db, clock, log } = deps;
  const me: locks.SyncOwner = { pid: process.pid, host: hostname() };
  const opts = deps.options ?? {};
  const overlapHours = checkWhole('overlap hours', opts.overlapHours ?? DEFAULT_OVERLAP_HOURS, 0, 24 * 31);
  const concurrency = checkWhole('concurrency', opts.concurrency ?? DEFAULT_CONCURRENCY, 1, 32);
  const sweepWindowHours = checkWhole('sweep window hours', opts.sweepWindowHours ?? DEFAULT_SWEEP_WINDOW_HOURS, 1, 24);
  const retry = retryPolicy(opts.retry);
  const malformedAttempts = checkWhole('malformed-page attempts', opts.malformedAttempts ?? 3, 1, 20);
  const chains = new Map<number, Chain>();

  // Runs whose process is gone (killed, crashed, power loss) are marked interrupted when a core opens the cache; the
  // next sync of their stamp resumes them. Runs of live processes sharing the cache are left alone.
  const marked = syncRuns.markInterrupted(db, clock.now(), me);
  if (marked > 0) log.warn('sync runs interrupted by a stopped process; the next sync of their stamp resumes them', { runs: marked });

  async function listSubscribers(
    conn: connections.StoredConnection, arm: ArmClient, signal: AbortSignal,
  ): Promise<TenantSubscription[]> {
    if (conn.kind === 'operator') {
      return listTenantSubscriptions(arm, conn.providerSubscriptionId as string, signal);
    }
    const visible = (await listVisibleSubscriptions(arm, signal)).map((s): TenantSubscription => ({
      subscriptionId: s.subscriptionId, displayName: s.displayName, owner: null, tenantId: null, offerId: null, state: s.state,
    }));
    const only = conn.providerSubscriptionId;
    if (only === null) return visible;
    // The one subscription the connection reads, described by the list while the principal still sees it.
    return [visible.find((s) => s.subscriptionId === only) ??
      { subscriptionId: only, displayName: null, owner: null, tenantId: null, offerId: null, state: null }];
  }

  /** Reads the subscriber list and stores the run's plan (its units and range) in one transaction. */
  async function plan(
    run: syncRuns.StoredRun, conn: connections.StoredConnection, arm: ArmClient, counters: RunCounters, signal: AbortSignal,
  ): Promise<void> {
    const subs = await listSubscribers(conn, arm, signal);
    const to = Date.parse(run.to);
    const listed = subs.map((s) => s.subscriptionId);
    const canSweep = conn.kind === 'operator';
    db.transaction(() => {
      subscriptions.upsert(db, conn.id, subs, clock.now());
      if (canSweep) markMissing(db, conn.id, run.granularity, new Set(listed), to);
      const units = planUnits({
        granularity: run.granularity,
        from: run.requestedFrom === null ? null : Date.parse(run.from),
        to,
        overlapMs: run.overlapHours * HOUR_MS,
        listed,
        watermarks: loadWatermarks(db, conn.id, run.granularity),
        canSweep,
        sweepDeleted: run.sweepDeleted,
        sweepWindowMs: sweepSizing(run.granularity, sweepWindowHours).initialMs,
      });
      insertUnits(db, run.id, units);
      counters.subscribers = listed.length;
      counters.windows = units.reduce((n, u) => n + u.windows, 0);
      const from = Math.min(to, ...units.map((u) => u.rangeFrom));
      syncRuns.markPlanned(db, run.id, { from: new Date(from).toISOString(), subscribers: counters.subscribers, windows: counters.windows });
      const sweep = units.find((u) => u.kind === 'sweep');
      if (sweep) {
        log.info('sweeping for usage of deleted subscriptions', {
          runId: run.id, from: new Date(sweep.rangeFrom), to: new Date(sweep.rangeTo), deleted: sweep.subjects,
        });
      }
    })();
  }

  async function execute(runId: number, conn: connections.StoredConnection, session: StampSession, signal: AbortSignal) {
    const row = syncRuns.get(db, runId);
    const counters: RunCounters = {
      subscribers: row.subscribers, pages: row.pages, records: row.records, inserted: row.inserted, updated: row.updated,
      windows: row.windows, windowsDone: row.windowsDone, retries: row.retries,
    };
    const arm = createArmClient(session.http, conn.armEndpoint, session.tokens, {
      retry,
      onRetry: (e) => {
        counters.retries++;
        log.info('retrying', { runId, what: e.what, attempt: e.attempt, reason: e.reason, delayMs: e.delayMs });
      },
    });
    const progressOf = (status: 'running' | 'failed' | 'cancelled', error: string | null = null) => ({
      runId, connection: conn.name, status, phase: status === 'running' ? 'subscriptions' as const : 'done' as const,
      subscribersDone: 0, subscribersTotal: counters.subscribers, currentSubscriber: null, pages: counters.pages,
      records: counters.records, inserted: counters.inserted, windowsDone: counters.windowsDone,
      windowsTotal: counters.windows, retries: counters.retries, rate: 0, percent: 0, error,
    });
    try {
      const stored = syncRuns.getStored(db, runId);
      if (!stored.planned) {
        deps.emit('sync:progress', progressOf('running'));
        await plan(stored, conn, arm, counters, signal);
      }
      const outcome = await runSync({
        runId,
        connection: conn.name,
        kind: conn.kind,
        providerSubscriptionId: conn.providerSubscriptionId,
        granularity: stored.granularity,
        arm,
        units: loadUnits(db, runId),
        counters,
        failedWindows: row.windowErrors.length,
        store: createSyncStore(db, deps.writer, { runId, connectionId: conn.id, granularity: stored.granularity }),
        signal,
        options: { concurrency, retry, sweep: sweepSizing(stored.granularity, sweepWindowHours), malformedAttempts },
        onProgress: (p) => deps.emit('sync:progress', p),
        onNotice: (message, fields) => log.info(message, fields),
      });
      syncRuns.finish(db, runId, { ...outcome, endedAt: clock.now().toISOString(), counters });
    } catch (err) {
      // Planning failed (the subscriber list could not be read), or a bug: either way the run ends here, recorded.
      const info = toErrorInfo(err);
      const cancelled = signal.aborted || info.code === 'CANCELLED';
      if (info.code === 'INTERNAL') log.error('sync crashed', { runId, error: (err as Error).stack ?? String(err) });
      syncRuns.finish(db, runId, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? 'The sync was cancelled; every page committed so far is kept.' : info.message,
        errorCode: cancelled ? 'CANCELLED' : info.code,
        endedAt: clock.now().toISOString(),
        counters,
      });
      deps.emit('sync:progress', progressOf(cancelled ? 'cancelled' : 'failed', info.message));
    }
    const ended = syncRuns.get(db, runId);
    log.info('sync ended', {
      runId, connection: conn.name, status: ended.status, from: ended.from, to: ended.to, windows: ended.windows,
      windowsDone: ended.windowsDone, pages: ended.pages, records: ended.records, inserted: ended.inserted,
      updated: ended.updated, retries: ended.retries, windowErrors: ended.windowErrors.length, error: ended.error,
    });
    deps.emit('sync:finished', ended);
  }

  function sameRequest(run: syncRuns.StoredRun, range: SyncRange, sweepDeleted: boolean): boolean {
    return sameBound(run.requestedFrom, range.requestedFrom) && sameBound(run.requestedTo, range.requestedTo) &&
      run.sweepDeleted === sweepDeleted;
  }

  function start(request: SyncRequest): { runId: number } {
    const conn = connections.getStored(db, request.connection);
    const now = clock.now();
    const range = resolveRange(request.from, request.to, request.granularity, now);
    const sweepDeleted = request.sweepDeleted === true;
    const session = deps.openStamp(conn);
    let runIds: number[];
    let runId: number;
    let resumed: number[] = [];
    let locked = false;
    try {
      ({ runIds, runId } = db.transaction(() => {
        // A run whose process is gone is interrupted (its lock released) before the lock is taken.
        syncRuns.markInterrupted(db, now, me, conn.id);
        locks.acquire(db, conn.id, conn.name, me, now);
        locked = true;
        const resumable = syncRuns.interrupted(db, conn.id, request.granularity);
        for (const r of resumable) syncRuns.resume(db, r.id, me);
        const same = resumable.find((r) => sameRequest(r, range, sweepDeleted));
        const ids = resumable.map((r) => r.id);
        resumed = ids;
        if (same) return { runIds: ids, runId: same.id };
        const id = syncRuns.create(db, {
          connectionId: conn.id,
          granularity: request.granularity,
          from: new Date(range.from?.getTime() ?? range.to.getTime() - INITIAL_LOOKBACK_MS).toISOString(),
          to: range.to.toISOString(),
          requestedFrom: range.requestedFrom?.toISOString() ?? null,
          requestedTo: range.requestedTo?.toISOString() ?? null,
          sweepDeleted,
          overlapHours,
          owner: me,
          startedAt: now.toISOString(),
        });
        return { runIds: [...ids, id], runId: id };
      }).immediate());
    } catch (err) {
      // The transaction rolled back: a lock it took is not held.
      if (locked) locks.forget(db, conn.id);
      void session.http.close();
      throw err;
    }
    log.info('sync started', {
      runId, connection: conn.name, from: range.from ?? 'incremental', to: range.to, granularity: request.granularity,
      sweepDeleted, resumed,
    });

    const controller = new AbortController();
    const done = (async () => {
      const heartbeat = setInterval(() => locks.heartbeat(db, me, clock.now()), HEARTBEAT_MS);
      heartbeat.unref();
      try {
        for (const id of runIds) {
          if (controller.signal.aborted) {
            syncRuns.finish(db, id, {
              status: 'cancelled', error: 'Cancelled before it started.', errorCode: 'CANCELLED', endedAt: clock.now().toISOString(),
            });
            deps.emit('sync:finished', syncRuns.get(db, id));
            continue;
          }
          locks.setRun(db, conn.id, me, id, clock.now());
          await execute(id, conn, session, controller.signal);
        }
      } catch (err) {
        // execute records every failure of a run; reaching here means the cache itself failed (full disk, closed).
        log.error('sync chain crashed', { connection: conn.name, runs: runIds, error: (err as Error).stack ?? String(err) });
      } finally {
        clearInterval(heartbeat);
        locks.release(db, conn.id, me);
        await session.http.close();
        for (const id of runIds) chains.delete(id);
      }
    })();
    const chain = { controller, done };
    for (const id of runIds) chains.set(id, chain);
    return { runId };
  }

  return {
    start,
    cancel(runId) {
      const chain = chains.get(runId);
      if (!chain) throw new StackmeterError('NOT_FOUND', `Sync run ${runId} is not running in this process.`);
      chain.controller.abort();
    },
    async wait(runId) {
      await chains.get(runId)?.done;
    },
    isSyncing(connectionId) {
      return locks.isHeld(db, connectionId, me, clock.now());
    },
    async close() {
      const running = [...new Set(chains.values())];
      for (const chain of running) chain.controller.abort();
      await Promise.all(running.map((c) => c.done));
    },
  };
}
