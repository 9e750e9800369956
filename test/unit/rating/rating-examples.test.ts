import { describe, expect, it } from 'vitest';
import {
  convertQuantity, priceGraduated, priceVolume, RatingDecimal, rateStatement, versionSegments, type Adjustment,
  type MeterRate, type RateCard, type RatingResult, type Tier,
} from '../../../electron/core/rating/index.ts';
import { card, flatMeter, published, usage } from './cards.ts';

// Every expected amount below was worked out by hand; the comments show the arithmetic.

const TIERS: Tier[] = [
  { from: '0', to: '100', unitPrice: '1.00' },
  { from: '100', to: '500', unitPrice: '0.80' },
  { from: '500', to: null, unitPrice: '0.50' },
];

const amountOf = (tiers: (q: string) => { amount: { toString(): string } }, q: string): string =>
  new RatingDecimal(tiers(q).amount.toString()).toFixed(2);
const graduated = (q: string): string => amountOf((x) => priceGraduated(new RatingDecimal(x), TIERS), q);
const volume = (q: string): string => amountOf((x) => priceVolume(new RatingDecimal(x), TIERS), q);

function lineAmounts(result: RatingResult): Array<[string, string | null]> {
  return result.lines.map((l) => [l.subscriptionId, l.amount]);
}

describe('tiers', () => {
  it('graduated charges each band its slice; volume charges the whole quantity at the band reached', () => {
    expect(graduated('0')).toBe('0.00');
    expect(volume('0')).toBe('0.00');
    // 100 sits on the first boundary: a band includes its upper bound, so volume stays at 1.00.
    expect(graduated('100')).toBe('100.00');
    expect(volume('100')).toBe('100.00');
    // one unit over: graduated 100 × 1.00 + 1 × 0.80; volume 101 × 0.80 (the volume cliff: cheaper than 100)
    expect(graduated('101')).toBe('100.80');
    expect(volume('101')).toBe('80.80');
    // 500: graduated 100 + 400 × 0.80 = 420; volume 500 × 0.80 = 400
    expect(graduated('500')).toBe('420.00');
    expect(volume('500')).toBe('400.00');
    // 600: graduated 420 + 100 × 0.50 = 470; volume 600 × 0.50 = 300
    expect(graduated('600')).toBe('470.00');
    expect(volume('600')).toBe('300.00');
    expect(graduated('100.5')).toBe('100.40');
  });

  it('prints the tier breakdown on the line, and tenant aggregation prices the tenant\'s total', () => {
    const meter: MeterRate = {
      ...flatMeter('disk', '0'), pricing: { kind: 'graduated', tiers: TIERS }, aggregation: 'tenant',
    };
    const result = rateStatement({
      card: card([meter]), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'disk', '90'), usage('s2', 'disk', '30'), usage('s3', 'disk', '30', '2025-02', 't2')],
    });
    // t1: 120 together → 100 × 1.00 + 20 × 0.80 = 116.00, split 90:30 → 87.00 and 29.00; t2: 30 × 1.00
    expect(lineAmounts(result)).toEqual([['s1', '87.00'], ['s2', '29.00'], ['s3', '30.00']]);
    expect(result.lines[0].aggregate).toMatchObject({
      scope: 'tenant', quantity: '120', billableQuantity: '120', exactAmount: '116', lines: 2,
      tiers: [
        { tier: 1, from: '0', to: '100', quantity: '100', unitPrice: '1.00', amount: '100' },
        { tier: 2, from: '100', to: '500', quantity: '20', unitPrice: '0.80', amount: '16' },
      ],
    });
    // per subscription, s1 alone would have paid 90.00 and s2 30.00
    const alone = rateStatement({
      card: card([{ ...meter, aggregation: 'subscription' }]), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'disk', '90'), usage('s2', 'disk', '30')],
    });
    expect(lineAmounts(alone)).toEqual([['s1', '90.00'], ['s2', '30.00']]);
  });

  it('splits an aggregate\'s amount across its lines so that they add up to it exactly', () => {
    const meter = flatMeter('vm', '10', { aggregation: 'tenant', minimumQuantity: '1' });
    const result = rateStatement({
      card: card([meter]), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'vm', '0.1'), usage('s2', 'vm', '0.1'), usage('s3', 'vm', '0.1')],
    });
    // 0.3 raised to the minimum of 1 → 10.00, split evenly: the leftover cent goes to the first subscription
    expect(lineAmounts(result)).toEqual([['s1', '3.34'], ['s2', '3.33'], ['s3', '3.33']]);
    expect(result.totals.usage).toBe('10.00');
  });
});

