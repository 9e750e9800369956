import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../electron/core/cache/open.ts';
import {
  chargebackLines, chargebackWithCard, runChargeback, splitByQuantity, whatIf,
} from '../../electron/core/chargeback/chargeback.ts';
import { listUsageRecords } from '../../electron/core/explore/records.ts';
import { RatingDecimal } from '../../electron/core/rating/index.ts';
import {
  ADJUSTMENTS_ROW_KEY, CHARGEBACK_GROUPINGS, type ChargebackLine, type ChargebackQuery, type ChargebackResult,
} from '../../electron/shared/chargeback.ts';
import type { Adjustment, RateCard } from '../../electron/shared/rating.ts';
import { Exact, fixtureMeters, storeCard, sum } from './chargeback-helpers.ts';
import {
  fillCache, matchKey, QUEUE_CAPACITY, S1, S2, S3, S4, S5, T1, T2, truthRows, UNKNOWN_B, VM_HOURS,
  type TruthRow,
} from './usage-fixture.ts';

// The fixture's usage runs from 2026-10-30 to 2026-11-01 (hours and two daily records) on two stamps and imports.
// The card's second version takes effect on 2026-10-31, inside October: October is read in two pieces from the daily
// rollup, November whole from the monthly one.

let dir: string;
let db: Database.Database;
let card: RateCard;
let truth: TruthRow[];

