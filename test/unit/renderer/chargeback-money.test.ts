import { describe, expect, it } from 'vitest';
import {
  formatAmount, formatMoney, formatPercentText, formatPrice, isNegativeAmount, shortHash, sumAmounts,
} from '../../../renderer/src/format/money.ts';

describe('money formatting', () => {
  it('shows the currency\'s minor units exactly, padding what the string leaves out', () => {
    expect(formatAmount('1234.5', 2, 'en-US')).toBe('1,234.50');
    expect(formatAmount('780.70', 2, 'en-US')).toBe('780.70');
    expect(formatAmount('0', 2, 'en-US')).toBe('0.00');
    expect(formatAmount('1500', 0, 'en-US')).toBe('1,500');
    expect(formatAmount('12.3', 3, 'en-US')).toBe('12.300');
  });

  it('never rounds: digits beyond the minor units stay, and amounts beyond float precision keep every digit', () => {
    expect(formatAmount('0.015', 2, 'en-US')).toBe('0.015');
    expect(formatAmount('90071992547409931.99', 2, 'en-US')).toBe('90,071,992,547,409,931.99');
    expect(formatAmount('0.10000000000000000001', 2, 'en-US')).toBe('0.10000000000000000001');
  });

  it('keeps signs and never prints a negative zero', () => {
    expect(formatAmount('-42.1', 2, 'en-US')).toBe('-42.10');
    expect(formatAmount('-0.00', 2, 'en-US')).toBe('0.00');
    expect(formatAmount('+3', 2, 'en-US')).toBe('3.00');
  });

  it('uses the locale\'s separators', () => {
    expect(formatAmount('1234567.5', 2, 'de-DE')).toBe('1.234.567,50');
  });

  it('writes the currency code after the amount, and "unrated" where there is no amount', () => {
    expect(formatMoney('2961.55', 'USD', 2, 'en-US')).toBe('2,961.55 USD');
    expect(formatMoney('12', 'JPY', 0, 'en-US')).toBe('12 JPY');
    expect(formatMoney('1.5', 'BHD', 3, 'en-US')).toBe('1.500 BHD');
    expect(formatMoney(null, 'USD', 2, 'en-US')).toBe('unrated');
  });

  it('keeps the decimals the core wrote when the minor units are not known', () => {
    expect(formatAmount('10.50', undefined, 'en-US')).toBe('10.50');
    expect(formatPrice('0.0036', 'en-US')).toBe('0.0036');
    expect(formatPrice('10240', 'en-US')).toBe('10,240');
    expect(formatPrice(null, 'en-US')).toBe('');
  });

  it('signs percentages and shows none where there is no base', () => {
    expect(formatPercentText('6.85', 'en-US')).toBe('+6.85 %');
    expect(formatPercentText('-12.50', 'en-US')).toBe('-12.50 %');
    expect(formatPercentText('0.00', 'en-US')).toBe('0.00 %');
    expect(formatPercentText(null, 'en-US')).toBe('—');
  });

  it('leaves text that is not a decimal as it is rather than hiding it', () => {
    expect(formatAmount('n/a', 2, 'en-US')).toBe('n/a');
  });

  it('adds amounts exactly, where floats would not', () => {
    expect(sumAmounts(['0.1', '0.2'])).toBe('0.3');
    expect(sumAmounts(['9007199254740993.01', '0.99'])).toBe('9007199254740994.00');
    expect(sumAmounts(['10.00', '-12.50'])).toBe('-2.50');
    expect(sumAmounts([])).toBe('0');
  });

  it('tells negative amounts apart and shortens hashes', () => {
    expect(isNegativeAmount('-0.01')).toBe(true);
    expect(isNegativeAmount('-0.00')).toBe(false);
    expect(isNegativeAmount(null)).toBe(false);
    expect(shortHash('4efbc221a3bebcb11c36d6f3e29e0d67924f1b60565cc3ea9040a7cc0b609710')).toBe('4efbc221a3be');
    expect(shortHash(null)).toBe('');
  });
});