describe('unit conversion', () => {
  // A 128 GB disk for the whole month reports 128 GB × every hour of the month.
  const disk = (conversion: MeterRate['conversion']): MeterRate => ({
    meterId: 'disk', consumedUnit: 'GB*hours', pricingUnit: 'GB*month', conversion,
    pricing: { kind: 'flat', unitPrice: '0.05' }, aggregation: 'subscription',
  });

  it('divides by the real hours of the usage\'s month, or by a stated 730', () => {
    expect(convertQuantity(new RatingDecimal(128 * 672), { kind: 'hours-of-month' }, '2025-02').divisor.toString())
      .toBe('672');
    expect(convertQuantity(new RatingDecimal(128 * 696), { kind: 'hours-of-month' }, '2024-02').converted.toString())
      .toBe('128');
    const rate = (conversion: MeterRate['conversion'], month: string, hours: number): string | null =>
      rateStatement({
        card: card([disk(conversion)]), months: { from: month, to: month },
        usage: [usage('s1', 'disk', String(128 * hours), month)],
      }).lines[0].amount;
    // February 2025: 86016 GB·h / 672 = 128 GB·month × 0.05 = 6.40
    expect(rate({ kind: 'hours-of-month' }, '2025-02', 672)).toBe('6.40');
    // the same usage over 730 h: 86016 / 730 = 117.8301… × 0.05 = 5.8915… → 5.89
    expect(rate({ kind: 'fixed-hours', hoursPerMonth: '730' }, '2025-02', 672)).toBe('5.89');
    // March: 95232 / 744 = 128 → 6.40 again; over 730 h: 130.4547… × 0.05 = 6.5227… → 6.52
    expect(rate({ kind: 'hours-of-month' }, '2025-03', 744)).toBe('6.40');
    expect(rate({ kind: 'fixed-hours', hoursPerMonth: '730' }, '2025-03', 744)).toBe('6.52');
  });

  it('prints the divisor and the converted quantity on the line', () => {
    const [line] = rateStatement({
      card: card([disk({ kind: 'fixed-hours', hoursPerMonth: '730' })]), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'disk', '730')],
    }).lines;
    expect(line).toMatchObject({
      quantity: '730', consumedUnit: 'GB*hours', conversion: { kind: 'fixed-hours', hoursPerMonth: '730' },
      conversionDivisor: '730', convertedQuantity: '1', pricingUnit: 'GB*month', unitPrice: '0.05', amount: '0.05',
      rateCardId: 'card-1', rateCardVersion: 1, status: 'rated',
    });
  });

  it('prices requests per 10,000 with a factor, rounded up to whole blocks', () => {
    const requests: MeterRate = {
      meterId: 'req', consumedUnit: 'Requests', pricingUnit: '10,000 requests',
      conversion: { kind: 'factor', divisor: '10000' },
      pricing: { kind: 'flat', unitPrice: '0.40' }, aggregation: 'subscription',
    };
    const rate = (meter: MeterRate, quantity: string): string | null => rateStatement({
      card: card([meter]), months: { from: '2025-02', to: '2025-02' }, usage: [usage('s1', 'req', quantity)],
    }).lines[0].amount;
    // 25,000 requests = 2.5 × 0.40 = 1.00
    expect(rate(requests, '25000')).toBe('1.00');
    // blocks of 1 (whole ten-thousands): 25,001 → 2.5001 → 3 blocks × 0.40 = 1.20; exactly 30,000 stays 3
    expect(rate({ ...requests, blockSize: '1' }, '25001')).toBe('1.20');
    expect(rate({ ...requests, blockSize: '1' }, '30000')).toBe('1.20');
    // blocks of 5 GB: 12 GB is charged as 15
    expect(rate(flatMeter('req', '1', { blockSize: '5' }), '12')).toBe('15.00');
  });

  it('raises usage below the minimum quantity to it, and leaves zero usage at zero', () => {
    const meter = flatMeter('ip', '2', { minimumQuantity: '10' });
    const rate = (quantity: string) => rateStatement({
      card: card([meter]), months: { from: '2025-02', to: '2025-02' }, usage: [usage('s1', 'ip', quantity)],
    }).lines[0];
    expect(rate('3')).toMatchObject({ amount: '20.00', aggregate: { quantity: '3', billableQuantity: '10' } });
    expect(rate('12').amount).toBe('24.00');
    expect(rate('0').amount).toBe('0.00');
  });
});

