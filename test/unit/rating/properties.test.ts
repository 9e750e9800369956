import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDraftVersion, priceGraduated, publishVersion, RatingDecimal, rateStatement, type RatingInput, type RatingResult,
} from '../../../electron/core/rating/index.ts';
import {
  adjustmentsArb, cardArb, dayOfMonths, decimalText, metersArb, MONTHS, SUBSCRIPTIONS, tiersArb, usageItemArb,
} from './arbitraries.ts';

const RUNS = { numRuns: 200 };
const months = { from: MONTHS[0], to: MONTHS[MONTHS.length - 1] };

const inputArb: fc.Arbitrary<RatingInput> = fc.record({
  card: cardArb,
  usage: fc.array(usageItemArb, { maxLength: 20 }),
  adjustments: adjustmentsArb,
  subscriptions: fc.subarray([...SUBSCRIPTIONS]),
}).map((input) => ({ ...input, months }));

type Dec = InstanceType<typeof RatingDecimal>;
const add = (texts: Array<string | null>): Dec =>
  texts.reduce<Dec>((total, t) => (t === null ? total : total.plus(t)), new RatingDecimal(0));

/** Checks that a total equals the sum of the lines it is made of. */
function expectSum(total: string, parts: Array<string | null>, what: string): void {
  const lines = add(parts);
  expect(new RatingDecimal(total).eq(lines), `${what}: ${total} vs the lines' ${lines.toString()}`).toBe(true);
}

function checkTotals(result: RatingResult): void {
  const { lines, adjustmentLines: adjustments, totals } = result;
  const all = [...lines.map((l) => ({ ...l, subscriptionId: l.subscriptionId as string | null })), ...adjustments];
  expectSum(totals.usage, lines.map((l) => l.amount), 'usage');
  expectSum(totals.adjustments, adjustments.map((l) => l.amount), 'adjustments');
  expectSum(totals.total, all.map((l) => l.amount), 'total');
  expectSum(totals.total, totals.byTenant.map((t) => t.total), 'tenants');
  expectSum(totals.total, totals.byMonth.map((t) => t.total), 'months');
  expectSum(totals.usage, totals.byMeter.map((m) => m.amount), 'meters');
  for (const tenant of totals.byTenant) {
    const own = all.filter((l) => l.tenantId === tenant.tenantId);
    expectSum(tenant.total, own.map((l) => l.amount), `tenant ${tenant.tenantId}`);
  }
  for (const sub of totals.bySubscription) {
    expectSum(sub.total, all.filter((l) => l.subscriptionId === sub.subscriptionId).map((l) => l.amount),
      `subscription ${sub.subscriptionId}`);
  }
  for (const meter of totals.byMeter) {
    const key = (meterId: string): string => meterId.toLowerCase().replaceAll('-', '');
    const own = lines.filter((l) => key(l.meterId) === key(meter.meterId));
    expectSum(meter.amount, own.map((l) => l.amount), `meter ${meter.meterId}`);
  }
  for (const month of totals.byMonth) {
    expectSum(month.total, all.filter((l) => l.month === month.month).map((l) => l.amount), `month ${month.month}`);
  }
  const unit = new RatingDecimal(1).div(10 ** result.minorUnits);
  for (const line of lines) {
    if (line.status === 'unrated') {
      expect(line.amount).toBeNull();
      continue;
    }
    expect(new RatingDecimal(line.amount as string).decimalPlaces()).toBeLessThanOrEqual(result.minorUnits);
    // a line is its share of the aggregate's exact amount, moved by rounding and the split by less than two minor units
    const off = new RatingDecimal(line.amount as string).minus(line.exactAmount as string).abs();
    expect(off.lt(unit.times(2))).toBe(true);
  }
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  // A small linear congruential generator: a fixed permutation per seed.
  const copy = [...items];
  let state = seed >>> 0;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe('rating properties', () => {
  it('adds up: lines = totals for every month, tenant, subscription and meter', () => {
    fc.assert(fc.property(inputArb, (input) => checkTotals(rateStatement(input))), RUNS);
  });

  it('gives byte-identical output for the same input, in any order', () => {
    fc.assert(fc.property(inputArb, fc.integer(), (input, seed) => {
      const first = JSON.stringify(rateStatement(input));
      expect(JSON.stringify(rateStatement(structuredClone(input)))).toBe(first);
      const reordered: RatingInput = {
        ...input,
        usage: shuffled(input.usage, seed),
        adjustments: shuffled(input.adjustments ?? [], seed + 1),
        subscriptions: shuffled(input.subscriptions ?? [], seed + 2),
      };
      expect(JSON.stringify(rateStatement(reordered))).toBe(first);
    }), RUNS);
  });

  it('prices graduated tiers as the sum of their parts, never less for more', () => {
    fc.assert(fc.property(tiersArb, decimalText(3000, 3), decimalText(3000, 3), (tiers, a, b) => {
      const [low, high] = new RatingDecimal(a).lte(b) ? [a, b] : [b, a];
      const lowPrice = priceGraduated(new RatingDecimal(low), tiers);
      const highPrice = priceGraduated(new RatingDecimal(high), tiers);
      expect(lowPrice.amount.lte(highPrice.amount)).toBe(true);
      for (const [quantity, priced] of [[low, lowPrice], [high, highPrice]] as const) {
        expect(priced.amount.eq(add(priced.tiers.map((t) => t.amount.toString())))).toBe(true);
        expect(add(priced.tiers.map((t) => t.quantity.toString())).eq(quantity)).toBe(true);
      }
    }), RUNS);
  });

  it('never re-prices usage before the effective date of a newly published version', () => {
    fc.assert(fc.property(inputArb, metersArb, dayOfMonths(1), (input, meters, effectiveFrom) => {
      const drafted = addDraftVersion(input.card, { effectiveFrom, meters });
      const later = publishVersion(drafted, 2, '2025-01-01T00:00:00Z');
      const before = rateStatement(input);
      const after = rateStatement({ ...input, card: later });
      // Months that end before the new version are untouched, adjustments included.
      const month = effectiveFrom.slice(0, 7);
      const earlier = (r: RatingResult) => ({
        lines: r.lines.filter((l) => l.month < month),
        adjustments: r.adjustmentLines.filter((l) => l.month < month),
        totals: r.totals.byMonth.filter((m) => m.month < month),
      });
      expect(JSON.stringify(earlier(after))).toBe(JSON.stringify(earlier(before)));
      // Usage that all starts before the date is rated exactly as before, whatever the rounding point.
      const cut = `${effectiveFrom}T00:00:00Z`;
      const onlyEarlier = { ...input, usage: input.usage.filter((u) => (u.usageStart as string) < cut) };
      expect(JSON.stringify(rateStatement({ ...onlyEarlier, card: later })))
        .toBe(JSON.stringify(rateStatement(onlyEarlier)));
    }), RUNS);
  });
});
