import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Granularity, SyncProgress, SyncRequest, SyncRunRow } from '../../../electron/shared/domain.ts';
import { api, onEvent, onEventStreamOpen } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';

const HISTORY_LIMIT = 200;

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** How one stamp of a "Sync all stamps" pass ended: its run, or why it could not start. */
export interface SyncAllOutcome {
  connection: string;
  run: SyncRunRow | null;
  error: string | null;
}

/** Where a "Sync all stamps" pass is: the stamps in order, how many have ended, and the one syncing now. */
export interface SyncAllState {
  stamps: string[];
  done: number;
  current: string | null;
  stopping: boolean;
}

/**
 * Sync runs: live progress per run (from `sync:progress` events), the outcome of each stamp's latest run, and the
 * history table (from `sync:runs`, reloaded when a run finishes).
 */
export const useSyncStore = defineStore('sync', () => {
  /** Progress of the runs started or seen running in this session, by run id. */
  const progress = ref<Record<number, SyncProgress>>({});
  /** The last finished run per stamp name (for the inline result). */
  const finished = ref<Record<string, SyncRunRow>>({});
  const runs = ref<SyncRunRow[]>([]);
  const runsError = ref<string | null>(null);
  /** The "Sync all stamps" pass under way, if any. */
  const all = ref<SyncAllState | null>(null);
  let unsubscribe: (() => void) | null = null;
  const finishedListeners = new Set<(run: SyncRunRow) => void>();
  /** Runs that ended in this session, by id, so that waiting for a run that has already ended returns at once. */
  const ended = new Map<number, SyncRunRow>();
  const waiters = new Map<number, ((run: SyncRunRow) => void)[]>();

  /** The running sync of each stamp, if any. */
  const activeByConnection = computed<Record<string, SyncProgress>>(() => {
    const active: Record<string, SyncProgress> = {};
    for (const p of Object.values(progress.value)) if (p.status === 'running') active[p.connection] = p;
    return active;
  });

  let runsRequest = 0;

  /** Reloads the history; when loads overlap, only the latest one's answer is kept (an older one may arrive last). */
  async function loadRuns(): Promise<void> {
    const request = ++runsRequest;
    try {
      const value = await api['sync:runs'](HISTORY_LIMIT);
      if (request !== runsRequest) return;
      runs.value = value;
      runsError.value = null;
    } catch (err) {
      if (request === runsRequest) runsError.value = errorMessage(err);
    }
  }

  function applyProgress(p: SyncProgress): void {
    progress.value = { ...progress.value, [p.runId]: p };
  }

  /** A run ended (succeeded, partial, failed or cancelled): record its outcome and refresh the history. */
  async function applyFinished(run: SyncRunRow): Promise<void> {
    progress.value = without(progress.value, String(run.id));
    finished.value = { ...finished.value, [run.connection]: run };
    ended.set(run.id, run);
    for (const resolve of waiters.get(run.id) ?? []) resolve(run);
    waiters.delete(run.id);
    for (const listener of finishedListeners) listener(run);
    await loadRuns();
  }

  /** Resolves with the run once it has ended (however the store learns it: event or catch-up). */
  function waitForRun(runId: number): Promise<SyncRunRow> {
    const done = ended.get(runId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]));
  }

  /**
   * Calls `listener` whenever a run ends, however the store learnt it (event or catch-up). The app uses it to announce
   * the outcome and refresh the numbers the new records change.
   */
  function onRunFinished(listener: (run: SyncRunRow) => void): () => void {
    finishedListeners.add(listener);
    return () => finishedListeners.delete(listener);
  }

  /**
   * After the event stream was down, a `sync:finished` may have been missed: reload the history and settle any run
   * that it no longer shows as running.
   */
  async function catchUp(): Promise<void> {
    await loadRuns();
    for (const p of Object.values(progress.value)) {
      const run = runs.value.find((r) => r.id === p.runId);
      if (run && run.status !== 'running') await applyFinished(run);
    }
  }

  /** Starts listening to the core's sync events (idempotent). */
  function subscribe(): void {
    if (unsubscribe) return;
    const offProgress = onEvent('sync:progress', applyProgress);
    const offFinished = onEvent('sync:finished', (run) => void applyFinished(run));
    const offReconnect = onEventStreamOpen(() => void catchUp());
    unsubscribe = () => {
      offProgress();
      offFinished();
      offReconnect();
    };
  }

  function unsubscribeAll(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  /** Starts a sync; the run shows as running at once, before its first progress event arrives. */
  async function start(request: SyncRequest): Promise<number> {
    finished.value = without(finished.value, request.connection);
    const { runId } = await api['sync:start'](request);
    // Events may overtake the answer to sync:start: do not replace newer progress or resurrect a run that has ended.
    if (!progress.value[runId] && finished.value[request.connection]?.id !== runId) {
      applyProgress({
        runId,
        connection: request.connection,
        status: 'running',
        phase: 'discovering',
        subscribersDone: 0,
        subscribersTotal: 0,
        currentSubscriber: null,
        pages: 0,
        records: 0,
        inserted: 0,
        windowsDone: 0,
        windowsTotal: 0,
        retries: 0,
        rate: 0,
        percent: 0,
        error: null,
      });
    }
    // The history shows the run as running from the start.
    void loadRuns();
    return runId;
  }

  async function cancel(runId: number): Promise<void> {
    await api['sync:cancel'](runId);
  }

  /**
   * Syncs the given stamps one after another (new usage since each one's last sync), waiting for each run to end before
   * starting the next: stamps often share a network path and a jump box, and one at a time keeps each stamp's load and
   * its progress readable. A stamp already syncing is waited for rather than started again; one that cannot start
   * (e.g. its session-only secret was forgotten at a restart) is reported and skipped.
   */
  async function syncAll(stamps: string[], granularity: Granularity = 'Hourly'): Promise<SyncAllOutcome[]> {
    if (all.value) throw new Error('A "Sync all stamps" pass is already under way.');
    all.value = { stamps: [...stamps], done: 0, current: null, stopping: false };
    const state = all.value; // the reactive object: the view follows its changes
    const outcomes: SyncAllOutcome[] = [];
    try {
      for (const connection of stamps) {
        if (state.stopping) break;
        state.current = connection;
        let runId: number;
        try {
          runId = activeByConnection.value[connection]?.runId ?? await start({ connection, granularity });
        } catch (err) {
          outcomes.push({ connection, run: null, error: errorMessage(err) });
          state.done += 1;
          continue;
        }
        // Stopped while this stamp's run was being started: stopAll found nothing to cancel yet.
        if (state.stopping) await cancel(runId).catch(() => undefined);
        outcomes.push({ connection, run: await waitForRun(runId), error: null });
        state.done += 1;
      }
    } finally {
      all.value = null;
    }
    return outcomes;
  }

  /** Stops a "Sync all stamps" pass: cancels the stamp syncing now and starts no other. */
  async function stopAll(): Promise<void> {
    if (!all.value) return;
    all.value.stopping = true;
    const current = all.value.current ? activeByConnection.value[all.value.current] : undefined;
    if (current) await cancel(current.runId);
  }

  return {
    progress,
    finished,
    runs,
    runsError,
    activeByConnection,
    all,
    loadRuns,
    applyProgress,
    applyFinished,
    onRunFinished,
    catchUp,
    subscribe,
    unsubscribeAll,
    start,
    cancel,
    waitForRun,
    syncAll,
    stopAll,
  };
});
