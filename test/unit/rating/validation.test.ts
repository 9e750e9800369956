import { describe, expect, it } from 'vitest';
import {
  addDraftVersion, currencyMinorUnits, CURRENCIES, findCurrency, publishVersion, updateDraftVersion,
  validateAdjustments, validateRateCard, validateRateCardVersion, versionInEffect, type MeterRate, type RateCard,
  type RateCardVersion,
} from '../../../electron/core/rating/index.ts';
import { card, flatMeter } from './cards.ts';

const draft = (meters: MeterRate[], effectiveFrom = '2025-03-01'): RateCardVersion =>
  ({ version: 2, effectiveFrom, status: 'draft', publishedAt: null, meters });

describe('currencies', () => {
  it('knows ISO 4217 currencies and their minor units, and refuses anything else clearly', () => {
    expect(currencyMinorUnits('EUR')).toBe(2);
    expect(currencyMinorUnits('JPY')).toBe(0);
    expect(currencyMinorUnits('KWD')).toBe(3);
    expect(currencyMinorUnits('CLF')).toBe(4);
    expect(findCurrency('CHF')?.name).toBe('Swiss Franc');
    expect(Object.keys(CURRENCIES).length).toBeGreaterThan(150);
    for (const code of ['eur', 'EURO', 'XAU', 'XXX', 'toString', '']) {
      expect(() => currencyMinorUnits(code), code).toThrow('is not an ISO 4217 currency code');
    }
  });
});

describe('rate card validation', () => {
  it('returns every problem of a version with the path of its field', () => {
    const meters: MeterRate[] = [
      flatMeter('m-neg', '-0.01'),
      { ...flatMeter('m-tiers', '0'), pricing: { kind: 'graduated', tiers: [
        { from: '10', to: '100', unitPrice: '1' },
        { from: '90', to: '200', unitPrice: '0.9' },
        { from: '250', to: '300', unitPrice: '0.8' },
      ] } },
      { ...flatMeter('disk', '0.05'), consumedUnit: 'GB*hours', pricingUnit: 'GB*month' },
      flatMeter('M-NEG', '1'),
      { ...flatMeter('m-open', '0'), pricing: { kind: 'volume', tiers: [
        { from: '0', to: null, unitPrice: '1' }, { from: '100', to: null, unitPrice: 'cheap' },
      ] } },
      flatMeter('m-limits', '1', { minimumQuantity: '0', blockSize: 'x' }),
    ];
    const problems = validateRateCardVersion({ ...draft(meters), effectiveFrom: '2025-13-01' });
    expect(problems).toEqual([
      { path: 'effectiveFrom', message: 'Enter the effective date as YYYY-MM-DD (got "2025-13-01").' },
      { path: 'meters[0].pricing.unitPrice', message: 'Must not be negative (got -0.01).' },
      { path: 'meters[1].pricing.tiers[0].from', message: 'The first tier must start at 0.' },
      {
        path: 'meters[1].pricing.tiers[1].from',
        message: 'Overlap: tier 2 starts at 90, inside tier 1 (which ends at 100); a tier must start where the previous '
          + 'one ends.',
      },
      {
        path: 'meters[1].pricing.tiers[2].from',
        message: 'Gap: tier 3 starts at 250 but tier 2 ends at 200; a tier must start where the previous one ends.',
      },
      {
        path: 'meters[1].pricing.tiers[2].to',
        message: 'The last tier must be open-ended (no upper bound), so that every quantity has a price.',
      },
      {
        path: 'meters[2].conversion',
        message: 'Usage in GB*hours must be converted to GB*month: choose a factor, the hours of the month or a fixed '
          + 'number of hours per month.',
      },
      {
        path: 'meters[3].meterId',
        message: 'Meter M-NEG is already on this version (meters[0]); a meter has one price.',
      },
      {
        path: 'meters[4].pricing.tiers[1].unitPrice',
        message: 'Enter a number written as text, such as "12.5" (got "cheap").',
      },
      {
        path: 'meters[4].pricing.tiers[0].to',
        message: 'Only the last tier can be open-ended; tier 1 is followed by tier 2.',
      },
      { path: 'meters[5].minimumQuantity', message: 'Must be above zero (got 0).' },
      { path: 'meters[5].blockSize', message: 'Enter a number written as text, such as "12.5" (got "x").' },
    ]);
  });

  it('accepts a valid version, including a free meter and a meter listed without a price', () => {
    expect(validateRateCardVersion(draft([
      flatMeter('a', '0'),
      { ...flatMeter('b', '0'), pricing: { kind: 'free' } },
      { ...flatMeter('c', '0'), pricing: null },
      {
        ...flatMeter('d', '0'), consumedUnit: 'GB*hours', pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' },
        pricing: { kind: 'volume', tiers: [
          { from: '0', to: '10', unitPrice: '1' }, { from: '10', to: null, unitPrice: '0.5' },
        ] },
        aggregation: 'tenant',
      },
    ]))).toEqual([]);
  });

  it('checks the card: currency, rounding, version numbers and effective dates', () => {
    const bad = {
      ...card([flatMeter('m', '1')], { currency: 'eur' }),
      rounding: { mode: 'bankers', point: 'line' },
      versions: [
        { version: 1, effectiveFrom: '2025-01-01', status: 'published', publishedAt: '2025-01-01T00:00:00Z',
          meters: [] },
        { version: 1, effectiveFrom: '2025-01-01', status: 'published', publishedAt: '2025-01-02T00:00:00Z',
          meters: [] },
        { version: 3, effectiveFrom: '1/3/2025', status: 'draft', publishedAt: null, meters: [] },
      ],
    } as unknown as RateCard;
    expect(validateRateCard(bad).map((p) => p.path)).toEqual([
      'currency', 'rounding.mode', 'versions[1].version', 'versions[1].effectiveFrom', 'versions[2].effectiveFrom',
    ]);
  });
});

