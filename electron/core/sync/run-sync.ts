import type { SyncProgress, SyncStatus } from '../../shared/domain.ts';
import { StackmeterError, toErrorInfo, type ErrorCode } from '../../shared/result.ts';
import type { ArmClient } from '../azure/arm.ts';
import { listTenantSubscriptions, type TenantSubscription } from '../azure/subscriptions.ts';
import { subscriberUsagePath, usagePages, type UsageWindow } from '../azure/usage.ts';
import type { UsageRecord } from '../azure/usage-record.ts';

export interface RunCounters {
  subscribers: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
}

/** What a sync needs from the cache. Every call is its own transaction; a page is committed whole or not at all. */
export interface SyncStore {
  saveSubscriptions(subscriptions: TenantSubscription[]): void;
  writePage(records: UsageRecord[], window: UsageWindow): { inserted: number; updated: number };
  saveCounters(counters: RunCounters): void;
}

export interface SyncJob {
  runId: number;
  connection: string;
  providerSubscriptionId: string;
  arm: ArmClient;
  windows: UsageWindow[];
  store: SyncStore;
  signal: AbortSignal;
  onProgress(progress: SyncProgress): void;
}

export interface SyncOutcome {
  status: Exclude<SyncStatus, 'running'>;
  counters: RunCounters;
  error: string | null;
  errorCode: ErrorCode | null;
}

// Progress events are throttled: a fast sync commits hundreds of pages a second and the console only needs ~10 updates.
const PROGRESS_INTERVAL_MS = 100;

/**
 * Pulls usage one subscriber at a time (the all-tenant query times out on real stamps), one reported-time window at a
 * time, following nextLink and committing each page in its own transaction. Cancellation is checked between pages, so
 * a cancelled run leaves every committed page in place and nothing half-written.
 */
export async function runSync(job: SyncJob): Promise<SyncOutcome> {
  // Rate and throttling measure elapsed wall time, not the domain clock (which tests and replays may fix).
  const started = performance.now();
  const counters: RunCounters = { subscribers: 0, pages: 0, records: 0, inserted: 0, updated: 0 };
  let subscribersDone = 0;
  let unitsDone = 0;
  let unitsTotal = 0;
  let current: string | null = null;
  let lastEmit = 0;

  const progress = (status: SyncStatus, phase: SyncProgress['phase'], error: string | null = null): SyncProgress => {
    const elapsed = Math.max(performance.now() - started, 1) / 1000;
    return {
      runId: job.runId,
      connection: job.connection,
      status,
      phase,
      subscribersDone,
      subscribersTotal: counters.subscribers,
      currentSubscriber: current,
      pages: counters.pages,
      records: counters.records,
      inserted: counters.inserted,
      rate: Math.round(counters.records / elapsed),
      percent: status === 'succeeded' ? 100 : unitsTotal ? Math.floor((unitsDone / unitsTotal) * 1000) / 10 : 0,
      error,
    };
  };
  const emit = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    job.onProgress(progress('running', current ? 'usage' : 'subscriptions'));
  };
  const checkCancelled = (): void => {
    if (job.signal.aborted) throw new StackmeterError('CANCELLED', 'The sync was cancelled; every page committed so far is kept.');
  };

  try {
    emit(true);
    const subscriptions = await listTenantSubscriptions(job.arm, job.providerSubscriptionId, job.signal);
    job.store.saveSubscriptions(subscriptions);
    counters.subscribers = subscriptions.length;
    unitsTotal = subscriptions.length * job.windows.length;
    job.store.saveCounters(counters);

    for (const sub of subscriptions) {
      current = sub.subscriptionId;
      for (const window of job.windows) {
        checkCancelled();
        const what = `Usage of subscriber ${sub.subscriptionId} reported ${window.start.toISOString()}–${window.end.toISOString()}`;
        const path = subscriberUsagePath(job.providerSubscriptionId, window, sub.subscriptionId);
        for await (const page of usagePages(job.arm, path, what, job.signal)) {
          const written = job.store.writePage(page.records, window);
          counters.pages++;
          counters.records += page.records.length;
          counters.inserted += written.inserted;
          counters.updated += written.updated;
          job.store.saveCounters(counters);
          emit();
          checkCancelled();
        }
        unitsDone++;
        emit();
      }
      subscribersDone++;
    }
    current = null;
    const done = progress('succeeded', 'done');
    job.onProgress(done);
    return { status: 'succeeded', counters, error: null, errorCode: null };
  } catch (err) {
    const { code, message } = toErrorInfo(err);
    const status = code === 'CANCELLED' ? 'cancelled' : 'failed';
    job.onProgress(progress(status, 'done', message));
    return { status, counters, error: message, errorCode: code };
  }
}
