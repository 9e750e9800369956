import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { formatQuantity } from '../../../electron/core/simulator/quantity.ts';
import { hoursInMonthOf, HOUR_MS, parseWireTime, wireHour } from '../../../electron/core/simulator/time.ts';

describe('formatQuantity', () => {
  it('prints whole numbers with ".0" as the real stamp does', () => {
    expect(formatQuantity(1, 0)).toBe('1.0');
    expect(formatQuantity(24, 0)).toBe('24.0');
    expect(formatQuantity(8_00000, 5)).toBe('8.0');
  });

  it('prints plain decimals without trailing zeros', () => {
    expect(formatQuantity(13440860215054, 16)).toBe('0.0013440860215054');
    expect(formatQuantity(1646142589952, 11)).toBe('16.46142589952');
    expect(formatQuantity(12300, 4)).toBe('1.23');
    expect(formatQuantity(1, 4)).toBe('0.0001');
  });

  it('uses an exponent below 1e-4, like .NET round-trip formatting', () => {
    expect(formatQuantity(152587890625, 16)).toBe('1.52587890625E-05');
    expect(formatQuantity(1, 5)).toBe('1E-05');
    expect(formatQuantity(8656653111583, 18)).toBe('8.656653111583E-06');
  });

  it('always denotes exactly mantissa / 10^scale', () => {
    const cases: Array<[number, number]> = [
      [7, 3], [99999999999999, 18], [123456789, 9], [5, 0], [100000000000000, 14],
    ];
    for (const [m, k] of cases) {
      expect(new Decimal(formatQuantity(m, k)).equals(new Decimal(m).div(new Decimal(10).pow(k)))).toBe(true);
      expect(() => JSON.parse(formatQuantity(m, k))).not.toThrow();
    }
  });
});

describe('wire times', () => {
  it('accepts Z, +00:00, fractional seconds and a "+" decoded to a space', () => {
    const expected = Date.UTC(2019, 11, 10, 19);
    for (const text of [
      '2019-12-10T19:00:00Z', '2019-12-10T19:00:00+00:00', '2019-12-10T19:00:00.0000000+00:00',
      '2019-12-10T19:00:00.0000000 00:00', '2019-12-10T19:00:00.000Z', '2019-12-10T20:00:00+01:00',
    ]) {
      expect(parseWireTime(text), text).toBe(expected);
    }
  });

  it('rejects what is not a date and time', () => {
    for (const text of ['yesterday', '2019-12-10', '2019-02-30T00:00:00Z', '2019-12-10T25:00:00Z', '']) {
      expect(parseWireTime(text), text).toBeNull();
    }
  });

  it('writes hours with +00:00', () => {
    expect(wireHour(Date.UTC(2019, 11, 10, 18) / HOUR_MS)).toBe('2019-12-10T18:00:00+00:00');
  });

  it('knows the hours of each calendar month', () => {
    expect(hoursInMonthOf(Date.UTC(2019, 11, 31, 23) / HOUR_MS)).toBe(744);
    expect(hoursInMonthOf(Date.UTC(2024, 1, 29, 0) / HOUR_MS)).toBe(696);
    expect(hoursInMonthOf(Date.UTC(2025, 1, 1, 0) / HOUR_MS)).toBe(672);
    expect(hoursInMonthOf(Date.UTC(2025, 3, 15, 0) / HOUR_MS)).toBe(720);
  });
});
