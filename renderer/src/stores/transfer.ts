import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { PickedFile } from '../../../electron/shared/contract.ts';
import type {
  BundleExportResult, BundleImportResult, BundleKeyInfo, BundleProgress, BundleVerification,
} from '../../../electron/shared/bundles.ts';
import type { ImportFileResult } from '../../../electron/shared/domain.ts';
import { api, onEvent } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { chooseFile } from '../api/files.ts';

/**
 * The Transfer view: this installation's bundle key, exporting a period as a signed bundle, opening a bundle (its
 * verification report, then an import when every check passes), and importing usage files operators already have.
 */

/** `YYYY-MM` of the month before `now` (UTC): what is usually carried away. */
export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** The period of a `YYYY-MM` month: its first day and the first day of the next. */
export function monthPeriod(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { from: `${month}-01`, to: new Date(Date.UTC(year, m, 1)).toISOString().slice(0, 10) };
}

/** Compares a typed fingerprint with the signer's, ignoring case, spaces and colons. */
export function sameFingerprint(typed: string, fingerprint: string): boolean {
  return typed.toLowerCase().replace(/[\s:]/g, '') === fingerprint;
}

export const useTransferStore = defineStore('transfer', () => {
  const key = shallowRef<BundleKeyInfo | null>(null);
  const keyError = ref<string | null>(null);

  const month = ref(previousMonth(new Date()));
  const stamps = ref<string[]>([]);
  const exporting = ref(false);
  const exported = shallowRef<BundleExportResult | null>(null);
  const exportError = ref<string | null>(null);

  const picking = ref(false);
  const uploadProgress = ref<number | null>(null);
  const bundle = shallowRef<PickedFile | null>(null);
  const report = shallowRef<BundleVerification | null>(null);
  const openError = ref<string | null>(null);
  const importing = ref(false);
  const imported = shallowRef<BundleImportResult | null>(null);
  const importError = ref<string | null>(null);

  const usageResults = shallowRef<ImportFileResult[] | null>(null);
  const usageError = ref<string | null>(null);
  const usageImporting = ref(false);

  const verifying = ref(false);
  /** The latest `bundles:progress` of the export, verification or import under way; null until one arrives. */
  const progress = shallowRef<BundleProgress | null>(null);
  /** One transfer at a time: the buttons wait while one runs. */
  const busy = computed(() => exporting.value || verifying.value || importing.value || usageImporting.value
    || picking.value);

  /** Runs a bundle call while following its progress events (those of this operation and, when known, file). */
  async function following<T>(operation: BundleProgress['operation'], fileName: string | null,
    work: () => Promise<T>): Promise<T> {
    progress.value = null;
    const off = onEvent('bundles:progress', (p) => {
      if (p.operation === operation && (fileName === null || p.fileName === fileName)) progress.value = p;
    });
    try {
      return await work();
    } finally {
      off();
      progress.value = null;
    }
  }

  async function loadKey(): Promise<void> {
    try {
      key.value = await api['bundles:key']();
      keyError.value = null;
    } catch (err) {
      keyError.value = errorMessage(err);
    }
  }

  async function exportBundle(): Promise<void> {
    exporting.value = true;
    exportError.value = null;
    exported.value = null;
    try {
      const result = await following('export', null, () => api['bundles:export']({
        period: monthPeriod(month.value), ...(stamps.value.length > 0 ? { stamps: stamps.value } : {}),
      }));
      exported.value = result;
      await loadKey();
      await deliverExports([result]);
    } catch (err) {
      exportError.value = errorMessage(err);
    } finally {
      exporting.value = false;
    }
  }

  /** Picks a file through the console's chooser; null when cancelled. Progress shows while it uploads. */
  async function pick(accept: string): Promise<PickedFile | null> {
    picking.value = true;
    uploadProgress.value = null;
    try {
      return await chooseFile(accept, { onProgress: (f) => { uploadProgress.value = f; } });
    } finally {
      picking.value = false;
      uploadProgress.value = null;
    }
  }

  async function openBundle(): Promise<void> {
    openError.value = null;
    try {
      const file = await pick('.smb');
      if (file === null) return;
      bundle.value = file;
      report.value = null;
      imported.value = null;
      importError.value = null;
      verifying.value = true;
      report.value = await following('verify', file.name, () => api['bundles:verify'](file.fileRef));
    } catch (err) {
      openError.value = errorMessage(err);
    } finally {
      verifying.value = false;
    }
  }

  async function importBundle(trustFingerprint?: string): Promise<void> {
    if (bundle.value === null) return;
    importing.value = true;
    importError.value = null;
    try {
      const { fileRef, name } = bundle.value;
      imported.value = await following('import', name, () => api['bundles:import'](fileRef, trustFingerprint));
    } catch (err) {
      importError.value = errorMessage(err);
    } finally {
      importing.value = false;
    }
  }

  async function importUsageFile(connection: string | null, dateFormat: string): Promise<void> {
    usageError.value = null;
    try {
      const file = await pick('.json,.csv,.txt');
      if (file === null) return;
      usageImporting.value = true;
      usageResults.value = null;
      const options = {
        ...(connection ? { connection } : {}), ...(dateFormat.trim() ? { dateFormat: dateFormat.trim() } : {}),
      };
      usageResults.value = await api['usage:import']([file.fileRef], options);
    } catch (err) {
      usageError.value = errorMessage(err);
    } finally {
      usageImporting.value = false;
    }
  }

  return {
    key, keyError, month, stamps, exporting, exported, exportError, picking, uploadProgress, bundle, report,
    openError, importing, imported, importError, usageResults, usageError, usageImporting, verifying, progress, busy,
    loadKey, exportBundle, openBundle, importBundle, importUsageFile,
  };
});
