// Rate cards for the chargeback and statement tests, stored through the real rate card store (drafts published with
// an audit entry each), priced for the meters of usage-fixture.ts.
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { createRateCard, publishVersion, saveDraft } from '../../electron/core/chargeback/rate-cards.ts';
import type { MeterRate, RateCard, RoundingPolicy } from '../../electron/shared/rating.ts';
import { TABLE_CAPACITY, UNKNOWN_A, UNKNOWN_B, VM_HOURS, WINDOWS_HOURS } from './usage-fixture.ts';

/** decimal.js rounds to 20 significant digits unless told otherwise. */
export const Exact = Decimal.clone({ precision: 200 });

export const sum = (values: Iterable<string>): string => {
  let total = new Exact(0);
  for (const v of values) total = total.plus(v);
  return total.toFixed();
};

export const actorAt = (iso: string): { user: string; at: Date } => ({ user: 'auditor', at: new Date(iso) });

/** Stores a card and publishes each version in turn. */
export function storeCard(db: Database.Database, card: { name: string; currency?: string; rounding?: RoundingPolicy;
  versions: { effectiveFrom: string; meters: MeterRate[] }[]; }, at = '2026-01-01T00:00:00Z'): RateCard {
  const actor = actorAt(at);
  let stored = createRateCard(db, {
    name: card.name, currency: card.currency ?? 'EUR', rounding: card.rounding ?? { mode: 'half-even', point: 'line' },
  }, actor);
  card.versions.forEach((version, i) => {
    const saved = saveDraft(db, stored.id, i === 0 ? 1 : null, version, actor);
    if (saved.problems.length > 0) throw new Error(JSON.stringify(saved.problems));
    stored = publishVersion(db, stored.id, saved.version, `version ${saved.version}`, actor);
  });
  return stored;
}

const rate = (meterId: string, extra: Partial<MeterRate>): MeterRate => ({
  meterId, consumedUnit: 'Units', pricingUnit: 'Units', conversion: { kind: 'none' }, pricing: null,
  aggregation: 'subscription', ...extra,
});

/**
 * The fixture's meters priced: VM hours flat per subscription, Windows hours graduated per tenant, table capacity
 * GB*hours → GB*month over the real hours of the month per tenant, one unknown meter flat and the other listed without
 * a price (unrated); queue capacity is not on the card (unrated too).
 */
export function fixtureMeters(vmPrice: string): MeterRate[] {
  return [
    rate(VM_HOURS, {
      consumedUnit: 'Virtual core hours', pricingUnit: 'Virtual core hours',
      pricing: { kind: 'flat', unitPrice: vmPrice },
    }),
    rate(WINDOWS_HOURS, {
      consumedUnit: 'Virtual core hours', pricingUnit: 'Virtual core hours', aggregation: 'tenant',
      pricing: { kind: 'graduated', tiers: [
        { from: '0', to: '50', unitPrice: '0.02' }, { from: '50', to: null, unitPrice: '0.015' },
      ] },
    }),
    rate(TABLE_CAPACITY, {
      consumedUnit: 'GB*hours', pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' }, aggregation: 'tenant',
      pricing: { kind: 'flat', unitPrice: '0.30' },
    }),
    rate(UNKNOWN_A, { pricing: { kind: 'flat', unitPrice: '0.125' } }),
    rate(UNKNOWN_B, { pricing: null }),
  ];
}
