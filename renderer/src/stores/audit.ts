import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AuditVerification } from '../../../electron/shared/rating.ts';
import { api } from '../api/client.ts';
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

export const useAuditStore = defineStore('audit', () => {
  const total = ref<number | null>(null);
  const error = ref<string | null>(null);
  const verification = shallowRef<AuditVerification | null>(null);
  const verifying = ref(false);
  const verifyError = ref<string | null>(null);

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

  return { total, error, verification, verifying, verifyError, verify };
});
