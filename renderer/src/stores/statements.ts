import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type {
  PdfLayout, ReplayResult, StatementDocument, StatementExportFormat, StatementSummary,
} from '../../../electron/shared/chargeback.ts';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { latestLoad } from './latestLoad.ts';

/**
 * Statements: the list, the one open, its replay, and the audited actions on it (finalize, correct) and its exports.
 * A finalized statement never changes; what changed since is a correction statement.
 */

/** The export buttons of a statement (and of a chargeback run, which exports the statement it would make). */
export interface ExportChoice {
  id: string;
  format: StatementExportFormat;
  pdfLayout?: PdfLayout;
  label: string;
  icon: string;
  title: string;
}

export const EXPORT_CHOICES: readonly ExportChoice[] = [
  { id: 'pdf', format: 'pdf', pdfLayout: 'per-tenant', label: 'PDF', icon: 'pi pi-file-pdf',
    title: 'One printable PDF per tenant' },
  { id: 'pdf-combined', format: 'pdf', pdfLayout: 'combined', label: 'PDF (one file)', icon: 'pi pi-file-pdf',
    title: 'Every tenant in one printable PDF' },
  { id: 'csv', format: 'csv', label: 'CSV', icon: 'pi pi-file', title: 'Lines and totals as CSV' },
  { id: 'xlsx', format: 'xlsx', label: 'Excel', icon: 'pi pi-file-excel', title: 'An Excel workbook: totals and lines' },
  { id: 'focus', format: 'focus', label: 'FOCUS', icon: 'pi pi-file-export', title: 'FOCUS 1.2 cost and usage CSV' },
];

/** One statement's answer to "Verify all": its replay, or why it could not be replayed. */
export interface Verification {
  id: string;
  replay: ReplayResult | null;
  error: string | null;
}

/** How a replay reads: identical (green), or how many differences and whether later corrections may hold them. */
export function replayHeadline(replay: ReplayResult): string {
  if (replay.identical) return 'Recomputed from the cache, the statement gives the same lines, totals and hash.';
  const count = replay.differences.length;
  const what = count === 0 ? 'The recomputed hash differs' : `${count} ${count === 1 ? 'difference' : 'differences'}`;
  const corrected = replay.corrections.length > 0
    ? ` Later corrections may already hold them: ${replay.corrections.join(', ')}.` : '';
  return `${what} between the stored statement and a recomputation from the cache.${corrected}`;
}

export const useStatementsStore = defineStore('statements', () => {
  const list = ref<StatementSummary[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const doc = shallowRef<StatementDocument | null>(null);
  const opening = ref(false);
  const openError = ref<string | null>(null);
  const replay = shallowRef<ReplayResult | null>(null);
  const replayError = ref<string | null>(null);
  /** What is being done right now, for the buttons' spinners: 'finalize', 'correct', 'replay', 'export-pdf'... */
  const busy = ref<string | null>(null);
  /** "Verify all": one replay per finalized statement, in the list's order, as they come in; null before a run. */
  const verifications = shallowRef<Verification[] | null>(null);
  const verifyingAll = ref(false);

  const run = latestLoad(loading, error);
  async function load(): Promise<void> {
    await run(() => api['statements:list'](), (value) => {
      list.value = value;
      loaded.value = true;
    });
  }

  // Closing (null) goes through the same latest-call guard, so a statement still loading never reopens after it.
  const runOpen = latestLoad(opening, openError);
  async function open(id: string | null): Promise<void> {
    replay.value = null;
    replayError.value = null;
    await runOpen(async () => (id === null ? null : api['statements:get'](id)), (opened) => {
      doc.value = opened;
    }, () => {
      doc.value = null;
    });
  }

  /** Recomputes the open draft, hashes it and makes it immutable, with the reason for the audit log. */
  async function finalize(reason: string): Promise<StatementDocument> {
    const current = doc.value;
    if (!current) throw new Error('Open a statement first.');
    busy.value = 'finalize';
    try {
      const finalized = await api['statements:finalize'](current.id, reason);
      doc.value = finalized;
      replay.value = null;
      void load();
      return finalized;
    } finally {
      busy.value = null;
    }
  }

  /** A draft correction of the open (finalized) statement, holding what changed since, with the reason. */
  async function correct(reason: string): Promise<StatementDocument> {
    const current = doc.value;
    if (!current) throw new Error('Open a statement first.');
    busy.value = 'correct';
    try {
      const correction = await api['statements:correct'](current.id, reason);
      void load();
      return correction;
    } finally {
      busy.value = null;
    }
  }

  async function runReplay(): Promise<void> {
    const current = doc.value;
    if (!current) return;
    busy.value = 'replay';
    try {
      replay.value = await api['statements:replay'](current.id);
      replayError.value = null;
    } catch (err) {
      replay.value = null;
      replayError.value = errorMessage(err);
    } finally {
      busy.value = null;
    }
  }

  /**
   * Replays every finalized statement (and correction), one after another, each result shown as it arrives; a
   * statement whose replay fails says why without stopping the others. In auditor mode nothing is recorded.
   */
  async function verifyAll(): Promise<void> {
    verifyingAll.value = true;
    const results: Verification[] = [];
    verifications.value = results;
    try {
      await load();
      for (const summary of list.value.filter((s) => s.status === 'finalized')) {
        try {
          results.push({ id: summary.id, replay: await api['statements:replay'](summary.id), error: null });
        } catch (err) {
          results.push({ id: summary.id, replay: null, error: errorMessage(err) });
        }
        verifications.value = [...results];
      }
    } finally {
      verifyingAll.value = false;
    }
  }

  /**
   * Writes the open statement's files (a PDF per tenant or one for all, a CSV, a workbook or a FOCUS file) to the
   * exports folder; the browser downloads each, the desktop app leaves them there. Audited by the core.
   */
  async function exportAs(choice: ExportChoice): Promise<{ results: ExportResult[]; downloaded: boolean }> {
    const current = doc.value;
    if (!current) throw new Error('Open a statement first.');
    busy.value = `export-${choice.id}`;
    try {
      const results = choice.pdfLayout === undefined
        ? await api['statements:export'](current.id, choice.format)
        : await api['statements:export'](current.id, choice.format, choice.pdfLayout);
      const downloaded = await deliverExports(results);
      return { results, downloaded };
    } finally {
      busy.value = null;
    }
  }

  return {
    list, loaded, loading, error, doc, opening, openError, replay, replayError, busy, verifications, verifyingAll,
    load, open, finalize, correct, runReplay, exportAs, verifyAll,
  };
});
