// fast-check generators for the rating properties: small random rate cards, usage and adjustments that are valid, so
// that every generated input can be rated.
import fc from 'fast-check';
import {
  RatingDecimal, type Adjustment, type AdjustmentScope, type Conversion, type MeterPricing, type MeterRate,
  type RateCard, type RoundingPolicy, type Tier, type UsageItem,
} from '../../../electron/core/rating/index.ts';

export const METERS = ['m-flat', 'm-tiers', 'm-disk', 'm-req'];
/** Fixed subscription → tenant and offer, so that generated usage never contradicts itself. */
export const SUBSCRIPTIONS = [
  { subscriptionId: 's1', tenantId: 't1', offerId: 'gold' },
  { subscriptionId: 's2', tenantId: 't1', offerId: 'silver' },
  { subscriptionId: 's3', tenantId: 't2', offerId: 'gold' },
  { subscriptionId: 's4', tenantId: null, offerId: null },
  { subscriptionId: 's5', tenantId: 't3', offerId: 'silver' },
  { subscriptionId: 's6', tenantId: 't1', offerId: 'gold' },
  { subscriptionId: 's7', tenantId: 't2', offerId: 'silver' },
] as const;
export const MONTHS = ['2025-01', '2025-02', '2025-03', '2025-04'];

/** A non-negative decimal string with up to `scale` fraction digits. */
export function decimalText(max: number, scale: number): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: max * 10 ** scale })
    .map((units) => new RatingDecimal(units).div(10 ** scale).toString());
}

export const tiersArb: fc.Arbitrary<Tier[]> = fc.tuple(
  fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 3 }),
  fc.array(decimalText(5, 4), { minLength: 4, maxLength: 4 }),
).map(([widths, prices]) => {
  const tiers: Tier[] = [];
  let from = 0;
  widths.forEach((width, i) => {
    tiers.push({ from: String(from), to: String(from + width), unitPrice: prices[i] });
    from += width;
  });
  tiers.push({ from: String(from), to: null, unitPrice: prices[widths.length] });
  return tiers;
});

const pricingArb: fc.Arbitrary<MeterPricing | null> = fc.oneof(
  { weight: 3, arbitrary: decimalText(10, 4).map((unitPrice): MeterPricing => ({ kind: 'flat', unitPrice })) },
  { weight: 3, arbitrary: tiersArb.map((tiers): MeterPricing => ({ kind: 'graduated', tiers })) },
  { weight: 2, arbitrary: tiersArb.map((tiers): MeterPricing => ({ kind: 'volume', tiers })) },
  { weight: 1, arbitrary: fc.constant<MeterPricing>({ kind: 'free' }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const conversionArb: fc.Arbitrary<Conversion> = fc.constantFrom<Conversion>(
  { kind: 'none' }, { kind: 'factor', divisor: '10000' }, { kind: 'hours-of-month' },
  { kind: 'fixed-hours', hoursPerMonth: '730' },
);

function meterArb(meterId: string): fc.Arbitrary<MeterRate> {
  return fc.record({
    conversion: conversionArb,
    pricing: pricingArb,
    aggregation: fc.constantFrom('subscription' as const, 'tenant' as const, 'tenant' as const),
    minimumQuantity: fc.option(decimalText(5, 2).filter((t) => t !== '0'), { nil: undefined, freq: 2 }),
    blockSize: fc.option(fc.constantFrom('0.5', '1', '10'), { nil: undefined, freq: 2 }),
  }).map(({ conversion, pricing, aggregation, minimumQuantity, blockSize }) => ({
    meterId,
    consumedUnit: conversion.kind === 'none' ? 'Units' : 'Consumed units',
    pricingUnit: 'Units',
    conversion, pricing, aggregation,
    ...(minimumQuantity === undefined ? {} : { minimumQuantity }),
    ...(blockSize === undefined ? {} : { blockSize }),
  }));
}

/** The meters of a version: a random subset of METERS, each with random pricing. */
export const metersArb: fc.Arbitrary<MeterRate[]> = fc.tuple(...METERS.map(meterArb))
  .chain((meters) => fc.subarray(meters, { minLength: METERS.length - 1 }));

export const roundingArb: fc.Arbitrary<RoundingPolicy> = fc.record({
  mode: fc.constantFrom('half-up' as const, 'half-even' as const),
  point: fc.constantFrom('line' as const, 'statement' as const),
});

export const cardArb: fc.Arbitrary<RateCard> = fc.record({
  meters: metersArb,
  rounding: roundingArb,
  currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
}).map(({ meters, rounding, currency }) => ({
  id: 'card', name: 'Generated', currency, rounding,
  versions: [{
    version: 1, effectiveFrom: '2025-01-01', status: 'published', publishedAt: '2024-12-01T00:00:00Z', meters,
  }],
}));

const hourIn = (fromMonth: number, toMonth: number): fc.Arbitrary<string> => fc.integer({
  min: Date.UTC(2025, fromMonth, 1) / 3_600_000, max: Date.UTC(2025, toMonth, 1) / 3_600_000 - 1,
}).map((hour) => `${new Date(hour * 3_600_000).toISOString().slice(0, 19)}Z`);

/** An hour in MONTHS, as an ISO instant; mostly in the first two, so that aggregates often hold several lines. */
export const usageStartArb: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: hourIn(0, 2) }, hourIn(2, 4));

export const usageItemArb: fc.Arbitrary<UsageItem> = fc.record({
  subscription: fc.constantFrom(...SUBSCRIPTIONS),
  meterId: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...METERS) }, fc.constantFrom('M-FLAT', 'm-unknown')),
  usageStart: usageStartArb,
  quantity: decimalText(20_000, 6),
  records: fc.integer({ min: 1, max: 500 }),
}).map(({ subscription, meterId, usageStart, quantity, records }) => ({
  tenantId: subscription.tenantId, subscriptionId: subscription.subscriptionId, offerId: subscription.offerId,
  meterId, usageStart, quantity, records,
}));

