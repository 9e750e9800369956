import type { Granularity, SyncProgress, SyncStatus } from '../../shared/domain.ts';
import { StackmeterError, toErrorInfo, type ErrorCode } from '../../shared/result.ts';
import { ArmRequestError, type ArmClient } from '../azure/arm.ts';
import type { RetryEvent, RetryPolicy } from '../azure/retry.ts';
import { fetchUsagePage, subscriberUsagePath, tenantUsagePath, type UsageWindow } from '../azure/usage.ts';
import type { UsagePage, UsageRecord } from '../azure/usage-record.ts';
import type { UnitState } from '../cache/sync-state.ts';
import { halveSweepWindow, subscriberWindowEnd, sweepWindowCount, type SweepSizing } from './plan.ts';

export interface RunCounters {
  subscribers: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  windows: number;
  windowsDone: number;
  retries: number;
}

/** One step of a unit, committed as one transaction: the page's rows, the unit's checkpoint, the run's counters. */
export interface CommitStep {
  /** The unit as it stands after the step (its next window or page). */
  unit: UnitState;
  /** Rows to upsert (none for a failed window). */
  records: UsageRecord[];
  /** The window this step completed, if any: the watermarks it covers advance to its end. */
  completed: { start: number; end: number } | null;
  /** A window given up, in words, for the run's list. */
  windowError: string | null;
  /** Updated by commit with the rows inserted and updated, then stored. */
  counters: RunCounters;
}

/** What a sync needs from the cache. A page is committed together with the checkpoint after it, or not at all. */
export interface SyncStore {
  commit(step: CommitStep): void;
}

export interface EngineOptions {
  /** Units (subscribers, the sweep) synced at the same time. */
  concurrency: number;
  retry: RetryPolicy;
  sweep: SweepSizing;
  /** Attempts for a page whose body is malformed or cut short. */
  malformedAttempts: number;
}

export interface SyncJob {
  runId: number;
  connection: string;
  kind: 'operator' | 'tenant';
  /** Operator connections: the provider subscription the admin API lives under. */
  providerSubscriptionId: string | null;
  granularity: Granularity;
  arm: ArmClient;
  units: UnitState[];
  /** The run's counters as committed so far (zero for a new run); updated in place, retries included. */
  counters: RunCounters;
  /** Windows that had already failed before a resume. */
  failedWindows: number;
  store: SyncStore;
  signal: AbortSignal;
  options: EngineOptions;
  onProgress(progress: SyncProgress): void;
  onNotice(message: string, fields: Record<string, unknown>): void;
}

export interface SyncOutcome {
  status: Exclude<SyncStatus, 'running' | 'interrupted'>;
  error: string | null;
  errorCode: ErrorCode | null;
}

// Progress events are throttled: a fast sync commits hundreds of pages a second and the console only needs ~10 updates.
const PROGRESS_INTERVAL_MS = 100;
// This many windows failing in a row with network errors (and no page in between) means the stamp is unreachable.
const NETWORK_FAILURES_TO_GIVE_UP = 3;

const shortIso = (t: number): string => `${new Date(t).toISOString().slice(0, 16)}Z`;

function unitLabel(u: UnitState): string {
  return u.kind === 'sweep' ? 'all-tenant sweep' : `subscriber ${u.subscriptionId}`;
}

/** A refused continuation (the stamp restarted, or the link aged out): the window starts again from its first page. */
function isStaleLink(err: StackmeterError): boolean {
  return err instanceof ArmRequestError && (err.status === 400 || err.status === 404 || err.status === 410);
}

/** The stamp says the subscriber no longer exists (deleted between the listing and this query). */
function isSubscriberGone(err: StackmeterError): boolean {
  return err instanceof ArmRequestError &&
    (err.armCode === 'SubscriberIdIsNotDirectTenant' || err.armCode === 'SubscriptionNotFound');
}

/**
 * Executes a run's units: each listed subscriber one reported-time window at a time, following nextLink, and the
 * all-tenant sweep of deleted subscriptions in small windows (halved on a gateway timeout), several units at once.
 * Every page is committed with the checkpoint after it, so a run cut off anywhere resumes where it stopped. A window
 * that keeps failing (after retries) is recorded and skipped: the run goes on and ends `partial`. Authentication and
 * TLS failures, an unreachable stamp and cancellation end the run.
 */
