import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RatingDecimal, roundPreservingSum, splitExactly } from '../../../electron/core/rating/index.ts';

const texts = (parts: { toString(): string }[]): string[] => parts.map((p) => p.toString());

/** A decimal string with up to `scale` fraction digits, between -max and max (or 0 and max). */
function decimalText(max: number, scale: number, signed = false): fc.Arbitrary<string> {
  return fc.integer({ min: signed ? -max * 10 ** scale : 0, max: max * 10 ** scale })
    .map((units) => new RatingDecimal(units).div(10 ** scale).toString());
}

describe('splitExactly', () => {
  it('hands the leftover minor units to the largest remainders, ties to the earlier part', () => {
    // 10.00 in thirds: 3.333… each; one cent left over, all remainders equal → the first part
    expect(texts(splitExactly('10', ['1', '1', '1'], 2))).toEqual(['3.34', '3.33', '3.33']);
    // 7.00 by 33.33 : 33.33 : 33.34 → 2.3331, 2.3331, 2.3338 → the last has the largest remainder
    expect(texts(splitExactly('7', ['33.33', '33.33', '33.34'], 2))).toEqual(['2.33', '2.33', '2.34']);
    // a credit splits the same way, with the sign kept
    expect(texts(splitExactly('-10', ['1', '1', '1'], 2))).toEqual(['-3.34', '-3.33', '-3.33']);
    // zero weights share nothing; all-zero weights share evenly
    expect(texts(splitExactly('5', ['0', '2', '0'], 2))).toEqual(['0', '5', '0']);
    expect(texts(splitExactly('1', ['0', '0'], 0))).toEqual(['1', '0']);
    expect(texts(splitExactly('0.005', ['1', '4'], 3))).toEqual(['0.001', '0.004']);
  });

  it('refuses amounts that are not whole minor units, negative weights and nothing to split into', () => {
    expect(() => splitExactly('1.005', ['1'], 2)).toThrow('not a whole number of minor units');
    expect(() => splitExactly('1', ['1', '-1'], 2)).toThrow('must not be negative');
    expect(() => splitExactly('1', [], 2)).toThrow('no parts');
  });

  it('gives parts that add up to the total, each less than one minor unit from its exact share', () => {
    fc.assert(fc.property(
      fc.constantFrom(0, 2, 3),
      fc.integer({ min: -10_000_000, max: 10_000_000 }),
      fc.array(decimalText(1000, 4), { minLength: 1, maxLength: 12 }),
      (minorUnits, totalUnits, weights) => {
        const total = new RatingDecimal(totalUnits).div(10 ** minorUnits);
        const parts = splitExactly(total, weights, minorUnits);
        expect(parts.reduce((a, b) => a.plus(b)).eq(total)).toBe(true);
        const sumOfWeights = weights.reduce((a, w) => a.plus(w), new RatingDecimal(0));
        const unit = new RatingDecimal(1).div(10 ** minorUnits);
        parts.forEach((part, i) => {
          expect(part.decimalPlaces()).toBeLessThanOrEqual(minorUnits);
          const exact = sumOfWeights.isZero() ? total.div(weights.length) : total.times(weights[i]).div(sumOfWeights);
          expect(part.minus(exact).abs().lt(unit)).toBe(true);
        });
      },
    ), { numRuns: 200 });
  });
});

describe('roundPreservingSum', () => {
  it('rounds lines so that they add up to their sum rounded once', () => {
    const parts = roundPreservingSum(['0.005', '0.005', '0.005'].map((t) => new RatingDecimal(t)), 2, 'half-up');
    expect(texts(parts)).toEqual(['0.01', '0.01', '0']);
    const mixed = roundPreservingSum(['10.004', '-3.333', '0.0049'].map((t) => new RatingDecimal(t)), 2, 'half-even');
    // 6.6759 → 6.68; floors 10.00, -3.34, 0.00 make 6.66, so the two largest remainders (-3.333 and 0.0049) get a cent
    expect(texts(mixed)).toEqual(['10', '-3.33', '0.01']);
  });

  it('keeps the rounded sum and every line within one minor unit, for any signs', () => {
    fc.assert(fc.property(
      fc.constantFrom(0, 2, 3),
      fc.constantFrom('half-up' as const, 'half-even' as const),
      fc.array(decimalText(10_000, 6, true), { minLength: 1, maxLength: 12 }),
      (minorUnits, mode, values) => {
        const amounts = values.map((t) => new RatingDecimal(t));
        const parts = roundPreservingSum(amounts, minorUnits, mode);
        const exactSum = amounts.reduce((a, b) => a.plus(b));
        const rounded = exactSum.toDecimalPlaces(minorUnits,
          mode === 'half-up' ? RatingDecimal.ROUND_HALF_UP : RatingDecimal.ROUND_HALF_EVEN);
        expect(parts.reduce((a, b) => a.plus(b)).eq(rounded)).toBe(true);
        const unit = new RatingDecimal(1).div(10 ** minorUnits);
        parts.forEach((part, i) => expect(part.minus(amounts[i]).abs().lt(unit)).toBe(true));
      },
    ), { numRuns: 200 });
  });
});
