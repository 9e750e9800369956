import type { ExportResult, ImportFileResult, SyncRunRow } from '../shared/domain.ts';

/** A system notification's text. */
export interface Notice {
  title: string;
  body: string;
}

/**
 * Long enough that the operator has likely turned to something else. Shorter runs and exports are seen finishing in the
 * console itself, and a notification for each would be noise: the app is meant to be quiet.
 */
export const LONG_TASK_MS = 20_000;

const STATUS_WORDS: Record<string, string> = {
  succeeded: 'finished',
  partial: 'finished with gaps',
  failed: 'failed',
  cancelled: 'was cancelled',
  interrupted: 'was interrupted',
};

/** The notification for a finished sync, or null when it was short or the operator is looking at the console. */
export function syncFinishedNotice(run: SyncRunRow, consoleFocused: boolean): Notice | null {
  if (consoleFocused || run.endedAt === null) return null;
  const took = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  if (!(took >= LONG_TASK_MS)) return null;
  const outcome = STATUS_WORDS[run.status] ?? run.status;
  const counts = `${count(run.records)} records (${count(run.inserted)} new) in ${duration(took)}`;
  return {
    title: `Sync of ${run.connection} ${outcome}`,
    body: run.status === 'succeeded' ? counts : `${counts}. ${run.error ?? 'See Connections & sync for details.'}`,
  };
}

/**
 * The notification for an export that took long, or null. `value` is the contract call's answer: one ExportResult or a
 * list of them (per-tenant PDFs).
 */
export function exportFinishedNotice(
  method: string, value: unknown, tookMs: number, consoleFocused: boolean,
): Notice | null {
  if (consoleFocused || tookMs < LONG_TASK_MS || !method.endsWith(':export')) return null;
  const files = (Array.isArray(value) ? value : [value]).filter(isExportResult);
  if (files.length === 0) return null;
  return {
    title: files.length === 1 ? 'Export finished' : `Export finished: ${files.length} files`,
    body: files.length === 1
      ? `${files[0]!.fileName} (${duration(tookMs)})`
      : `${files[0]!.fileName} and ${files.length - 1} more (${duration(tookMs)})`,
  };
}

function isExportResult(value: unknown): value is ExportResult {
  return typeof value === 'object' && value !== null && typeof (value as ExportResult).fileName === 'string';
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The message box after File › Import usage files…: one line per file, as `stackmeter import` prints them. */
export function importSummary(results: readonly ImportFileResult[]): { message: string; detail: string } {
  const inserted = results.reduce((sum, r) => sum + r.inserted, 0);
  const updated = results.reduce((sum, r) => sum + r.updated, 0);
  return {
    message: `Imported ${results.length} ${results.length === 1 ? 'file' : 'files'}: ${count(inserted)} new records, `
      + `${count(updated)} changed`,
    detail: results.map((r) => `${r.file}: ${count(r.records)} records (${count(r.inserted)} new, ${count(r.updated)} changed)`)
      .join('\n'),
  };
}