describe('rounding', () => {
  const rateAt = (unitPrice: string, rounding: RateCard['rounding'], quantities: string[]): RatingResult =>
    rateStatement({
      card: card([flatMeter('m', unitPrice)], { rounding }), months: { from: '2025-02', to: '2025-02' },
      usage: quantities.map((q, i) => usage(`s${i + 1}`, 'm', q)),
    });

  it('rounds a tie away from zero half-up and to the even cent half-even', () => {
    expect(lineAmounts(rateAt('0.125', { mode: 'half-up', point: 'line' }, ['1']))).toEqual([['s1', '0.13']]);
    expect(lineAmounts(rateAt('0.125', { mode: 'half-even', point: 'line' }, ['1']))).toEqual([['s1', '0.12']]);
    expect(lineAmounts(rateAt('0.135', { mode: 'half-even', point: 'line' }, ['1']))).toEqual([['s1', '0.14']]);
  });

  it('rounds per line, or once per tenant and month with the cents apportioned to the lines', () => {
    // three lines of exactly half a cent each
    const quantities = ['1', '1', '1'];
    expect(rateAt('0.005', { mode: 'half-up', point: 'line' }, quantities).totals.usage).toBe('0.03');
    expect(rateAt('0.005', { mode: 'half-even', point: 'line' }, quantities).totals.usage).toBe('0.00');
    // once: 0.015 → 0.02 either way; the two cents go to the first two lines (equal remainders)
    const once = rateAt('0.005', { mode: 'half-up', point: 'statement' }, quantities);
    expect(lineAmounts(once)).toEqual([['s1', '0.01'], ['s2', '0.01'], ['s3', '0.00']]);
    expect(once.lines.map((l) => l.exactAmount)).toEqual(['0.005', '0.005', '0.005']);
    expect(rateAt('0.005', { mode: 'half-even', point: 'statement' }, quantities).totals.usage).toBe('0.02');
  });

  it('uses the currency\'s minor units', () => {
    const yen = rateStatement({
      card: card([flatMeter('m', '1.5')], { currency: 'JPY' }), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'm', '3')],
    });
    expect(yen.lines[0].amount).toBe('5'); // 4.5 half-up
    const dinar = rateStatement({
      card: card([flatMeter('m', '0.0015')], { currency: 'KWD' }), months: { from: '2025-02', to: '2025-02' },
      usage: [usage('s1', 'm', '3')],
    });
    expect(dinar.lines[0].amount).toBe('0.005'); // 0.0045 → 3 decimals
  });
});

