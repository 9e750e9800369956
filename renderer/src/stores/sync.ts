import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SyncProgress, SyncRequest, SyncRunRow } from '../../../electron/shared/domain.ts';
import { api, onEvent, onEventStreamOpen } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';

const HISTORY_LIMIT = 200;

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
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
  let unsubscribe: (() => void) | null = null;
  const finishedListeners = new Set<(run: SyncRunRow) => void>();

  /** The running sync of each stamp, if any. */
  const activeByConnection = computed<Record<string, SyncProgress>>(() => {
    const active: Record<string, SyncProgress> = {};
    for (const p of Object.values(progress.value)) if (p.status === 'running') active[p.connection] = p;
    return active;
  });

  async function loadRuns(): Promise<void> {
    try {
      runs.value = await api['sync:runs'](HISTORY_LIMIT);
      runsError.value = null;
    } catch (err) {
      runsError.value = errorMessage(err);
    }
  }

  function applyProgress(p: SyncProgress): void {
    progress.value = { ...progress.value, [p.runId]: p };
  }

  /** A run ended (succeeded, failed or cancelled): record its outcome and refresh the history. */
  async function applyFinished(run: SyncRunRow): Promise<void> {
    progress.value = without(progress.value, String(run.id));
    finished.value = { ...finished.value, [run.connection]: run };
    for (const listener of finishedListeners) listener(run);
    await loadRuns();
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
        rate: 0,
        percent: 0,
        error: null,
      });
    }
    return runId;
  }

  async function cancel(runId: number): Promise<void> {
    await api['sync:cancel'](runId);
  }

  return {
    progress,
    finished,
    runs,
    runsError,
    activeByConnection,
    loadRuns,
    applyProgress,
    applyFinished,
    onRunFinished,
    catchUp,
    subscribe,
    unsubscribeAll,
    start,
    cancel,
  };
});
