import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal as BaseDecimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterMatchKey } from '../../electron/core/meters/catalog.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { OTHER_SERIES_KEY, type MeterRow, type UsagePeriod } from '../../electron/shared/domain.ts';
import { rejectionOf } from '../support/errors.ts';
import * as helpers from './sync-helpers.ts';
import { SECRET } from './sync-helpers.ts';

// A fixed clock shared by the stamp and the core, so that every record is the same on each run.
const NOW = new Date('2026-11-20T12:30:00Z');
const clock = { now: () => NOW };
const DAY = 86400;
/** A meter the catalog does not know, imported from a page shaped like the real recording. */
const UNKNOWN_METER = '0A0A0A0A-1B1B-2C2C-3D3D-4E4E4E4E4E4E';
// Exact sums need every digit: decimal.js rounds to 20 significant digits by default.
const Decimal = BaseDecimal.clone({ precision: 1000, toExpNeg: -1000, toExpPos: 1000 });

let sim: RunningSimulator;
let dir: string;
let core: Core;
let dbPath: string;

/** One cached usage record with its dimensions resolved, read straight from usage_records: the truth to compare to. */
interface Truth {
  matchKey: string;
  subscriptionId: string;
  tenant: string | null;
  start: number;
  end: number;
  quantity: string;
  resourceUri: string;
  resourceGroup: string | null;
}

let records: Truth[];

beforeAll(async () => {
  // Ten tenants give more subscriptions than a chart stacks apart, so "Other" appears.
  sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 11, tenants: 10 });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-meter-detail-'));
  dbPath = join(dir, 'cache.sqlite');
  core = helpers.openCore(dir, 'cache.sqlite', clock);
  await helpers.addSimulator(core, sim);
  const hourly = await helpers.syncAndWait(core,
    { connection: 'sim', from: '2026-11-16', to: '2026-11-19T06:00:00Z', granularity: 'Hourly' });
  const daily = await helpers.syncAndWait(core,
    { connection: 'sim', from: '2026-11-10', to: '2026-11-15', granularity: 'Daily' });
  expect([hourly.status, daily.status]).toEqual(['succeeded', 'succeeded']);

  // A page of the real recording (December 2019, mixed-case meter IDs, no stamp) and a copy of it under a meter the
  // catalog does not know.
  const page = readFileSync(join(import.meta.dirname, '../fixtures/usage-page-2019-12-10T19.json'), 'utf8');
  const unknownPage = JSON.parse(page) as { value: { properties: { meterId: string } }[] };
  unknownPage.value = unknownPage.value.slice(0, 20);
  for (const r of unknownPage.value) r.properties.meterId = UNKNOWN_METER;
  const unknownFile = join(dir, 'unknown.json');
  writeFileSync(unknownFile, JSON.stringify(unknownPage));
  await core.importFiles([join(import.meta.dirname, '../fixtures/usage-page-2019-12-10T19.json'), unknownFile]);

  const db = new Database(dbPath, { readonly: true });
  try {
    records = db.prepare(`
      SELECT m.match_key AS matchKey, k.subscription_id AS subscriptionId,
             (SELECT max(tenant_id) FROM subscriptions s WHERE s.subscription_id = k.subscription_id) AS tenant,
             u.usage_start AS start, u.usage_end AS end, u.quantity_text AS quantity, r.resource_uri AS resourceUri,
             r.resource_group AS resourceGroup
      FROM usage_records u JOIN meters m ON m.id = u.meter_key JOIN subscription_keys k ON k.id = u.subscription_key
      JOIN resources r ON r.id = u.resource_key`).all() as Truth[];
  } finally {
    db.close();
  }
});