describe('rate card versions', () => {
  const versioned: RateCard = {
    ...card([]),
    versions: [
      published(1, '2025-01-01', [flatMeter('m', '1.00')]),
      published(2, '2025-02-15', [flatMeter('m', '2.00')]),
      { version: 3, effectiveFrom: '2025-02-20', status: 'draft', publishedAt: null, meters: [flatMeter('m', '9.00')] },
    ],
  };

  it('prices usage with the version in effect at its start, ignoring drafts', () => {
    const at = (usageStart: string) =>
      ({ tenantId: 't1', subscriptionId: 's1', meterId: 'm', usageStart, quantity: '1', records: 1 });
    const result = rateStatement({
      card: versioned, months: { from: '2024-12', to: '2025-02' },
      usage: [
        at('2025-02-14T23:00:00Z'), at('2025-02-15T00:00:00+00:00'), at('2025-02-25T00:00:00Z'), at('2024-12-31T23:00:00Z'),
      ],
    });
    expect(result.lines.map((l) => [l.usageStart, l.rateCardVersion, l.status, l.amount])).toEqual([
      ['2024-12-31T23:00:00Z', null, 'unrated', null],
      ['2025-02-14T23:00:00Z', 1, 'rated', '1.00'],
      ['2025-02-15T00:00:00Z', 2, 'rated', '4.00'], // the two version-2 sums of the month add up to one line
    ]);
    expect(result.lines[0].unratedReason).toBe('no-version');
  });

  it('says where a month must be split, and refuses a whole-month sum across a version change', () => {
    expect(versionSegments(versioned, '2025-02')).toEqual([
      { from: '2025-02-01T00:00:00Z', to: '2025-02-15T00:00:00Z', version: 1 },
      { from: '2025-02-15T00:00:00Z', to: '2025-03-01T00:00:00Z', version: 2 },
    ]);
    expect(versionSegments(versioned, '2024-12')).toEqual([
      { from: '2024-12-01T00:00:00Z', to: '2025-01-01T00:00:00Z', version: null },
    ]);
    const feb = { from: '2025-02', to: '2025-02' };
    expect(() => rateStatement({ card: versioned, months: feb, usage: [usage('s1', 'm', '1')] }))
      .toThrow('usage[0] covers the whole of 2025-02, but a rate card version takes effect on 2025-02-15');
    expect(() => rateStatement({
      card: versioned, months: feb,
      usage: [{
        ...usage('s1', 'm', '1'), month: undefined, usageStart: '2025-02-10T00:00:00Z', usageEnd: '2025-02-20T00:00:00Z',
      }],
    })).toThrow('usage[0] spans a rate card version taking effect on 2025-02-15');
  });
});

describe('free and unrated meters', () => {
  it('shows free usage at zero and unrated usage without an amount, listed apart from the totals', () => {
    const result = rateStatement({
      card: card([flatMeter('paid', '1'), { ...flatMeter('gift', '0'), pricing: { kind: 'free' } },
        { ...flatMeter('later', '0'), pricing: null }]),
      months: { from: '2025-02', to: '2025-02' },
      usage: [
        usage('s1', 'paid', '2'), usage('s1', 'gift', '5'), usage('s1', 'later', '7'), usage('s1', 'stranger', '9'),
      ],
    });
    expect(result.lines.map((l) => [l.meterId, l.status, l.unratedReason, l.unitPrice, l.amount])).toEqual([
      ['gift', 'free', null, '0', '0.00'],
      ['later', 'unrated', 'no-price', null, null],
      ['paid', 'rated', null, '1', '2.00'],
      ['stranger', 'unrated', 'meter-not-on-card', null, null],
    ]);
    expect(result.totals.usage).toBe('2.00');
    expect(result.totals.byMeter).toEqual([
      { meterId: 'gift', quantity: '5', amount: '0.00' }, { meterId: 'paid', quantity: '2', amount: '2.00' },
    ]);
    expect(result.unrated).toEqual([
      { meterId: 'later', reason: 'no-price', lines: 1, records: 1, quantity: '7' },
      { meterId: 'stranger', reason: 'meter-not-on-card', lines: 1, records: 1, quantity: '9' },
    ]);
  });

  it('matches meter IDs in any case and with or without hyphens', () => {
    const result = rateStatement({
      card: card([flatMeter('B4438D5D-453B-4EE1-B42A-DC72E377F1E4', '1')]), months: { from: '2025-02', to: '2025-02' },
      usage: [
        usage('s1', 'b4438d5d453b4ee1b42adc72e377f1e4', '2'), usage('s1', 'b4438d5d-453b-4ee1-b42a-dc72e377f1e4', '3'),
      ],
    });
    expect(result.lines.map((l) => [l.quantity, l.amount])).toEqual([['5', '5.00']]);
  });
});

