import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { getOverview } from '../../electron/core/cache/queries.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import { markMissing, watermarkAdvancer } from '../../electron/core/cache/sync-state.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { getCompleteness } from '../../electron/core/explore/completeness.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Granularity, UsageGap } from '../../electron/shared/domain.ts';
import { SECRET, addSimulator, inspect, openCore, syncAndWait } from './sync-helpers.ts';
import { errorOf } from '../support/errors.ts';
import { stampConnection } from '../support/connections.ts';

const HOUR = 3600;
// 2026-10-01T00:00Z
const T0 = Date.UTC(2026, 9, 1) / 1000;
const iso = (hour: number): string => `${new Date((T0 + hour * HOUR) * 1000).toISOString().slice(0, 19)}Z`;

const ALPHA = 'aaaaaaaa-0000-0000-0000-000000000001';
const BRAVO = 'bbbbbbbb-0000-0000-0000-000000000002';
const CHARLIE = 'cccccccc-0000-0000-0000-000000000003';
const DELTA = 'dddddddd-0000-0000-0000-000000000004';
const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const VM_HOURS = '6dab500f-a4fd-49c4-956d-229bb9c8c793';
const DISK = '380874f9-300c-48e0-95a0-d2d9a21ade8f';


function usage(subscriptionId: string, meterId: string, resource: string, hour: number, hours = 1): UsageRecord {
  return {
    subscriptionId,
    meterId,
    usageStart: T0 + hour * HOUR,
    usageEnd: T0 + (hour + hours) * HOUR,
    quantityText: '1',
    resourceUri: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/${VM_TYPE}/${resource}`,
    location: 'local',
    tags: null,
    additionalInfo: null,
  };
}

/** Hours from..to-1, without the ones listed. */
const hoursOf = (from: number, to: number, without: number[] = []): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i).filter((h) => !without.includes(h));

describe('completeness', () => {
  let dir: string;
  let db: Database.Database;
  let north: number;
  let east: number;
  const now = new Date((T0 + 80 * HOUR) * 1000);
  const threeDays = { from: '2026-10-01', to: '2026-10-04' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-completeness-'));
    db = openCache(join(dir, 'cache.sqlite'));
    north = connections.insert(db, stampConnection('north')).id;
    east = connections.insert(db, stampConnection('east')).id;
    const writer = createUsageWriter(db);
    const write = (records: UsageRecord[], connectionId: number | null, granularity: Granularity = 'Hourly') =>
      writer.writePage(records, { granularity, connectionId });

    // north, alpha: two VMs every hour of three days, except hours 30-34 and 60-61; vm2 is deleted after hour 50,
    // which is not a gap: resources come and go.
    const alphaHours = hoursOf(0, 72, [30, 31, 32, 33, 34, 60, 61]);
    write(alphaHours.flatMap((h) => [usage(ALPHA, VM_HOURS, 'vm1', h), usage(ALPHA, DISK, 'vm1', h),
      ...(h <= 50 ? [usage(ALPHA, VM_HOURS, 'vm2', h)] : [])]), north);
    // north, bravo: from hour 5 to hour 71, silent in hours 60-61 like alpha (a stamp-wide gap)
    write(hoursOf(5, 72, [60, 61]).map((h) => usage(BRAVO, VM_HOURS, 'web', h)), north);
    // east, charlie: daily usage of the first and third day only
    write([usage(CHARLIE, VM_HOURS, 'db', 0, 24), usage(CHARLIE, DISK, 'db', 0, 24), usage(CHARLIE, VM_HOURS, 'db', 48, 24)],
      east, 'Daily');
    // an import not tied to a stamp
    write(hoursOf(0, 6, [3]).map((h) => usage(DELTA, VM_HOURS, 'imported', h)), null);
    subscriptions.upsert(db, north, [
      { subscriptionId: BRAVO, displayName: 'Analytics', owner: null, tenantId: null, offerId: null, state: 'Enabled' },
    ], new Date());
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const gapsOf = (gaps: UsageGap[], stampName: string | null, subscriptionId: string | null) =>
    gaps.filter((g) => g.stamp === stampName && g.subscriptionId === subscriptionId).map((g) => [g.from, g.to, g.hours]);

  it('counts records per hour and subscription exactly as the usage rows hold them', () => {
    const result = getCompleteness(db, { period: threeDays }, now);
    expect(result.from).toBe('2026-10-01T00:00:00Z');
    expect(result.hours).toBe(72);
    const truth = db.prepare(`
      SELECT coalesce(c.name, '') AS stamp, k.subscription_id AS subscription, u.usage_start / 3600 AS hour, count(*) AS n
      FROM usage_records u JOIN subscription_keys k ON k.id = u.subscription_key
      LEFT JOIN connections c ON c.id = u.connection_id
      GROUP BY 1, 2, 3`).all() as { stamp: string; subscription: string; hour: number; n: number }[];
    const expected = new Map<string, number[]>();
    for (const t of truth) {
      const key = `${t.stamp}|${t.subscription}`;
      if (!expected.has(key)) expected.set(key, new Array<number>(72).fill(0));
      (expected.get(key) as number[])[t.hour - T0 / HOUR] = t.n;
    }
    expect(new Map(result.rows.map((r) => [`${r.stamp ?? ''}|${r.subscriptionId}`, r.counts]))).toEqual(expected);
    expect(result.rows.find((r) => r.subscriptionId === ALPHA)?.counts.slice(49, 53)).toEqual([3, 3, 2, 2]);
  });

  it('sorts rows by stamp, then by label (the display name, else the GUID); imports last', () => {
    const { rows } = getCompleteness(db, { period: threeDays }, now);
    expect(rows.map((r) => [r.stamp, r.label])).toEqual([
      ['east', CHARLIE],
      ['north', ALPHA],
      ['north', 'Analytics'],
      [null, DELTA],
    ]);
  });

  it('finds exactly the hours a subscription was silent, not the hours a resource stopped', () => {
    const { gaps } = getCompleteness(db, { period: threeDays }, now);
    expect(gapsOf(gaps, 'north', ALPHA)).toEqual([[iso(30), iso(35), 5], [iso(60), iso(62), 2]]);
    expect(gapsOf(gaps, 'north', BRAVO)).toEqual([[iso(60), iso(62), 2]]);
    expect(gapsOf(gaps, null, DELTA)).toEqual([[iso(3), iso(4), 1]]);
  });

  it('finds the hours no subscription of a stamp has records, up to its latest hour', () => {
    const { gaps, stamps } = getCompleteness(db, { period: threeDays }, now);
    expect(gapsOf(gaps, 'north', null)).toEqual([[iso(60), iso(62), 2]]);
    expect(stamps.find((s) => s.name === 'north')?.latestUsageHour).toBe(iso(71));

    // Hours after the latest one are not missing yet: a longer period adds no gap at its end...
    const longer = getCompleteness(db, { period: { from: '2026-10-01', to: '2026-10-05' } }, now);
    expect(gapsOf(longer.gaps, 'north', null)).toEqual([[iso(60), iso(62), 2]]);
    // ...but silence before the latest hour is, even at the end of the period.
    const cut = getCompleteness(db, { period: { from: iso(48), to: iso(62) } }, now);
    expect(gapsOf(cut.gaps, 'north', null)).toEqual([[iso(60), iso(62), 2]]);
    expect(gapsOf(cut.gaps, 'north', ALPHA)).toEqual([]);
  });

  it('judges daily usage day by day: a missing day is a gap, the hours between midnights are not', () => {
    const { gaps, stamps } = getCompleteness(db, { period: threeDays }, now);
    expect(gapsOf(gaps, 'east', CHARLIE)).toEqual([[iso(24), iso(48), 24]]);
    expect(gapsOf(gaps, 'east', null)).toEqual([[iso(24), iso(48), 24]]);
    expect(stamps.find((s) => s.name === 'east')?.latestUsageHour).toBe(iso(48));
  });

  it('reports the lowest watermark of the listed subscribers as synced-through', () => {
    const advance = watermarkAdvancer(db, north, 'Hourly');
    const ms = (hour: number) => (T0 + hour * HOUR) * 1000;
    expect(getCompleteness(db, { period: threeDays }, now).stamps.map((s) => s.syncedThrough)).toEqual([null, null]);
    advance(ALPHA, ms(0), ms(70));
    advance(BRAVO, ms(0), ms(65));
    advance(DELTA, ms(0), ms(10));
    expect(getCompleteness(db, { period: threeDays }, now).stamps.find((s) => s.name === 'north')?.syncedThrough)
      .toBe(iso(10));
    // a subscription the stamp no longer lists does not hold the others back
    markMissing(db, north, 'Hourly', new Set([ALPHA, BRAVO]), ms(72));
    expect(getCompleteness(db, { period: threeDays }, now).stamps.find((s) => s.name === 'north')?.syncedThrough)
      .toBe(iso(65));
    advance(BRAVO, ms(65), ms(72));
    expect(getCompleteness(db, { period: threeDays }, now).stamps.find((s) => s.name === 'north')?.syncedThrough)
      .toBe(iso(70));
    // a stamp only ever synced daily reports its daily watermarks
    watermarkAdvancer(db, east, 'Daily')(CHARLIE, ms(0), ms(72));
    expect(getCompleteness(db, { period: threeDays }, now).stamps.find((s) => s.name === 'east')?.syncedThrough)
      .toBe(iso(72));
  });

  it('shows one stamp when asked, and says which stamp it does not know', () => {
    const result = getCompleteness(db, { period: threeDays, stamp: 'NORTH' }, now);
    expect(result.stamps.map((s) => s.name)).toEqual(['north']);
    expect(new Set(result.rows.map((r) => r.stamp))).toEqual(new Set(['north']));
    expect(new Set(result.gaps.map((g) => g.stamp))).toEqual(new Set(['north']));
    const unknown = errorOf(() => getCompleteness(db, { period: threeDays, stamp: 'west' }, now));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('west');
  });

  it('takes at most 93 days and hour-aligned bounds', () => {
    const tooLong = errorOf(() => getCompleteness(db, { period: { from: '2026-07-01', to: '2026-10-03' } }, now));
    expect(tooLong.code).toBe('INVALID_ARGUMENT');
    expect(tooLong.message).toContain('94 days');
    expect(getCompleteness(db, { period: { from: '2026-07-02', to: '2026-10-03' } }, now).hours).toBe(93 * 24);
    expect(errorOf(() => getCompleteness(db, { period: { from: '2026-10-01T00:30:00Z', to: '2026-10-02' } }, now)).code)
      .toBe('INVALID_ARGUMENT');
  });

  it('lists every stamp, with nothing cached for a period without usage', () => {
    const empty = getCompleteness(db, { period: { from: '2026-09-01', to: '2026-09-02' } }, now);
    expect(empty.rows).toEqual([]);
    expect(empty.gaps).toEqual([]);
    expect(empty.stamps.map((s) => [s.name, s.latestUsageHour])).toEqual([['east', iso(48)], ['north', iso(71)]]);
  });

  describe('the overview, from the rollups', () => {
    it('counts records per stamp and gives the latest usage end, a daily record included', () => {
      const overview = getOverview(db);
      const truth = db.prepare(`
        SELECT coalesce(connection_id, 0) AS c, count(*) AS n, max(usage_end) AS e FROM usage_records GROUP BY 1`)
        .all() as { c: number; n: number; e: number }[];
      const of = (id: number) => truth.find((t) => t.c === id);
      expect(overview.records).toBe(truth.reduce((n, t) => n + t.n, 0));
      expect(overview.stamps.map((s) => [s.name, s.records, s.latestUsage])).toEqual([
        ['east', of(east)?.n, iso((of(east)?.e ?? 0) / HOUR - T0 / HOUR)],
        ['north', of(north)?.n, iso(72)],
      ]);
      // east's latest usage is the end of its last daily record, a day after that record's start hour
      expect(overview.stamps[0]?.latestUsage).toBe(iso(72));
      expect(overview.subscriptions).toBe(4);
    });

    it('ends a stamp\'s latest usage at a daily record that outlasts the hourly ones of its day', () => {
      const writer = createUsageWriter(db);
      writer.writePage([usage(BRAVO, DISK, 'web', 72, 24)], { granularity: 'Daily', connectionId: north });
      writer.writePage([usage(BRAVO, VM_HOURS, 'web', 73)], { granularity: 'Hourly', connectionId: north });
      // the latest hour with records is 73, but the daily record of that day ends at the next midnight
      expect(getCompleteness(db, { period: threeDays }, now).stamps.find((s) => s.name === 'north')?.latestUsageHour)
        .toBe(iso(73));
      expect(getOverview(db, { connection: 'north' }).stamps[0]?.latestUsage).toBe(iso(96));
    });
  });
});

describe('completeness after a sync from the HTTPS simulator', () => {
  const NOW = new Date('2026-11-20T12:30:00Z');
  const clock = { now: () => NOW };
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 11, tenants: 3 });
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-completeness-sim-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts what the sync cached, hour by hour, and reports the sync\'s watermark as synced-through', async () => {
    const core = openCore(dir, 'sim.sqlite', clock);
    try {
      await addSimulator(core, sim);
      const run = await syncAndWait(core, { connection: 'sim', from: '2026-11-17', to: '2026-11-19T00:00:00Z',
        granularity: 'Hourly' });
      expect(run.status).toBe('succeeded');
      const result = await core['usage:completeness']({ period: { from: '2026-11-15', to: '2026-11-20' } });

      const truth = inspect<{ subscription: string; hour: number; n: number }>(join(dir, 'sim.sqlite'), `
        SELECT k.subscription_id AS subscription, u.usage_start / 3600 AS hour, count(*) AS n
        FROM usage_records u JOIN subscription_keys k ON k.id = u.subscription_key
        WHERE u.usage_start >= ? AND u.usage_start < ? GROUP BY 1, 2`,
      Date.parse('2026-11-15T00:00:00Z') / 1000, Date.parse('2026-11-20T00:00:00Z') / 1000);
      const firstHour = Date.parse('2026-11-15T00:00:00Z') / 3600000;
      const expected = new Map<string, number[]>();
      for (const t of truth) {
        if (!expected.has(t.subscription)) expected.set(t.subscription, new Array<number>(5 * 24).fill(0));
        (expected.get(t.subscription) as number[])[t.hour - firstHour] = t.n;
      }
      expect(result.rows.every((r) => r.stamp === 'sim')).toBe(true);
      expect(new Map(result.rows.map((r) => [r.subscriptionId, r.counts]))).toEqual(expected);
      expect(result.rows.reduce((n, r) => n + r.counts.reduce((a, b) => a + b, 0), 0)).toBe(run.records);
      // named as the stamp lists them
      expect(result.rows.some((r) => r.label !== r.subscriptionId)).toBe(true);

      const watermarks = inspect<{ through: number }>(join(dir, 'sim.sqlite'),
        'SELECT min(reported_to) AS through FROM sync_watermarks WHERE missing_since IS NULL');
      expect(result.stamps).toEqual([{
        name: 'sim',
        latestUsageHour: expect.stringMatching(/^2026-11-1[89]T/),
        syncedThrough: new Date((watermarks[0]?.through ?? 0) * 1000).toISOString().replace('.000Z', 'Z'),
      }]);
      expect(result.stamps[0]?.syncedThrough).toBe('2026-11-19T00:00:00Z');
    } finally {
      await core.close();
    }
  });
});
