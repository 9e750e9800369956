import type { Granularity, SyncRequest, SyncRunRow } from '../../../electron/shared/domain.ts';
import { countText, formatCount } from './numbers.ts';
import { exclusiveEnd, formatDuration } from './time.ts';

/** What a stamp card's sync controls hold. */
export interface SyncChoice {
  connection: string;
  granularity: Granularity;
  /** `new`: incremental from the stamp's watermark (less the overlap); `range`: a backfill of the dates given. */
  mode: 'new' | 'range';
  /** Inclusive UTC dates, used in `range` mode. */
  from: string;
  through: string;
  sweepDeleted: boolean;
}

/** The contract request: no from/to for new usage (the core starts at the watermark), the dates for a backfill. */
export function toSyncRequest(choice: SyncChoice): SyncRequest {
  const request: SyncRequest = { connection: choice.connection, granularity: choice.granularity };
  if (choice.mode === 'range') {
    request.from = choice.from;
    request.to = exclusiveEnd(choice.through);
  }
  if (choice.sweepDeleted) request.sweepDeleted = true;
  return request;
}

/** Why a range cannot be synced, or null; only checked in `range` mode. */
export function rangeProblem(choice: Pick<SyncChoice, 'mode' | 'from' | 'through'>): string | null {
  if (choice.mode !== 'range') return null;
  if (!choice.from || !choice.through) return 'Choose both dates.';
  return choice.from > choice.through ? '"From" must be on or before "Through".' : null;
}

export type OutcomeSeverity = 'success' | 'warn' | 'error' | 'secondary';

function counts(run: SyncRunRow): string {
  return `${formatCount(run.records)} records (${formatCount(run.inserted)} new, ${formatCount(run.updated)} updated)`;
}

/**
 * A finished run in words: `text` for the stamp's card (one or two sentences: what was fetched, what went wrong, what
 * happens next) and `detail`, the same without the opening that a toast's title already says.
 */
export function describeOutcome(run: SyncRunRow): { severity: OutcomeSeverity; text: string; detail: string } {
  const took = formatDuration(run.startedAt, run.endedAt);
  const retries = run.retries > 0 ? `, after ${countText(run.retries, 'retry', 'retries')}` : '';
  const said = (severity: OutcomeSeverity, opening: string, detail: string) =>
    ({ severity, text: `${opening}${detail}`, detail: detail.charAt(0).toUpperCase() + detail.slice(1) });
  switch (run.status) {
    case 'succeeded':
      return said('success', 'Sync finished: ', `${counts(run)} from ${countText(run.subscribers, 'subscriber',
        'subscribers')}${took ? ` in ${took}` : ''}${retries}.`);
    case 'partial': {
      const failed = run.windowErrors.length || Math.max(0, run.windows - run.windowsDone);
      return said('warn', 'Sync finished with errors: ', `${countText(failed, 'window', 'windows')} of ` +
        `${formatCount(run.windows)} failed — the next sync retries them. ${counts(run)} were kept. The sync history ` +
        'lists each error.');
    }
    case 'cancelled':
      return said('warn', 'Sync cancelled after ', `${counts(run)}. The records fetched so far are kept.`);
    case 'interrupted':
      return said('secondary', '',
        `The process stopped during this sync (${counts(run)} were kept); the next sync resumes it.`);
    case 'running':
      return said('secondary', '', 'The sync is running.');
    case 'failed':
      return said('error', 'Sync failed: ', run.error ?? 'no reason was given.');
  }
}