describe('adjustments', () => {
  const oneMeter = card([flatMeter('m', '1')]);
  const feb = { from: '2025-02', to: '2025-02' };

  it('overrides prices with the most specific scope', () => {
    const result = rateStatement({
      card: oneMeter, months: feb,
      usage: [usage('s1', 'm', '10'), usage('s2', 'm', '10'), usage('s3', 'm', '10', '2025-02', 't2')],
      adjustments: [
        {
          id: 'tenant', label: 'T1 price', scope: { kind: 'tenant', tenantId: 't1' }, type: 'price-override', meterId: 'M',
          unitPrice: '0.90',
        },
        {
          id: 'sub', label: 'S1 price', scope: { kind: 'subscription', subscriptionId: 's1' }, type: 'price-override',
          meterId: 'm', unitPrice: '0.80',
        },
      ],
    });
    expect(result.lines.map((l) => [l.subscriptionId, l.overrideId, l.unitPrice, l.amount])).toEqual([
      ['s1', 'sub', '0.8', '8.00'], ['s2', 'tenant', '0.9', '9.00'], ['s3', null, '1', '10.00'],
    ]);
  });

  it('applies markup, discount, fees, minimum, credit and tax in the documented order', () => {
    const t1 = { kind: 'tenant', tenantId: 't1' } as const;
    const s1 = { kind: 'subscription', subscriptionId: 's1' } as const;
    // listed out of order on purpose: the engine applies them in ADJUSTMENT_ORDER
    const adjustments: Adjustment[] = [
      { id: 'tax', label: 'VAT', scope: t1, type: 'tax', percent: '10' },
      { id: 'credit', label: 'Goodwill', scope: t1, type: 'credit', amount: '50', date: '2025-02-28' },
      { id: 'minimum', label: 'Minimum', scope: t1, type: 'minimum-charge', monthlyAmount: '150' },
      { id: 'setup', label: 'Setup', scope: s1, type: 'one-time-fee', amount: '20', date: '2025-02-05' },
      { id: 'discount', label: 'Discount', scope: s1, type: 'discount', percent: '5' },
      { id: 'markup', label: 'Overhead', scope: t1, type: 'markup', percent: '10' },
    ];
    const result = rateStatement({ card: oneMeter, months: feb, usage: [usage('s1', 'm', '100')], adjustments });
    // usage 100 → +10 markup (10 % of 100) → −5 discount (5 % of the same 100) → +20 setup → 125 so far, so the minimum
    // of 150 adds 25 → −50 credit → 100 → +10 tax
    expect(result.adjustmentLines.map((l) => [l.step, l.adjustmentId, l.subscriptionId, l.base, l.amount])).toEqual([
      [1, 'markup', null, '100.00', '10.00'],
      [2, 'discount', 's1', '100.00', '-5.00'],
      [4, 'setup', 's1', null, '20.00'],
      [5, 'minimum', null, '125.00', '25.00'],
      [6, 'credit', null, '150.00', '-50.00'],
      [7, 'tax', null, '100.00', '10.00'],
    ]);
    expect(result.totals).toMatchObject({ usage: '100.00', adjustments: '10.00', total: '110.00' });
    expect(result.totals.byTenant)
      .toEqual([{ tenantId: 't1', usage: '100.00', adjustments: '10.00', total: '110.00' }]);
    expect(result.totals.bySubscription).toEqual([
      { tenantId: 't1', subscriptionId: 's1', usage: '100.00', adjustments: '15.00', total: '115.00' },
    ]);
    expect(result.adjustmentOrder.map((s) => s.type)).toEqual([
      'price-override', 'markup', 'discount', 'recurring-fee', 'one-time-fee', 'minimum-charge', 'credit', 'tax',
    ]);
  });

  it('never credits more than the charges so far, and reports the rest as unapplied', () => {
    const result = rateStatement({
      card: oneMeter, months: feb, usage: [usage('s1', 'm', '30')],
      adjustments: [
        {
          id: 'credit', label: 'Outage', scope: { kind: 'subscription', subscriptionId: 's1' }, type: 'credit', amount: '50',
          date: '2025-02-01',
        },
        { id: 'tax', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '20' },
      ],
    });
    expect(result.adjustmentLines.map((l) => [l.adjustmentId, l.amount])).toEqual([['credit', '-30.00']]);
    expect(result.credits).toEqual([{
      adjustmentId: 'credit', month: '2025-02', target: 'subscription s1', amount: '50.00', applied: '30.00',
      unapplied: '20.00',
    }]);
    expect(result.totals.total).toBe('0.00');
  });

  it('prorates a recurring fee by the days it is active in each month', () => {
    const result = rateStatement({
      card: oneMeter, months: { from: '2025-02', to: '2025-04' },
      subscriptions: [{ subscriptionId: 's1', tenantId: 't1', offerId: null }],
      usage: [],
      adjustments: [{
        id: 'support', label: 'Support', scope: { kind: 'subscription', subscriptionId: 's1' }, type: 'recurring-fee',
        monthlyAmount: '100', from: '2025-02-10', to: '2025-03-20',
      }],
    });
    // February: 10th to 28th = 19 of 28 days → 67.857… → 67.86; March: 1st to 19th = 19 of 31 days → 61.290… → 61.29;
    // April: nothing (the fee stopped on 20 March)
    expect(result.adjustmentLines.map((l) => [l.month, l.detail, l.amount])).toEqual([
      ['2025-02', '19 of 28 days of 100 a month', '67.86'],
      ['2025-03', '19 of 31 days of 100 a month', '61.29'],
    ]);
    expect(result.totals.byMonth.map((m) => m.total)).toEqual(['67.86', '61.29', '0.00']);
  });

  it('charges a statement-wide tax once and splits it across tenants so that the shares add up exactly', () => {
    const tenants = { t1: '33.33', t2: '33.33', t3: '33.34' };
    const result = rateStatement({
      card: oneMeter, months: feb,
      usage: Object.entries(tenants).map(([tenant, q]) => usage(`s-${tenant}`, 'm', q, '2025-02', tenant)),
      adjustments: [{ id: 'tax', label: 'Sales tax', scope: { kind: 'all' }, type: 'tax', percent: '7' }],
    });
    // 7 % of 100.00 = 7.00; exact shares 2.3331, 2.3331, 2.3338: the leftover cent goes to the largest remainder (t3).
    // Taxing each tenant on its own would give 2.33 × 3 = 6.99.
    expect(result.adjustmentLines.map((l) => [l.tenantId, l.subscriptionId, l.amount])).toEqual([
      ['t1', null, '2.33'], ['t2', null, '2.33'], ['t3', null, '2.34'],
    ]);
    expect(result.totals.adjustments).toBe('7.00');
    expect(result.totals.byTenant.map((t) => t.total)).toEqual(['35.66', '35.66', '35.68']);
  });

  it('reports adjustments whose scope matches no subscription', () => {
    const result = rateStatement({
      card: oneMeter, months: feb, usage: [usage('s1', 'm', '1')],
      adjustments: [
        {
          id: 'typo', label: 'Fee', scope: { kind: 'tenant', tenantId: 't9' }, type: 'one-time-fee', amount: '5',
          date: '2025-02-01',
        },
        { id: 'offer', label: 'Offer discount', scope: { kind: 'offer', offerId: 'gold' }, type: 'discount', percent: '5' },
      ],
    });
    expect(result.unmatchedAdjustments).toEqual(['offer', 'typo']);
    expect(result.adjustmentLines).toEqual([]);
  });
});