describe('adjustment validation', () => {
  it('names each wrong field', () => {
    const problems = validateAdjustments([
      { id: 'a', label: 'Discount', scope: { kind: 'tenant', tenantId: 't1' }, type: 'discount', percent: '120' },
      { id: 'a', label: 'Tax', scope: { kind: 'tenant', tenantId: '' }, type: 'tax', percent: '8' },
      {
        id: 'c', label: 'Fee', scope: { kind: 'all' }, type: 'recurring-fee', monthlyAmount: '10', from: '2025-03-01',
        to: '2025-02-01',
      },
      { id: 'd', label: 'P', scope: { kind: 'all' }, type: 'price-override', meterId: 'AB-C', unitPrice: '1' },
      { id: 'e', label: 'P', scope: { kind: 'all' }, type: 'price-override', meterId: 'abc', unitPrice: '2' },
      {
        id: 'f', label: 'Credit', scope: { kind: 'offer', offerId: 'o' }, type: 'credit', amount: '5', date: '2025-02-30',
      },
    ]);
    expect(problems.map((p) => p.path)).toEqual([
      'adjustments[0].percent', 'adjustments[1].id', 'adjustments[1].scope.tenantId', 'adjustments[2].to',
      'adjustments[4].meterId', 'adjustments[5].date',
    ]);
    expect(problems[0].message).toBe('Must be at most 100 (got 120).');
  });
});

describe('version lifecycle', () => {
  const base = card([flatMeter('m', '1')]);

  it('publishes a draft, freezes it, and refuses to change it afterwards', () => {
    let next = addDraftVersion(base, { effectiveFrom: '2025-03-01', meters: [flatMeter('m', '2')] });
    expect(next.versions[1]).toMatchObject({ version: 2, status: 'draft', publishedAt: null });
    next = updateDraftVersion(next, 2, { meters: [flatMeter('m', '3')] });
    next = publishVersion(next, 2, '2025-02-20T09:30:00+00:00');
    const v2 = next.versions[1];
    expect(v2).toMatchObject({ status: 'published', publishedAt: '2025-02-20T09:30:00Z' });
    expect(Object.isFrozen(v2) && Object.isFrozen(v2.meters[0].pricing)).toBe(true);
    expect(() => { (v2.meters[0] as { pricing: unknown }).pricing = null; }).toThrow(TypeError);
    expect(() => updateDraftVersion(next, 2, { effectiveFrom: '2025-04-01' }))
      .toThrow(/is published and cannot change/);
    expect(() => publishVersion(next, 2, '2025-02-21T00:00:00Z')).toThrow('already published');
    // the original card is untouched
    expect(base.versions).toHaveLength(1);
    expect(versionInEffect(next, '2025-02-28T23:00:00Z')?.version).toBe(1);
    expect(versionInEffect(next, '2025-03-01')?.version).toBe(2);
    expect(versionInEffect(next, '2024-12-31')).toBeNull();
  });

  it('publishes only valid versions taking effect after the last published one', () => {
    const backdated = addDraftVersion(base, { effectiveFrom: '2025-01-01', meters: [flatMeter('m', '2')] });
    expect(() => publishVersion(backdated, 2, '2025-02-01T00:00:00Z'))
      .toThrow('Version 2 takes effect on 2025-01-01, not after version 1 (2025-01-01)');
    const invalid = addDraftVersion(base, { effectiveFrom: '2025-03-01', meters: [flatMeter('m', '-2')] });
    expect(() => publishVersion(invalid, 2, '2025-02-01T00:00:00Z'))
      .toThrow('Version 2 cannot be published: meters[0].pricing.unitPrice: Must not be negative (got -2).');
    expect(() => publishVersion(base, 7, '2025-02-01T00:00:00Z')).toThrow('has no version 7');
  });
});
