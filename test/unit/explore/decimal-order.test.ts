import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { decimalOrderKey } from '../../../electron/core/explore/explore.ts';

describe('decimal order keys', () => {
  it('sort as bytes exactly like the decimals they encode, beyond what a double can tell apart', () => {
    const values = ['0', '-0', '0.5', '0.05', '-0.5', '-0.05', '1', '10', '9.99', '-1', '-10', '-9.99', '100.000001',
      '100.0000010000000000001', '100.000001000000000000099', '-100.000001', '-100.0000010000000000001',
      '12345678901234567890.1', '-12345678901234567890.1', '0.000000000000000000001', '-0.000000000000000000001', '7',
      '7.0', '007.10'];
    const byKey = [...values].sort((a, b) => {
      const [x, y] = [decimalOrderKey(a), decimalOrderKey(b)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const byValue = [...values].sort((a, b) => new Decimal(a).comparedTo(b));
    expect(byKey.map((v) => new Decimal(v).toFixed())).toEqual(byValue.map((v) => new Decimal(v).toFixed()));
    expect(decimalOrderKey('7')).toBe(decimalOrderKey('7.0'));
    expect(decimalOrderKey('-0')).toBe(decimalOrderKey('0'));
  });
});