describe('bad input', () => {
  const feb = { from: '2025-02', to: '2025-02' };

  it('names the item and field that is wrong', () => {
    const good = card([flatMeter('m', '1')]);
    expect(() => rateStatement({ card: good, months: feb, usage: [usage('s1', 'm', '1,5')] }))
      .toThrow('usage[0].quantity must be a decimal number written as text (e.g. "12.5"), not "1,5"');
    const numeric = { ...usage('s1', 'm', '1'), quantity: 1.5 as unknown as string };
    expect(() => rateStatement({ card: good, months: feb, usage: [numeric] }))
      .toThrow('usage[0].quantity must be a decimal number written as text');
    expect(() => rateStatement({ card: good, months: feb, usage: [usage('s1', 'm', '-1')] }))
      .toThrow('usage[0].quantity must not be negative');
    expect(() => rateStatement({ card: good, months: feb, usage: [usage('s1', 'm', '1', '2025-03')] }))
      .toThrow('usage[0] is usage of 2025-03, outside the months being rated');
    const moved = [usage('s1', 'm', '1'), usage('s1', 'm', '1', '2025-02', 't2')];
    expect(() => rateStatement({ card: good, months: feb, usage: moved }))
      .toThrow('usage[1]: subscription s1 is given tenant t2');
  });

  it('refuses a card with an unknown currency or an invalid published version', () => {
    expect(() => rateStatement({ card: card([flatMeter('m', '1')], { currency: 'EUX' }), months: feb, usage: [] }))
      .toThrow('Rate card "Standard" cannot rate usage: currency: "EUX" is not an ISO 4217 currency code');
    expect(() => rateStatement({ card: card([flatMeter('m', '-1')]), months: feb, usage: [] }))
      .toThrow('versions[0].meters[0].pricing.unitPrice: Must not be negative (got -1).');
  });
});