afterAll(async () => {
  await core?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const seconds = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000;
const inPeriod = (period?: UsagePeriod) => (r: Truth): boolean =>
  period === undefined || (r.start >= seconds(period.from) && r.start < seconds(period.to));
const ofMeter = (meterId: string) => (r: Truth): boolean => r.matchKey === meterMatchKey(meterId);
const sum = (rows: Truth[]): string => rows.reduce((t, r) => t.plus(r.quantity), new Decimal(0)).toString();
const exact = (text: string): string => new Decimal(text).toString();

/** Groups rows by a key and sums each group exactly, largest first. */
function sums(rows: Truth[], key: (r: Truth) => string): Map<string, { records: number; quantity: string }> {
  const groups = new Map<string, Truth[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return new Map([...groups].map(([k, g]) => [k, { records: g.length, quantity: sum(g) }]));
}

describe('meter list', () => {
  it('counts records, exact quantities, subscriptions and the usage span of every meter, as the raw records say', async () => {
    const meters = await core['meters:list']();
    const byMeter = sums(records, (r) => r.matchKey);
    expect(meters.map((m) => meterMatchKey(m.meterId)).sort()).toEqual([...byMeter.keys()].sort());
    for (const m of meters) {
      const mine = records.filter(ofMeter(m.meterId));
      expect({ id: m.meterId, records: m.records, quantity: exact(m.quantity),
        subscriptions: m.subscriptions, first: m.firstUsage, last: m.lastUsage })
        .toEqual({ id: m.meterId, records: mine.length, quantity: sum(mine),
          subscriptions: new Set(mine.map((r) => r.subscriptionId)).size,
          first: new Date(Math.min(...mine.map((r) => r.start)) * 1000).toISOString().replace('.000', ''),
          last: new Date(Math.max(...mine.map((r) => r.end)) * 1000).toISOString().replace('.000', '') });
    }
  });

  it('draws a sparkline of at most 62 points over the meter\'s span, folding long spans into runs of days', async () => {
    const meters = await core['meters:list']();
    for (const m of meters) {
      const days = (seconds(m.lastUsage!.slice(0, 10)) - seconds(m.firstUsage!.slice(0, 10))) / DAY + 1;
      // A meter seen both in the 2019 recording and in this month's sync spans years: one point per run of days.
      const run = Math.ceil(days / 62);
      expect(m.sparkline, m.meterId).toHaveLength(Math.ceil(days / run));
      expect(m.sparkline!.length).toBeLessThanOrEqual(62);
      if (run === 1) {
        const total = m.sparkline!.reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(Number(m.quantity), 3);
      }
    }
    const longest = meters.find((m) => m.meterId === 'b5c15376-6c94-4fdd-b655-1a69d138aca3');
    expect(longest?.sparkline).toHaveLength(62);
  });

  it('restricts everything to a period of whole days, with one sparkline point per day', async () => {
    const period = { from: '2026-11-12', to: '2026-11-18' };
    const meters = await core['meters:list']({ period });
    const inside = records.filter(inPeriod(period));
    expect(meters.map((m) => meterMatchKey(m.meterId)).sort()).toEqual([...sums(inside, (r) => r.matchKey).keys()].sort());
    for (const m of meters) {
      const mine = inside.filter(ofMeter(m.meterId));
      expect([m.meterId, m.records, exact(m.quantity)]).toEqual([m.meterId, mine.length, sum(mine)]);
      expect(m.sparkline).toHaveLength(6);
    }
    // Ninety-three days fold into runs of two days: 47 points, each the mean per day of its run (the last run is one
    // day), as the day series of the same period says.
    const long = { from: '2026-09-01', to: '2026-12-03' };
    const folded = await core['meters:list']({ period: long });
    expect(folded.every((m) => m.sparkline?.length === 47)).toBe(true);
    const meter = folded.reduce((a, b) => (b.records > a.records ? b : a));
    const days = await core['meters:series']({ meterId: meter.meterId, period: long, bucket: 'day', stackBy: 'tenant' });
    const perDay = days.buckets.map((_, i) => days.series.reduce((t, s) => t + Number(s.quantities[i]), 0));
    const means = meter.sparkline!.map((_, i) => {
      const run = perDay.slice(2 * i, 2 * i + 2);
      return run.reduce((a, b) => a + b, 0) / run.length;
    });
    meter.sparkline!.forEach((point, i) => expect(point).toBeCloseTo(means[i]!, 6));
    expect(means.some((m) => m > 0)).toBe(true);
  });

  it('lists catalog meters without usage with a flat sparkline, and flags deprecated and unknown meters', async () => {
    const all = await core['meters:list']({ seenOnly: false, period: { from: '2026-11-12', to: '2026-11-14' } });
    const unused = all.find((m) => m.records === 0)!;
    expect(unused).toMatchObject({ quantity: '0', subscriptions: 0, firstUsage: null, sparkline: [0, 0] });
    expect(all.some((m) => m.deprecated)).toBe(true);
    const seen = await core['meters:list']();
    expect(seen.find((m) => m.meterId === UNKNOWN_METER.toLowerCase())).toMatchObject({
      known: false, name: 'Unknown meter', deprecated: false,
      records: records.filter(ofMeter(UNKNOWN_METER)).length,
    });
  });

  it('refuses a period that does not fall on whole days', async () => {
    const err = await rejectionOf(() => core['meters:list']({
      period: { from: '2026-11-12T05:00:00Z', to: '2026-11-14' },
    }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/whole days/);
  });
});

describe('meter detail', () => {
  it('ranks tenants, subscriptions, resource groups and resources by their exact use of the meter', async () => {
    const period = { from: '2026-11-16', to: '2026-11-20' };
    const meters = await core['meters:list']({ period });
    const busiest = meters.reduce((a, b) => (b.records > a.records ? b : a));
    const detail = await core['meters:detail']({ meterId: busiest.meterId.toUpperCase(), period, stamp: 'sim' });
    expect(detail.meter).toEqual(busiest);
    expect(detail.unitExplanation).toMatch(/^One unit/);

    const mine = records.filter(inPeriod(period)).filter(ofMeter(busiest.meterId));
    const expectTop = (actual: { key: string; records: number; quantity: string }[], key: (r: Truth) => string) => {
      const truth = [...sums(mine, key)].sort(([, a], [, b]) => new Decimal(b.quantity).cmp(a.quantity));
      expect(actual.length).toBe(Math.min(10, truth.length));
      expect(actual.map((t) => [t.key, t.records, exact(t.quantity)]))
        .toEqual(truth.slice(0, 10).map(([k, v]) => [k, v.records, v.quantity]));
    };
    expectTop(detail.top.subscriptions, (r) => r.subscriptionId);
    expectTop(detail.top.tenants, (r) => r.tenant!.toLowerCase());
    expectTop(detail.top.resourceGroups.map((g) => ({ ...g, key: g.key.toLowerCase() })),
      (r) => r.resourceGroup!.toLowerCase());
    expectTop(detail.top.resources, (r) => r.resourceUri);
    // Tenants are named by their owners' domain, subscriptions by their display name.
    const tenant = sim.stamp.tenants.find((t) => t.tenantId.toLowerCase() === detail.top.tenants[0]!.key)!;
    expect(detail.top.tenants[0]!.label).toBe(tenant.domain.toLowerCase());
    const subscription = sim.stamp.subscriptions.find((s) => s.subscriptionId === detail.top.subscriptions[0]!.key)!;
    expect(detail.top.subscriptions[0]!.label).toBe(subscription.displayName);
  });

  it('explains an unknown meter and puts its imported usage under "(unknown tenant)"', async () => {
    const detail = await core['meters:detail']({ meterId: UNKNOWN_METER.replaceAll('-', '').toLowerCase() });
    expect(detail.meter).toMatchObject({ meterId: UNKNOWN_METER.toLowerCase(), known: false,
      records: records.filter(ofMeter(UNKNOWN_METER)).length });
    expect(detail.unitExplanation).toMatch(/unit is unknown/);
    expect(detail.top.tenants.map((t) => [t.key, t.label])).toEqual([['(unknown tenant)', '(unknown tenant)']]);
  });

  it('says which meter does not exist, and which stamp', async () => {
    const err = await rejectionOf(() => core['meters:detail']({ meterId: 'ffffffff-0000-0000-0000-00000000ffff' }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('ffffffff-0000-0000-0000-00000000ffff');
    const stamp = await rejectionOf(() => core['meters:detail']({ meterId: UNKNOWN_METER, stamp: 'nowhere' }));
    expect([stamp.code, stamp.message]).toEqual(['NOT_FOUND', expect.stringContaining('nowhere')]);
  });
});

describe('meter series', () => {
  const busiestIn = async (period: UsagePeriod): Promise<MeterRow> =>
    (await core['meters:list']({ period })).reduce((a, b) => (b.subscriptions! > a.subscriptions! ? b : a));

  /** Every bucket's total over the series equals the raw records starting in it. */
  function expectBucketsExact(buckets: string[], series: { quantities: string[] }[], rows: Truth[], end: number) {
    buckets.forEach((start, i) => {
      const to = i + 1 < buckets.length ? seconds(buckets[i + 1]!) : end;
      const total = series.reduce((t, s) => t.plus(s.quantities[i]!), new Decimal(0)).toString();
      expect([start, total]).toEqual([start, sum(rows.filter((r) => r.start >= seconds(start) && r.start < to))]);
    });
  }

  it('gives every day of the period, stacked by the twelve largest subscriptions and "Other", exactly', async () => {
    const period = { from: '2026-11-09', to: '2026-11-20' };
    const meter = await busiestIn(period);
    expect(meter.subscriptions).toBeGreaterThan(12);
    const series = await core['meters:series']({ meterId: meter.meterId, period, bucket: 'day', stackBy: 'subscription' });
    expect(series.unit).toBe(meter.unit);
    expect(series.buckets).toHaveLength(11);
    expect(series.buckets[0]).toBe('2026-11-09T00:00:00Z');
    expect(series.series).toHaveLength(13);
    expect(series.series.at(-1)).toMatchObject({ key: OTHER_SERIES_KEY, label: 'Other' });
    const mine = records.filter(inPeriod(period)).filter(ofMeter(meter.meterId));
    expectBucketsExact(series.buckets, series.series, mine, seconds(period.to));
    // The members are the largest subscriptions, largest first.
    const bySubscription = [...sums(mine, (r) => r.subscriptionId)]
      .sort(([, a], [, b]) => new Decimal(b.quantity).cmp(a.quantity)).map(([k]) => k);
    expect(series.series.slice(0, 12).map((s) => s.key)).toEqual(bySubscription.slice(0, 12));
  });

  it('stacks by tenant, and folds days into calendar months', async () => {
    const meter = await busiestIn({ from: '2026-11-01', to: '2026-12-01' });
    const byTenant = await core['meters:series']({ meterId: meter.meterId, bucket: 'day', stackBy: 'tenant' });
    const mine = records.filter(ofMeter(meter.meterId));
    expect(byTenant.series.map((s) => s.key).sort())
      .toEqual([...new Set(mine.map((r) => r.tenant?.toLowerCase() ?? '(unknown tenant)'))].sort());

    const months = await core['meters:series']({
      meterId: meter.meterId, bucket: 'month', stackBy: 'tenant', period: { from: '2026-10-20', to: '2026-12-10' },
    });
    expect(months.buckets).toEqual(['2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z']);
    expectBucketsExact(months.buckets, months.series, mine.filter(inPeriod({ from: '2026-10-20', to: '2026-12-10' })),
      seconds('2026-12-10'));
  });

  it('reads hour buckets from the raw records over an hour-aligned period, and refuses more than 31 days', async () => {
    const period = { from: '2026-11-17T05:00:00Z', to: '2026-11-18T07:00:00Z' };
    const meter = await busiestIn({ from: '2026-11-17', to: '2026-11-19' });
    const series = await core['meters:series']({ meterId: meter.meterId, period, bucket: 'hour', stackBy: 'tenant' });
    expect(series.buckets).toHaveLength(26);
    expect(series.buckets[0]).toBe('2026-11-17T05:00:00Z');
    expectBucketsExact(series.buckets, series.series, records.filter(inPeriod(period)).filter(ofMeter(meter.meterId)),
      seconds(period.to));

    const tooLong = await rejectionOf(() => core['meters:series']({
      meterId: meter.meterId, bucket: 'hour', stackBy: 'tenant', period: { from: '2026-10-01', to: '2026-11-02' },
    }));
    expect([tooLong.code, tooLong.message]).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/day buckets/)]);
    // Without a period the meter's cached span counts: the recording's 2019 hour makes it years long.
    const cached = await rejectionOf(() => core['meters:series']({
      meterId: 'B5C15376-6C94-4FDD-B655-1A69D138ACA3', bucket: 'hour', stackBy: 'tenant',
    }));
    expect(cached.code).toBe('INVALID_ARGUMENT');
    const unaligned = await rejectionOf(() => core['meters:series']({
      meterId: meter.meterId, bucket: 'day', stackBy: 'tenant', period,
    }));
    expect(unaligned.message).toMatch(/whole days/);
  });
});
