import { describe, expect, it } from 'vitest';
import {
  formatMoney, formatQuantity, statementTenantIds, unitPriceText,
} from '../../../electron/core/exports/statement-text.ts';
import { statementDocument, TENANT_A, TENANT_B } from './statement-fixture.ts';

describe('formatMoney', () => {
  it('writes exactly the currency\'s minor units, with thousands separators, from the decimal text', () => {
    expect(formatMoney('1234.5', 2)).toBe('1,234.50');
    expect(formatMoney('1234567', 2)).toBe('1,234,567.00');
    expect(formatMoney('-0.92', 2)).toBe('-0.92');
    expect(formatMoney('1500', 0)).toBe('1,500');
    expect(formatMoney('0.125', 3)).toBe('0.125');
    // Far beyond what a double holds: every digit is kept.
    expect(formatMoney('123456789012345678901.23', 2)).toBe('123,456,789,012,345,678,901.23');
    expect(formatMoney('2.500', 2)).toBe('2.50');
  });

  it('never prints a negative zero', () => {
    expect(formatMoney('-0', 2)).toBe('0.00');
    expect(formatMoney('-0.00', 2)).toBe('0.00');
  });

  it('refuses an amount that was not rounded to the minor unit instead of rounding it silently', () => {
    expect(() => formatMoney('1.005', 2)).toThrow(/more decimals than the currency's 2/);
    expect(formatMoney('12', 2)).toBe('12.00');
    expect(() => formatMoney('1e3', 2)).toThrow(/not a decimal/);
  });
});

describe('statement text', () => {
  it('groups whole digits of quantities and keeps every fraction digit', () => {
    expect(formatQuantity('26585.555691456838')).toBe('26,585.555691456838');
    expect(formatQuantity('-1000')).toBe('-1,000');
  });

  it('names unit prices: flat, tiered, volume, free, overridden and unrated', () => {
    const doc = statementDocument();
    const texts = doc.result.lines.map((l) => `${l.meterName ?? l.meterId}|${unitPriceText(l)}`);
    expect(texts).toEqual(expect.arrayContaining([
      'Base VM Size Hours|0.0125', 'BlockBlobCapacity|tiered', 'S4|1.2 (volume tier)',
      'Static IP Address Usage|free', 'Base VM Size Hours|0.01 (override ovr-b-vm)',
      'Windows VM Size Hours|not charged: unrated',
    ]));
  });

  it('lists the tenants the statement names, then any other tenant its totals charge', () => {
    const doc = statementDocument();
    expect(statementTenantIds(doc)).toEqual([TENANT_A, TENANT_B, null]);
    expect(statementTenantIds({ ...doc, tenants: doc.tenants.slice(0, 1) })).toEqual([TENANT_A, null, TENANT_B]);
  });
});
