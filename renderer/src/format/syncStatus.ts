import type { SyncStatus } from '../../../electron/shared/domain.ts';

/** How each sync status looks and what it means for the user, in one place for tags, tables, cards and toasts. */
export interface StatusLook {
  label: string;
  severity: 'success' | 'info' | 'warn' | 'danger' | 'secondary' | 'contrast';
  icon: string;
  /** What the status means and what happens next, in words. */
  meaning: string;
}

export const SYNC_STATUS: Record<SyncStatus, StatusLook> = {
  running: { label: 'Running', severity: 'info', icon: 'pi pi-sync', meaning: 'The sync is under way.' },
  succeeded: { label: 'Succeeded', severity: 'success', icon: 'pi pi-check', meaning: 'Every window was synced.' },
  partial: {
    label: 'Partial',
    severity: 'warn',
    icon: 'pi pi-exclamation-triangle',
    meaning: 'Some windows failed — the next sync retries them.',
  },
  failed: { label: 'Failed', severity: 'danger', icon: 'pi pi-times-circle', meaning: 'The sync stopped on an error.' },
  cancelled: {
    label: 'Cancelled',
    severity: 'secondary',
    icon: 'pi pi-ban',
    meaning: 'The sync was cancelled; every page fetched before is kept.',
  },
  interrupted: {
    label: 'Interrupted',
    severity: 'contrast',
    icon: 'pi pi-history',
    meaning: 'The process stopped during this sync; the next sync resumes it.',
  },
};
