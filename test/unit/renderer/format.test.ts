import { describe, expect, it } from 'vitest';
import { compareDecimalStrings, formatDecimalString } from '../../../renderer/src/format/numbers.ts';
import {
  defaultSyncRange, exclusiveEnd, formatDuration, formatUtc, formatUtcRange,
} from '../../../renderer/src/format/time.ts';

describe('formatDecimalString', () => {
  it('groups the integer part and keeps every decimal', () => {
    expect(formatDecimalString('1234567.123456789012345678', 'en-US')).toBe('1,234,567.123456789012345678');
    expect(formatDecimalString('98765432109876543210.5', 'en-US')).toBe('98,765,432,109,876,543,210.5');
  });

  it('uses the locale\'s separators', () => {
    expect(formatDecimalString('1234567.25', 'de-DE')).toBe('1.234.567,25');
  });

  it('handles signs, trailing zeros and exponent notation', () => {
    expect(formatDecimalString('-1500.500', 'en-US')).toBe('-1,500.5');
    expect(formatDecimalString('0', 'en-US')).toBe('0');
    expect(formatDecimalString('1e-7', 'en-US')).toBe('0.0000001');
    expect(formatDecimalString('1.5e+21', 'en-US')).toBe('1,500,000,000,000,000,000,000');
  });

  it('returns text that is not a decimal unchanged rather than hiding it', () => {
    expect(formatDecimalString('n/a', 'en-US')).toBe('n/a');
  });
});

describe('compareDecimalStrings', () => {
  it('orders exactly, beyond float precision', () => {
    const values = ['10', '-2.5', '9.99999999999999999999', '9.999999999999999999991', '0', '-10'];
    expect([...values].sort(compareDecimalStrings)).toEqual([
      '-10', '-2.5', '0', '9.99999999999999999999', '9.999999999999999999991', '10',
    ]);
    expect(compareDecimalStrings('1.50', '1.5')).toBe(0);
  });
});

describe('times', () => {
  it('shows UTC', () => {
    expect(formatUtc('2024-05-01T13:00:00Z')).toBe('2024-05-01 13:00 UTC');
    expect(formatUtc(null)).toBe('');
  });

  it('defaults the sync window to the last 31 UTC days through today, sent with an exclusive end', () => {
    const range = defaultSyncRange(new Date('2024-03-01T23:30:00Z'));
    expect(range).toEqual({ from: '2024-01-31', through: '2024-03-01' });
    expect(exclusiveEnd(range.through)).toBe('2024-03-02');
    expect(exclusiveEnd('2024-12-31')).toBe('2025-01-01');
  });

  it('formats durations', () => {
    expect(formatDuration('2024-05-01T00:00:00Z', '2024-05-01T00:00:42Z')).toBe('42 s');
    expect(formatDuration('2024-05-01T00:00:00Z', '2024-05-01T00:03:05Z')).toBe('3 min 05 s');
    expect(formatDuration('2024-05-01T00:00:00Z', null)).toBe('');
  });
});

describe('formatUtcRange', () => {
  it('leaves out of the end what it shares with the start', () => {
    expect(formatUtcRange('2024-05-01', '2024-06-01')).toBe('2024-05-01 → 06-01');
    expect(formatUtcRange('2026-11-22T13:00:00Z', '2026-11-22T17:00:00Z')).toBe('2026-11-22 13:00 → 17:00');
    expect(formatUtcRange('2026-10-22T17:00:00Z', '2026-11-22T17:00:00Z')).toBe('2026-10-22 17:00 → 11-22 17:00');
    expect(formatUtcRange('2026-11-22T13:00:00Z', '2026-11-23T00:00:00Z')).toBe('2026-11-22 13:00 → 11-23');
  });

  it('writes a range across years in full', () => {
    expect(formatUtcRange('2024-12-31T22:00:00Z', '2025-01-01T02:00:00Z')).toBe('2024-12-31 22:00 → 2025-01-01 02:00');
  });
});
