import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityCost } from '../../../electron/core/capacity/index.ts';
import { RatingDecimal } from '../../../electron/core/rating/index.ts';
import { exampleModel } from './model.ts';

const OCTOBER_2026 = { from: '2026-10-01', to: '2026-11-01' };

describe('capacityCost', () => {
  it('prorates October 2026 by 31/365 and rounds once, the lines adding up to the total', () => {
    // Base: 64 cores × 144 = 9216 a year; × 31/365 = 285696/365 = 782.7287671… → 782.73.
    // App Service: 8 cores × 40 = 320 a year; × 31/365 = 9920/365 = 27.1780821… → 27.18.
    // Total: 295616/365 = 809.9068493… → 809.91 (= 782.73 + 27.18).
    const cost = capacityCost(exampleModel(), OCTOBER_2026);
    expect(cost.daysInTerm).toBe(31);
    expect(new RatingDecimal(cost.yearFraction).minus(new RatingDecimal(31).div(365)).isZero()).toBe(true);
    expect(cost.lines.map((l) => [l.kind, l.label, l.cores, l.yearlyAmount, l.amount])).toEqual([
      ['base', 'Base package', 64, '9216', '782.73'],
      ['add-on', 'App Service', 8, '320', '27.18'],
    ]);
    expect(cost.lines[0].exactAmount.startsWith('782.72876712328767123287671')).toBe(true);
    expect(cost.total).toBe('809.91');
  });

  it('prices an add-on without its own core count on all physical cores, and prorates other yearly costs', () => {
    // SQL/MySQL on 64 cores × 10 = 640 a year → 640 × 31/365 = 54.3561643…; support 36500 a year → 3100 exactly.
    // Total 782.7287671… + 54.3561643… + 3100 = 3937.0849315… → 3937.08, rounded once. Rounding each line on its own
    // (782.73 + 54.36 + 3100.00) would make 3937.09, so the lines are floored (3937.07) and the one cent left goes to
    // the largest remainder (base, .876 of a cent, beats SQL/MySQL's .616): 782.73 and 54.35.
    const cost = capacityCost(exampleModel({
      addOns: [{ name: 'SQL/MySQL', pricePerCoreYear: '10' }],
      otherYearlyCosts: [{ label: 'Support', amount: '36500' }],
    }), OCTOBER_2026);
    expect(cost.lines.map((l) => [l.label, l.cores, l.amount])).toEqual([
      ['Base package', 64, '782.73'], ['SQL/MySQL', 64, '54.35'], ['Support', undefined, '3100.00'],
    ]);
    expect(cost.total).toBe('3937.08');
  });

  it('charges only the days inside the term when the period runs past its end', () => {
    // The term ends on 2026-12-31 (inclusive): of December 2026 to January 2027 only December's 31 days count.
    const cost = capacityCost(exampleModel(), { from: '2026-12-01', to: '2027-02-01' });
    expect(cost.daysInTerm).toBe(31);
    expect(cost.total).toBe('809.91');
    const after = capacityCost(exampleModel(), { from: '2027-01-01', to: '2027-02-01' });
    expect(after.daysInTerm).toBe(0);
    expect(after.total).toBe('0.00');
    expect(after.lines.map((l) => l.amount)).toEqual(['0.00', '0.00']);
  });

  it('prices a day of a leap year at 1/366, so that a whole year costs exactly the yearly price', () => {
    // December 2027 (31 days of 365) and January–February 2028 (31 + 29 = 60 days of 366):
    // base 9216 × (31/365 + 60/366) = 2293.5484392… → 2293.55; App Service 320 × … = 79.6370985… → 79.64.
    const model = exampleModel({ term: { from: '2027-07-01', to: '2028-06-30' } });
    const cost = capacityCost(model, { from: '2027-12-01', to: '2028-03-01' });
    expect(cost.daysInTerm).toBe(91);
    expect(cost.lines.map((l) => l.amount)).toEqual(['2293.55', '79.64']);
    expect(cost.total).toBe('2373.19');
    const leapYear = capacityCost(exampleModel({ term: { from: '2028-01-01', to: '2028-12-31' } }),
      { from: '2028-01-01', to: '2029-01-01' });
    expect(leapYear.daysInTerm).toBe(366);
    expect(leapYear.total).toBe('9536.00');
  });

  it('rounds to the currency minor units (0 for JPY)', () => {
    // 9216 × 31/365 = 782.73 → 783 yen; 27.18 → 27; total 809.91 → 810.
    const cost = capacityCost(exampleModel({ currency: 'JPY' }), OCTOBER_2026);
    expect(cost.lines.map((l) => l.amount)).toEqual(['783', '27']);
    expect(cost.total).toBe('810');
  });

  it('refuses bad input with the field named', () => {
    expect(() => capacityCost(exampleModel({ physicalCores: 0 }), OCTOBER_2026)).toThrow(/physicalCores/);
    expect(() => capacityCost(exampleModel({ basePricePerCoreYear: '1,5' }), OCTOBER_2026))
      .toThrow(/basePricePerCoreYear/);
    expect(() => capacityCost(exampleModel({ addOns: [{ name: 'Event Hubs', pricePerCoreYear: '-1' }] }),
      OCTOBER_2026)).toThrow(/addOns\[0\]\.pricePerCoreYear must not be negative/);
    expect(() => capacityCost(exampleModel({ currency: 'usd' }), OCTOBER_2026)).toThrow(/ISO 4217/);
    expect(() => capacityCost(exampleModel(), { from: '2026-11-01', to: '2026-10-01' })).toThrow(/period\.to/);
    expect(() => capacityCost(exampleModel({ term: { from: '2026-01-01', to: '2025-12-30' } }), OCTOBER_2026))
      .toThrow(/term\.to/);
  });

  it('always has lines within one minor unit of their exact amount that add up to the rounded exact total', () => {
    const price = fc.integer({ min: 0, max: 10_000_000 }).map((cents) => new RatingDecimal(cents).div(100).toString());
    const day = fc.integer({ min: 0, max: 2000 })
      .map((n) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10));
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4096 }), price, fc.array(price, { maxLength: 4 }), fc.array(price, { maxLength: 3 }),
      day, day, day, fc.integer({ min: 1, max: 800 }),
      (cores, base, addOns, others, termA, termB, from, length) => {
        const [termFrom, termTo] = termA <= termB ? [termA, termB] : [termB, termA];
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + length * 86_400_000).toISOString().slice(0, 10);
        const cost = capacityCost(exampleModel({
          physicalCores: cores, basePricePerCoreYear: base, term: { from: termFrom, to: termTo },
          addOns: addOns.map((p, i) => ({ name: `Add-on ${i}`, pricePerCoreYear: p })),
          otherYearlyCosts: others.map((amount, i) => ({ label: `Other ${i}`, amount })),
        }), { from, to });
        const sum = cost.lines.reduce((s, l) => s.plus(l.amount), new RatingDecimal(0));
        expect(sum.eq(cost.total)).toBe(true);
        const exact = cost.lines.reduce((s, l) => s.plus(l.exactAmount), new RatingDecimal(0));
        expect(exact.toDecimalPlaces(2, RatingDecimal.ROUND_HALF_UP).eq(cost.total)).toBe(true);
        for (const line of cost.lines) {
          expect(new RatingDecimal(line.amount).minus(line.exactAmount).abs().lt('0.01')).toBe(true);
        }
      }), { numRuns: 200 });
  });
});