export async function runSync(job: SyncJob): Promise<SyncOutcome> {
  const { counters, options } = job;
  const started = performance.now();
  const subscriberUnits = job.units.filter((u) => u.kind === 'subscriber');
  const listed = new Set(subscriberUnits.map((u) => u.subscriptionId as string));
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  job.signal.addEventListener('abort', onAbort, { once: true });
  if (job.signal.aborted) inner.abort();
  const signal = inner.signal;

  let failedWindows = job.failedWindows;
  let firstWindowCode: ErrorCode | null = null;
  let networkStreak = 0;
  let current: string | null = null;
  let lastEmit = 0;
  const done = (u: UnitState): boolean => u.windowStart >= u.rangeTo;

  const progress = (status: SyncStatus, error: string | null = null): SyncProgress => {
    const elapsed = Math.max(performance.now() - started, 1) / 1000;
    return {
      runId: job.runId,
      connection: job.connection,
      status,
      phase: status === 'running' ? 'usage' : 'done',
      subscribersDone: subscriberUnits.filter(done).length,
      subscribersTotal: subscriberUnits.length,
      currentSubscriber: current,
      pages: counters.pages,
      records: counters.records,
      inserted: counters.inserted,
      windowsDone: counters.windowsDone,
      windowsTotal: counters.windows,
      retries: counters.retries,
      rate: Math.round(counters.records / elapsed),
      percent: status === 'succeeded' ? 100
        : counters.windows ? Math.floor((counters.windowsDone / counters.windows) * 1000) / 10 : 0,
      error,
    };
  };
  const emit = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    job.onProgress(progress('running'));
  };
  const checkCancelled = (): void => {
    if (signal.aborted) throw new StackmeterError('CANCELLED', 'The sync was cancelled; every page committed so far is kept.');
  };
  const onRetry = (e: RetryEvent): void => {
    counters.retries++;
    job.onNotice('retrying', { what: e.what, attempt: e.attempt, reason: e.reason, delayMs: e.delayMs });
  };

  const recount = (u: UnitState, before: { windows: number; windowsDone: number }): void => {
    counters.windows += u.windows - before.windows;
    counters.windowsDone += u.windowsDone - before.windowsDone;
  };

  /** Moves a unit to its next window (the same size for the sweep, the next UTC day or less for a subscriber). */
  const advance = (u: UnitState): void => {
    const size = u.windowEnd - u.windowStart;
    u.windowsDone++;
    u.windowStart = u.windowEnd;
    u.windowEnd = u.kind === 'sweep' ? Math.min(u.windowStart + size, u.rangeTo) : subscriberWindowEnd(u.windowStart, u.rangeTo);
    u.nextLink = null;
    u.page = 1;
  };

  const firstPath = (u: UnitState, window: UsageWindow): string => {
    if (job.kind === 'tenant') return tenantUsagePath(u.subscriptionId as string, window);
    const provider = job.providerSubscriptionId as string;
    return u.kind === 'sweep' ? subscriberUsagePath(provider, window) : subscriberUsagePath(provider, window, u.subscriptionId as string);
  };

  const failWindow = (u: UnitState, reason: string, code: ErrorCode, wholeUnit: boolean): void => {
    const before = { windows: u.windows, windowsDone: u.windowsDone };
    const text = `${unitLabel(u)}, ${shortIso(u.windowStart)}–${shortIso(wholeUnit ? u.rangeTo : u.windowEnd)}, ` +
      `page ${u.page}: ${reason}`;
    u.failedFrom ??= u.windowStart;
    if (wholeUnit) {
      u.windowsDone = u.windows;
      u.windowStart = u.rangeTo;
      u.windowEnd = u.rangeTo;
      u.nextLink = null;
      u.page = 1;
    } else {
      advance(u);
    }
    recount(u, before);
    failedWindows++;
    firstWindowCode ??= code;
    job.onNotice('window failed', { runId: job.runId, window: text });
    job.store.commit({ unit: u, records: [], completed: null, windowError: text, counters });
  };

  async function processUnit(u: UnitState): Promise<void> {
    const sweep = u.kind === 'sweep';
    let resumedLink = u.nextLink !== null;
    while (!done(u)) {
      checkCancelled();
      current = sweep ? null : u.subscriptionId;
      const window: UsageWindow = { start: new Date(u.windowStart), end: new Date(u.windowEnd), granularity: job.granularity };
      const sizeMs = u.windowEnd - u.windowStart;
      const canHalve = sweep && sizeMs > options.sweep.minimumMs;
      const what = `${sweep ? 'All-tenant usage' : `Usage of subscriber ${u.subscriptionId}`} reported ` +
        `${shortIso(u.windowStart)}–${shortIso(u.windowEnd)}, page ${u.page}`;
      let page: UsagePage;
      try {
        page = await fetchUsagePage(job.arm, u.nextLink ?? firstPath(u, window), what, {
          signal,
          retry: options.retry,
          malformedAttempts: options.malformedAttempts,
          onRetry,
          get: canHalve ? { failFast: (status) => status === 504 } : undefined,
        });
      } catch (err) {
        const e = err instanceof StackmeterError ? err : new StackmeterError('INTERNAL', toErrorInfo(err).message);
        if (signal.aborted || e.code === 'CANCELLED') throw e;
        if (e.code === 'AUTH' || e.code === 'TLS' || e.code === 'INTERNAL') throw e;
        if (resumedLink && isStaleLink(e)) {
          job.onNotice('stale nextLink: restarting the window', { runId: job.runId, what, error: e.message });
          resumedLink = false;
          u.nextLink = null;
          u.page = 1;
          continue;
        }
        if (canHalve && e instanceof ArmRequestError && e.status === 504) {
          // The all-tenant query timed out at the gateway: the same window in halves is the way through.
          const before = { windows: u.windows, windowsDone: u.windowsDone };
          const half = halveSweepWindow(sizeMs, options.sweep);
          u.windowEnd = u.windowStart + half;
          u.nextLink = null;
          u.page = 1;
          u.windows = u.windowsDone + sweepWindowCount(u.windowStart, u.rangeTo, half);
          recount(u, before);
          continue;
        }
        if (!sweep && isSubscriberGone(e)) {
          failWindow(u, `${e.message} The subscription was deleted; the next sync sweeps its remaining usage.`, e.code, true);
          return;
        }
        if (e.code === 'NETWORK' && ++networkStreak >= NETWORK_FAILURES_TO_GIVE_UP) throw e;
        failWindow(u, e.message, e.code, false);
        emit();
        continue;
      }
      resumedLink = false;
      networkStreak = 0;
      const before = { windows: u.windows, windowsDone: u.windowsDone };
      // The sweep keeps only what per-subscriber queries cannot fetch: usage of subscriptions the list lacks.
      const records = sweep ? page.records.filter((r) => !listed.has(r.subscriptionId)) : page.records;
      let completed: CommitStep['completed'] = null;
      if (page.nextLink) {
        u.nextLink = page.nextLink;
        u.page++;
      } else {
        completed = { start: u.windowStart, end: u.windowEnd };
        advance(u);
      }
      recount(u, before);
      counters.pages++;
      counters.records += records.length;
      job.store.commit({ unit: u, records, completed, windowError: null, counters });
      emit();
    }
  }

  let failure: StackmeterError | null = null;
  const queue = job.units.filter((u) => !done(u));
  const worker = async (): Promise<void> => {
    for (let u = queue.shift(); u && !failure; u = queue.shift()) {
      try {
        await processUnit(u);
      } catch (err) {
        failure ??= err instanceof StackmeterError ? err : new StackmeterError('INTERNAL', toErrorInfo(err).message);
        inner.abort();
      }
    }
  };
  try {
    emit(true);
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker));
  } finally {
    job.signal.removeEventListener('abort', onAbort);
  }
  current = null;

  let outcome: SyncOutcome;
  const failed = failure as StackmeterError | null;
  if (job.signal.aborted) {
    outcome = { status: 'cancelled', error: 'The sync was cancelled; every page committed so far is kept.', errorCode: 'CANCELLED' };
  } else if (failed) {
    outcome = { status: 'failed', error: failed.message, errorCode: failed.code };
  } else if (failedWindows > 0) {
    outcome = {
      status: 'partial',
      error: `${failedWindows} of ${counters.windows} windows failed (see the window errors); the next sync retries them.`,
      errorCode: firstWindowCode ?? 'API',
    };
  } else {
    outcome = { status: 'succeeded', error: null, errorCode: null };
  }
  job.onProgress(progress(outcome.status, outcome.error));
  return outcome;
}
