import { describe, expect, it } from 'vitest';
import {
  STARTER_NOTE, STARTER_RATE_CARD_NAME, starterMeters, starterRateCard,
} from '../../../electron/core/chargeback/starter-rate-card.ts';
import { CATALOG, meterMatchKey } from '../../../electron/core/meters/catalog.ts';
import { publishVersion, rateStatement, validateRateCard } from '../../../electron/core/rating/index.ts';

const card = () => publishVersion(starterRateCard('starter', '2026-01-01'), 1, '2026-01-01T00:00:00Z');

describe('the starter rate card', () => {
  it('prices every meter of the catalog exactly once, deprecated ones too', () => {
    const meters = starterMeters();
    expect(meters.map((m) => meterMatchKey(m.meterId)).sort())
      .toEqual(CATALOG.map((m) => meterMatchKey(m.meterId)).sort());
    expect(meters.every((m) => m.pricing !== null)).toBe(true);
    for (const meter of meters) {
      const catalog = CATALOG.find((m) => m.meterId === meter.meterId)!;
      expect(meter.consumedUnit, meter.meterId).toBe(catalog.unit);
      expect(meter.name).toBe(catalog.name);
    }
  });

  it('validates and publishes as it is, in USD, half-even per line, saying its prices are examples', () => {
    const starter = starterRateCard('starter', '2026-01-01');
    expect(validateRateCard(starter)).toEqual([]);
    expect(starter).toMatchObject({ name: STARTER_RATE_CARD_NAME, currency: 'USD',
      rounding: { mode: 'half-even', point: 'line' } });
    expect(starter.name).toMatch(/example prices/i);
    expect(starter.versions[0]!.note).toBe(STARTER_NOTE);
    expect(STARTER_NOTE).toMatch(/^Example prices/);
    expect(card().versions[0]!.status).toBe('published');
  });

  it('converts usage to sensible pricing units: GB*month over the real hours, per 10,000 requests, disk-months', () => {
    const meters = starterMeters();
    const byName = (name: string, unit: string) => meters.find((m) => m.name === name && m.consumedUnit === unit)!;
    expect(byName('BlockBlobCapacity', 'GB*hours')).toMatchObject({
      pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' },
    });
    expect(byName('Functions Requests', '10 Requests')).toMatchObject({
      pricingUnit: '10,000 requests', conversion: { kind: 'factor', divisor: '1000' },
    });
    expect(byName('S10', 'Count of Disks*month')).toMatchObject({
      pricingUnit: 'Count of Disks*month', conversion: { kind: 'none' },
    });
    expect(byName('S10', 'Count of Disks*hours')).toMatchObject({
      pricingUnit: 'Count of Disks*month', conversion: { kind: 'hours-of-month' },
    });
    expect(byName('Static IP Address Usage', 'IP addresses').conversion).toEqual({ kind: 'none' });

    // 10 GB held all of March (744 hours) and all of February (672 hours) is 10 GB*month each time.
    const usage = (meterId: string, month: string, quantity: string) => ({
      tenantId: 't1', subscriptionId: 's1', meterId, month, quantity, records: 1,
    });
    const blob = byName('BlockBlobCapacity', 'GB*hours').meterId;
    const result = rateStatement({
      card: card(), months: { from: '2026-02', to: '2026-03' },
      usage: [usage(blob, '2026-02', '6720'), usage(blob, '2026-03', '7440'),
        usage(byName('Free App Service Hours', '1 hour').meterId, '2026-03', '100')],
    });
    const lines = result.lines.map((l) => [l.month, l.convertedQuantity, l.status, l.amount]);
    expect(lines).toEqual(expect.arrayContaining([
      ['2026-02', '10', 'rated', '0.20'], ['2026-03', '10', 'rated', '0.20'], ['2026-03', '100', 'free', '0.00'],
    ]));
    expect(result.totals.total).toBe('0.40');
  });
});