const scopeArb: fc.Arbitrary<AdjustmentScope> = fc.oneof(
  fc.constant<AdjustmentScope>({ kind: 'all' }),
  fc.constantFrom('t1', 't2', 't3', 't-none').map((tenantId): AdjustmentScope => ({ kind: 'tenant', tenantId })),
  fc.constantFrom(...SUBSCRIPTIONS.map((s) => s.subscriptionId))
    .map((subscriptionId): AdjustmentScope => ({ kind: 'subscription', subscriptionId })),
  fc.constantFrom('gold', 'silver').map((offerId): AdjustmentScope => ({ kind: 'offer', offerId })),
);

/** A day of MONTHS from its `first` day on (0 = 1 January 2025), as YYYY-MM-DD. */
export const dayOfMonths = (first = 0): fc.Arbitrary<string> => fc.integer({ min: first, max: 119 })
  .map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10));
const dayArb = dayOfMonths();

/** An adjustment without its id, label and scope (distributed over the union, so that each type keeps its fields). */
type AdjustmentBody = Adjustment extends infer A ? A extends Adjustment ? Omit<A, 'id' | 'label' | 'scope'> : never
  : never;

const bodyArb: fc.Arbitrary<AdjustmentBody> = fc.oneof(
  fc.record({ meterId: fc.constantFrom(...METERS), unitPrice: decimalText(5, 3) })
    .map((o): AdjustmentBody => ({ type: 'price-override', ...o })),
  decimalText(30, 2).map((percent): AdjustmentBody => ({ type: 'markup', percent })),
  decimalText(100, 2).map((percent): AdjustmentBody => ({ type: 'discount', percent })),
  fc.tuple(decimalText(500, 2), dayArb, fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }))
    .map(([monthlyAmount, from, days]): AdjustmentBody => ({
      type: 'recurring-fee', monthlyAmount, from,
      to: days === null ? null : new Date(Date.parse(from) + days * 86_400_000).toISOString().slice(0, 10),
    })),
  fc.tuple(decimalText(500, 2), dayArb)
    .map(([amount, date]): AdjustmentBody => ({ type: 'one-time-fee', amount, date })),
  decimalText(800, 2).map((monthlyAmount): AdjustmentBody => ({ type: 'minimum-charge', monthlyAmount })),
  fc.tuple(decimalText(500, 2), dayArb).map(([amount, date]): AdjustmentBody => ({ type: 'credit', amount, date })),
  decimalText(25, 3).map((percent): AdjustmentBody => ({ type: 'tax', percent })),
);

/** Adjustments with distinct IDs and at most one price override per scope and meter. */
export const adjustmentsArb: fc.Arbitrary<Adjustment[]> = fc.array(fc.tuple(scopeArb, bodyArb), { maxLength: 6 })
  .map((pairs) => pairs.map(([scope, body], i) =>
    ({ id: `adj-${i}`, label: `Adjustment ${i}`, scope, ...body }) as Adjustment))
  .map((adjustments) => {
    const seen = new Set<string>();
    return adjustments.filter((a) => {
      if (a.type !== 'price-override') return true;
      const key = JSON.stringify([a.scope, a.meterId]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
