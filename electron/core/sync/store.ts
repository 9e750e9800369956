import type Database from 'better-sqlite3';
import type { Granularity } from '../../shared/domain.ts';
import { unitSaver, watermarkAdvancer } from '../cache/sync-state.ts';
import { addWindowError, updateCounters } from '../cache/sync-runs.ts';
import type { UsageWriter } from '../cache/usage-writer.ts';
import type { CommitStep, SyncStore } from './run-sync.ts';

export interface StoreTarget {
  runId: number;
  connectionId: number;
  granularity: Granularity;
}

/**
 * The sync's store over the cache. Each commit is one transaction holding a page's rows, the unit's checkpoint (the
 * window and nextLink to fetch next), the watermarks a completed window advances, a failed window's description and the
 * run's counters: whatever kills the process, the cache holds either all of a page and the checkpoint after it, or
 * neither.
 */
export function createSyncStore(db: Database.Database, writer: UsageWriter, target: StoreTarget): SyncStore {
  const saveUnit = unitSaver(db, target.runId);
  const advanceWatermark = watermarkAdvancer(db, target.connectionId, target.granularity);
  const commit = db.transaction((step: CommitStep) => {
    const { unit, counters } = step;
    if (step.records.length > 0) {
      const written = writer.writeWithin(step.records, { granularity: target.granularity, connectionId: target.connectionId });
      counters.inserted += written.inserted;
      counters.updated += written.updated;
    }
    saveUnit(unit);
    if (step.completed && unit.failedFrom === null) {
      const { start, end } = step.completed;
      if (unit.kind === 'subscriber') advanceWatermark(unit.subscriptionId as string, start, end);
      else for (const subscriptionId of unit.subjects) advanceWatermark(subscriptionId, start, end);
    }
    if (step.windowError !== null) addWindowError(db, target.runId, step.windowError);
    updateCounters(db, target.runId, counters);
  });
  return {
    commit(step) {
      try {
        commit(step);
      } catch (err) {
        // The page's rows rolled back with the checkpoint: keys the writer cached meanwhile may name rows that are gone.
        writer.reset();
        throw err;
      }
    },
  };
}
