import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { addDecimalTexts, formatScaled, parseScaled } from '../../../electron/core/cache/exact-decimal.ts';

const Exact = Decimal.clone({ precision: 1000, toExpNeg: -1000, toExpPos: 1000 });

describe('exact decimal texts for the daily rollup', () => {
  it('adds like decimal.js and writes the same plain notation', () => {
    const cases: [string, string][] = [
      ['16.461425899527967', '0.000000000000000033'], ['1e-7', '2E-7'], ['-0.5', '0.5'], ['1.5E+3', '0.25'],
      ['-3.10', '1.1'], ['0', '0.000'], ['123456789012345678901234567890', '0.1'], ['.5', '5.'], ['-1e-20', '0'],
    ];
    for (const [a, b] of cases) expect(addDecimalTexts(a, b), `${a} + ${b}`).toBe(new Exact(a).plus(b).toString());
  });

  it('keeps every digit of long sums', () => {
    let sum = parseScaled('0');
    let reference = new Exact(0);
    for (let i = 1; i <= 500; i++) {
      const text = `${i}.${String(i * 7919).padStart(12, '0')}`;
      sum = parseScaled(addDecimalTexts(formatScaled(sum), text));
      reference = reference.plus(text);
    }
    expect(formatScaled(sum)).toBe(reference.toString());
  });

  it('refuses text that is not a number', () => {
    for (const bad of ['', '-', 'abc', '1.2.3', 'NaN', '1e']) expect(() => parseScaled(bad), bad).toThrow(/not a decimal/);
  });
});