const PERIOD = { from: '2026-10-01', to: '2026-12-01' };
const ADJUSTMENTS: Adjustment[] = [
  { id: 'markup', label: 'Operations markup', scope: { kind: 'all' }, type: 'markup', percent: '10' },
  // A tenant ID in capitals: the cache keys tenants in lower case.
  { id: 'support', label: 'Support fee', scope: { kind: 'tenant', tenantId: T1.toUpperCase() }, type: 'recurring-fee',
    monthlyAmount: '100', from: '2026-01-01', to: null },
  { id: 'discount', label: 'Dev discount', scope: { kind: 'subscription', subscriptionId: S2 }, type: 'discount',
    percent: '15' },
  { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-chargeback-'));
  db = openCache(join(dir, 'chargeback.sqlite'));
  fillCache(db);
  // The east stamp also holds two days of one VM synced daily: the run rates the hourly usage only.
  truth = truthRows(db).filter((r) => r.granularity === 'Hourly');
  card = storeCard(db, { name: 'Standard', versions: [
    { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.0475') },
    { effectiveFrom: '2026-10-31', meters: fixtureMeters('0.05') },
  ] });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const query = (by: ChargebackQuery['by'], extra: Partial<ChargebackQuery> = {}): ChargebackQuery =>
  ({ period: PERIOD, rateCardId: card.id, by, ...(by === 'tag' ? { tagKey: 'env' } : {}), ...extra });

const dec = (text: string): Decimal => new RatingDecimal(text);
const total = (values: string[]): string => values.reduce((a, v) => a.plus(v), dec('0')).toFixed(2);

function allLines(q: ChargebackQuery, key: string, adjustments: Adjustment[] = ADJUSTMENTS): ChargebackLine[] {
  const first = chargebackLines(db, q, key, 0, 5000, adjustments);
  expect(first.rows).toHaveLength(first.total);
  return first.rows;
}

describe('chargeback: usage from the rollups', () => {
  it('rates every subscription and meter per month and version, with the exact sums of the usage records', () => {
    // Every line of the run, against usage_records grouped the same way.
    const lines = runAll('subscription');
    const expected = new Map<string, { records: number; quantity: string[] }>();
    for (const r of truth) {
      const day = new Date(r.start * 1000).toISOString().slice(0, 10);
      const version = day >= '2026-10-31' ? 2 : 1;
      const key = [day.slice(0, 7), r.subscription, matchKey(r.meter), version].join('|');
      const e = expected.get(key) ?? { records: 0, quantity: [] };
      e.records++;
      e.quantity.push(r.quantity);
      expected.set(key, e);
    }
    expect(lines).toHaveLength(expected.size);
    for (const l of lines) {
      const e = expected.get([l.line.month, l.line.subscriptionId, matchKey(l.line.meterId), l.line.rateCardVersion]
        .join('|'));
      expect(e, `${l.line.month} ${l.line.subscriptionId} ${l.line.meterId}`).toBeDefined();
      expect(l.line.records).toBe(e!.records);
      expect(new Exact(l.line.quantity).equals(sum(e!.quantity))).toBe(true);
    }
  });

  it('keys tenants in lower case across stamps, names them by their domain, and keeps the unknown tenant apart', () => {
    const result = runChargeback(db, query('tenant'), ADJUSTMENTS);
    const keys = result.rows.map((r) => r.key).sort();
    expect(keys).toEqual([T1, T2, '(unknown tenant)'].sort());
    expect(result.rows.find((r) => r.key === T1)!.label).toBe('contoso.example');
    // S1 (east lists T1) and S3 (west lists it in capitals) are one tenant: its subscription rows add up to it.
    const bySubscription = runChargeback(db, query('subscription'), []);
    const tenantRows = runChargeback(db, query('tenant'), []).rows;
    const s1s3 = total(bySubscription.rows.filter((r) => r.key === S1 || r.key === S3).map((r) => r.usage));
    expect(tenantRows.find((r) => r.key === T1)!.usage).toBe(s1s3);
    // S5 is imported without a stamp, but the west stamp lists it under T2.
    const s2s5 = total(bySubscription.rows.filter((r) => r.key === S2 || r.key === S5).map((r) => r.usage));
    expect(tenantRows.find((r) => r.key === T2)!.usage).toBe(s2s5);
    expect(tenantRows.find((r) => r.key === '(unknown tenant)')!.usage)
      .toBe(bySubscription.rows.find((r) => r.key === S4)!.usage);
  });

  it('keeps to the stamps asked for', () => {
    const east = runAll('subscription', { stamps: ['EAST'] });
    const expected = truth.filter((r) => r.stamp === 'east');
    expect(east.reduce((n, l) => n + l.records, 0)).toBe(expected.length);
    expect(new Exact(sum(east.map((l) => l.quantity))).equals(sum(expected.map((r) => r.quantity)))).toBe(true);
    expect(runChargeback(db, query('tenant', { stamps: ['east'] }), []).stamps).toEqual(['east']);
    expect(() => runChargeback(db, query('tenant', { stamps: ['nowhere'] }), [])).toThrow(/no stamp named "nowhere"/);
  });
});

/** Every line part of every row of a run. */
function runAll(by: ChargebackQuery['by'], extra: Partial<ChargebackQuery> = {},
  adjustments: Adjustment[] = []): ChargebackLine[] {
  const q = query(by, extra);
  const result = runChargeback(db, q, adjustments);
  return result.rows.filter((r) => r.key !== ADJUSTMENTS_ROW_KEY).flatMap((r) => allLines(q, r.key, adjustments));
}

describe('chargeback: rows add up', () => {
  const results = new Map<string, ChargebackResult>();
  beforeAll(() => {
    for (const by of CHARGEBACK_GROUPINGS) results.set(by, runChargeback(db, query(by), ADJUSTMENTS));
  });

  it.each(CHARGEBACK_GROUPINGS)('by %s: the rows add up to the totals exactly', (by) => {
    const result = results.get(by)!;
    expect(total(result.rows.map((r) => r.usage))).toBe(result.totals.usage);
    expect(total(result.rows.map((r) => r.adjustments))).toBe(result.totals.adjustments);
    expect(total(result.rows.map((r) => r.total))).toBe(result.totals.total);
    expect(result.rows.reduce((n, r) => n + r.unratedRecords, 0)).toBe(result.totals.unratedRecords);
    for (const row of result.rows) expect(dec(row.usage).plus(row.adjustments).toFixed(2)).toBe(row.total);
  });

  it('gives every grouping the same totals: grouping never changes a price', () => {
    const tenant = results.get('tenant')!;
    expect(Number(tenant.totals.total)).toBeGreaterThan(0);
    expect(Number(tenant.totals.adjustments)).not.toBe(0);
    for (const by of CHARGEBACK_GROUPINGS) expect(results.get(by)!.totals).toEqual(tenant.totals);
  });

  it('puts adjustments no row owns on the adjustments row, and subscription discounts on their subscription', () => {
    expect(results.get('tenant')!.rows.some((r) => r.key === ADJUSTMENTS_ROW_KEY)).toBe(false);
    for (const by of ['meter', 'resourceGroup', 'tag'] as const) {
      const row = results.get(by)!.rows.find((r) => r.key === ADJUSTMENTS_ROW_KEY)!;
      expect(row.adjustments).toBe(results.get(by)!.totals.adjustments);
      expect(row.usage).toBe('0.00');
    }
    const bySubscription = results.get('subscription')!;
    const discounted = bySubscription.rows.find((r) => r.key === S2)!;
    const discount = bySubscription.adjustmentLines.filter((l) => l.adjustmentId === 'discount');
    expect(discount.length).toBeGreaterThan(0);
    expect(Number(discounted.adjustments)).not.toBe(0);
    expect(bySubscription.rows.find((r) => r.key === ADJUSTMENTS_ROW_KEY)!.adjustments)
      .toBe(total(bySubscription.adjustmentLines.filter((l) => l.subscriptionId === null).map((l) => l.amount)));
  });

  it('counts unrated usage per row and never prices it', () => {
    const byMeter = results.get('meter')!;
    const queue = byMeter.rows.find((r) => matchKey(r.key) === matchKey(QUEUE_CAPACITY))!;
    const queueTruth = truth.filter((r) => matchKey(r.meter) === matchKey(QUEUE_CAPACITY));
    expect(queue.usage).toBe('0.00');
    expect(queue.unratedRecords).toBe(queueTruth.length);
    expect(new Exact(queue.unratedQuantity!).equals(sum(queueTruth.map((r) => r.quantity)))).toBe(true);
    expect(byMeter.unrated.map((u) => [matchKey(u.meterId), u.reason]).sort()).toEqual([
      [matchKey(QUEUE_CAPACITY), 'meter-not-on-card'], [matchKey(UNKNOWN_B), 'no-price'],
    ].sort());
    for (const line of runAll('meter').filter((l) => l.line.status === 'unrated')) {
      expect(line.amount).toBeNull();
      expect(line.line.amount).toBeNull();
    }
  });
});

describe('chargeback: resource groups and tags', () => {
  it.each(['resourceGroup', 'tag'] as const)('by %s: each line is apportioned exactly to its groups', (by) => {
    const parts = runAll(by);
    const whole = new Map(runAll('subscription').map((l) => [JSON.stringify(
      [l.line.month, l.line.subscriptionId, l.line.meterId, l.line.rateCardVersion]), l]));
    const byLine = new Map<string, ChargebackLine[]>();
    for (const p of parts) {
      const key = JSON.stringify([p.line.month, p.line.subscriptionId, p.line.meterId, p.line.rateCardVersion]);
      byLine.set(key, [...byLine.get(key) ?? [], p]);
    }
    expect([...byLine.keys()].sort()).toEqual([...whole.keys()].sort());
    for (const [key, group] of byLine) {
      const line = whole.get(key)!;
      // The same price as without the grouping, and parts that add up to the line.
      expect(group[0]!.line).toEqual(line.line);
      expect(new Exact(sum(group.map((p) => p.quantity))).equals(line.quantity)).toBe(true);
      expect(group.reduce((n, p) => n + p.records, 0)).toBe(line.records);
      if (line.amount !== null) expect(total(group.map((p) => p.amount!))).toBe(line.amount);
    }
  });

  it('gives a group whose records are net negative a negative share', () => {
    const refunds = runChargeback(db, query('resourceGroup'), []).rows.find((r) => r.key === 'refunds')!;
    expect(dec(refunds.usage).isNegative()).toBe(true);
    const parts = splitByQuantity(dec('10.00'), [dec('3'), dec('-1'), dec('0'), dec('2.5')], 2);
    expect(parts.map((p) => p.toFixed(2))).toEqual(['6.67', '-2.22', '0.00', '5.55']);
    expect(total(parts.map((p) => p.toFixed(2)))).toBe('10.00');
  });

  it('groups by tag value in any case, with untagged resources apart', () => {
    const rows = runChargeback(db, query('tag'), []).rows;
    expect(rows.map((r) => r.key).sort()).toEqual(['(untagged)', 'dev', 'prod']);
    expect(rows.find((r) => r.key === 'prod')!.label).toBe('Prod');
  });
});

describe('chargeback: drill-down', () => {
  it.each([
    ['tenant', T1], ['subscription', S2], ['meter', VM_HOURS.toUpperCase()], ['resourceGroup', 'WEB-RG'],
    ['tag', 'prod'], ['tag', '(untagged)'], ['resourceGroup', '(no resource group)'],
  ] as const)('by %s, row %s: the lines add up to the row and their filters list exactly their records', (by, key) => {
    const q = query(by);
    const row = runChargeback(db, q, ADJUSTMENTS).rows.find((r) => r.key === key.toLowerCase()
      || matchKey(r.key) === matchKey(key))!;
    const lines = allLines(q, key);
    expect(total(lines.flatMap((l) => (l.amount === null ? [] : [l.amount])))).toBe(row.usage);
    expect(lines.filter((l) => l.amount === null).reduce((n, l) => n + l.records, 0)).toBe(row.unratedRecords);
    for (const l of lines) {
      expect(l.line.rateCardId).toBe(card.id);
      expect(l.line.rateCardVersion === null || [1, 2].includes(l.line.rateCardVersion)).toBe(true);
      if (l.line.status === 'rated') expect(l.line.conversion).not.toBeNull();
      const records = listUsageRecords(db, l.filter, 0, 5000);
      expect(records.total).toBe(l.records);
      expect(new Exact(sum(records.rows.map((r) => r.quantity))).equals(l.quantity)).toBe(true);
    }
  });

  it('lists the largest amounts first, unrated lines last, a block at a time', () => {
    const q = query('tenant');
    const all = allLines(q, T2);
    const amounts = all.filter((l) => l.amount !== null).map((l) => Number(l.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(all.findIndex((l) => l.amount === null)).toBeGreaterThanOrEqual(amounts.length);
    const page = chargebackLines(db, q, T2, 2, 3, ADJUSTMENTS);
    expect(page.total).toBe(all.length);
    expect(page.rows).toEqual(all.slice(2, 5));
    expect(chargebackLines(db, query('meter'), ADJUSTMENTS_ROW_KEY, 0, 10, ADJUSTMENTS)).toEqual({ rows: [], total: 0 });
    // September has no usage, but the stamps list the tenants' subscriptions: a fee gives a row without lines.
    const september = query('tenant', { period: { from: '2026-09-01', to: '2026-10-01' } });
    const fee: Adjustment = { id: 'fee', label: 'Fee', scope: { kind: 'tenant', tenantId: T2 }, type: 'one-time-fee',
      amount: '10', date: '2026-09-05' };
    expect(runChargeback(db, september, [fee]).rows).toMatchObject([{ key: T2, usage: '0.00', total: '10.00' }]);
    expect(chargebackLines(db, september, T2, 0, 10, [fee])).toEqual({ rows: [], total: 0 });
    expect(() => chargebackLines(db, september, T1, 0, 10, [fee])).toThrow(/No row/);
    expect(() => chargebackLines(db, q, 'nobody', 0, 10, ADJUSTMENTS)).toThrow(/No row "nobody"/);
  });
});

describe('chargeback: what-if and errors', () => {
  it('compares per tenant with one version pricing the whole period', () => {
    const result = whatIf(db, query('tenant'), { rateCardId: card.id, version: 1 }, ADJUSTMENTS);
    expect(result.a.versions).toEqual([1, 2]);
    expect(result.b.versions).toEqual([1]);
    const onlyV1: RateCard = { ...card, versions: [card.versions[0]!] };
    const a = runChargeback(db, query('tenant'), ADJUSTMENTS);
    const b = chargebackWithCard(db, onlyV1, query('tenant'), ADJUSTMENTS);
    for (const row of result.rows) {
      expect(row.amountA).toBe(a.rows.find((r) => r.key === row.key)!.total);
      expect(row.amountB).toBe(b.rows.find((r) => r.key === row.key)!.total);
      expect(row.difference).toBe(dec(row.amountB).minus(row.amountA).toFixed(2));
      if (row.percent !== null) {
        expect(row.percent).toBe(dec(row.difference).times(100).div(row.amountA).toDecimalPlaces(2).toFixed(2));
      }
    }
    expect(result.totals.amountA).toBe(a.totals.total);
    expect(result.totals.amountB).toBe(b.totals.total);
    // Version 2 made VM hours dearer from 31 October on: tenant T1 pays less with version 1 alone.
    expect(dec(result.rows.find((r) => r.key === T1)!.difference).isNegative()).toBe(true);
  });

  it('refuses what it cannot answer, saying why', () => {
    expect(() => runChargeback(db, { ...query('tag'), tagKey: undefined }, [])).toThrow(/tagKey is required/);
    expect(() => runChargeback(db, query('tenant', { period: { from: '2026-10-01T05:00:00Z', to: '2026-11-01' } }), []))
      .toThrow(/whole days/);
    expect(() => runChargeback(db, query('tenant', { rateCardId: 'missing' }), [])).toThrow(/no rate card/);
    const usd = storeCard(db, { name: 'Dollars', currency: 'USD', versions: [
      { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.05') }] });
    expect(() => whatIf(db, query('tenant'), { rateCardId: usd.id }, [])).toThrow(/same currency/);
  });
});
