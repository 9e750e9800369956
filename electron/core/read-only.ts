import { READ_ONLY_REFUSAL } from '../shared/auditor.ts';
import { MUTATING_METHODS, type MutatingMethod } from '../shared/contract.ts';
import { StackmeterError } from '../shared/result.ts';
import type { Core } from './types.ts';

/** What each refused method would have done, for the refusal's sentence. */
const CHANGE: Record<MutatingMethod, string> = {
  'connections:add': 'adding a stamp',
  'connections:remove': 'removing a stamp',
  'sync:start': 'syncing',
  'sync:cancel': 'cancelling a sync',
  'meters:override': 'naming a meter',
  'meters:importOverrides': 'importing meter names',
  'rates:create': 'creating a rate card',
  'rates:saveDraft': 'saving a rate card draft',
  'rates:deleteDraft': 'deleting a rate card draft',
  'rates:publish': 'publishing a rate card',
  'rates:import': 'importing a rate card',
  'adjustments:save': 'saving an adjustment',
  'adjustments:remove': 'removing an adjustment',
  'adjustments:import': 'importing adjustments',
  'statements:create': 'creating a statement',
  'statements:finalize': 'finalizing a statement',
  'statements:correct': 'correcting a statement',
  'capacity:save': 'saving a capacity model',
  'capacity:recoveryDraft': 'creating a rate card from cost-recovery rates',
  'bundles:trust': 'trusting a bundle signing key',
  'bundles:export': 'exporting a bundle (which makes this installation\'s signing key on first use)',
  'bundles:import': 'importing a bundle',
  'usage:import': 'importing usage files',
};

/** The READ_ONLY error for a change tried in auditor mode. */
export function readOnlyRefusal(change: string): StackmeterError {
  return new StackmeterError('READ_ONLY', `${READ_ONLY_REFUSAL}: ${change} would change the cache under review, so `
    + 'it is not allowed. Make changes on the installation that owns the cache, with the cache opened normally.');
}

/**
 * The core of auditor mode: every mutating method of the contract (MUTATING_METHODS) and the trusted file import
 * refused up front, before any work, with READ_ONLY. The read-only SQLite handle would refuse the writes anyway, but
 * only after the work, with SQLite's words, and not for what writes nothing here (cancelling a sync).
 */
export function refuseChanges(core: Core): Core {
  const refused = Object.fromEntries(MUTATING_METHODS.map((method) => [method, () => {
    throw readOnlyRefusal(CHANGE[method]);
  }]));
  return {
    ...core,
    ...refused,
    importFiles: () => Promise.reject(readOnlyRefusal('importing usage files')),
  };
}
