// The evidence an auditor receives: a cache made the normal way (usage of two stamps, a rate card with two versions,
// a VAT adjustment, a meter name, a finalized statement of October-November 2026 and a draft of November), closed
// cleanly as Stackmeter leaves it.
import { join } from 'node:path';
import { openCache } from '../../electron/core/cache/open.ts';
import { createCore } from '../../electron/core/index.ts';
import type { StatementDocument } from '../../electron/shared/chargeback.ts';
import { fixtureMeters, storeCard } from './chargeback-helpers.ts';
import { quiet } from './sync-helpers.ts';
import { VM_HOURS, fillCache } from './usage-fixture.ts';

export const PERIOD = { from: '2026-10-01', to: '2026-12-01' };
export const CLOCK = { now: () => new Date('2026-12-03T09:00:00Z') };
/** The passphrase that protects the evidence installation's bundle signing key. */
export const PASSPHRASE = 'auditor test passphrase';

export interface Evidence {
  path: string;
  cardId: string;
  finalized: StatementDocument;
  draft: StatementDocument;
}

export async function buildEvidence(dir: string): Promise<Evidence> {
  const path = join(dir, 'evidence.sqlite');
  const db = openCache(path);
  fillCache(db);
  const cardId = storeCard(db, { name: 'Standard', versions: [
    { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.0475') },
    { effectiveFrom: '2026-10-31', meters: fixtureMeters('0.05') },
  ] }).id;
  db.close();
  const core = createCore({ dbPath: path, clock: CLOCK, log: quiet, exportDir: join(dir, 'exports') });
  try {
    await core['adjustments:save']({ id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' },
      'law');
    await core['meters:override']({ meterId: VM_HOURS, name: 'VM core hours' });
    const created = await core['statements:create']({ period: PERIOD, rateCardId: cardId });
    const finalized = await core['statements:finalize'](created.id, 'month closed');
    const november = { from: '2026-11-01', to: '2026-12-01' };
    const draft = await core['statements:create']({ period: november, rateCardId: cardId });
    return { path, cardId, finalized, draft };
  } finally {
    await core.close();
  }
}
