import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AuditExportFormat } from '../../../electron/shared/auditor.ts';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import type { AuditEntry, AuditVerification } from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { countText } from '../format/numbers.ts';

/**
 * The audit log: every rate card publication, adjustment and override change, statement action and export, newest
 * first, read a block at a time; and the check that its hash chain is intact.
 */

/** What the check says, in one sentence, and whether it is good news. */
export function verificationText(result: AuditVerification): { ok: boolean; text: string } {
  const entries = countText(result.entries, 'entry', 'entries');
  if (result.intact) return { ok: true, text: `Intact (${entries})` };
  const where = result.brokenAt === null ? '' : ` at entry #${result.brokenAt}`;
  return { ok: false, text: `Broken${where}: ${result.problem ?? 'the chain does not verify'} (${entries} checked)` };
}

/** An entry's details as one line of JSON (its facts: a version, a hash, a file name). */
export function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  return typeof details === 'string' ? details : JSON.stringify(details);
}

/** Entries per audit:list call when reading the whole log (the contract's largest block). */
const TRAIL_BLOCK = 5000;

export const useAuditStore = defineStore('audit', () => {
  const total = ref<number | null>(null);
  const error = ref<string | null>(null);
  const verification = shallowRef<AuditVerification | null>(null);
  const verifying = ref(false);
  const verifyError = ref<string | null>(null);

  /** Every entry, oldest first, with the chain's verdict, for printing; null until asked for. */
  const trail = shallowRef<AuditEntry[] | null>(null);
  const preparing = ref(false);
  const exporting = ref<AuditExportFormat | null>(null);

  /** Reads the whole log (in blocks) and verifies it, so that what is printed and its verdict belong together. */
  async function loadTrail(): Promise<void> {
    preparing.value = true;
    try {
      const entries: AuditEntry[] = [];
      for (let total = Infinity; entries.length < total;) {
        const page = await api['audit:list'](entries.length, TRAIL_BLOCK);
        total = page.total;
        if (page.rows.length === 0) break;
        entries.push(...page.rows);
      }
      await verify();
      trail.value = entries.reverse();
    } finally {
      preparing.value = false;
    }
  }

  /** The printable trail written by the core (PDF or CSV); the browser downloads it, the desktop app keeps it. */
  async function exportTrail(format: AuditExportFormat): Promise<{ result: ExportResult; downloaded: boolean }> {
    exporting.value = format;
    try {
      const result = await api['audit:export'](format);
      return { result, downloaded: await deliverExports([result]) };
    } finally {
      exporting.value = null;
    }
  }

  async function verify(): Promise<void> {
    verifying.value = true;
    try {
      verification.value = await api['audit:verify']();
      verifyError.value = null;
    } catch (err) {
      verification.value = null;
      verifyError.value = errorMessage(err);
    } finally {
      verifying.value = false;
    }
  }

  return {
    total, error, verification, verifying, verifyError, trail, preparing, exporting,
    verify, loadTrail, exportTrail,
  };
});
