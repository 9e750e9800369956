import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { chargebackLines, runChargeback, whatIf } from '../../electron/core/chargeback/chargeback.ts';
import {
  createStatement, finalizeStatement, replayStatement,
} from '../../electron/core/chargeback/statements.ts';
import { listUsageRecords } from '../../electron/core/explore/records.ts';
import type { ChargebackQuery } from '../../electron/shared/chargeback.ts';
import type { Granularity } from '../../electron/shared/domain.ts';
import { stampConnection } from '../support/connections.ts';
import { Exact, fixtureMeters, storeCard, sum } from './chargeback-helpers.ts';
import { S1, S3, T1, VM_HOURS } from './usage-fixture.ts';

// The same usage synced hourly and daily: the rollups hold each hour twice, told apart by their granularity column.
// Three days of one VM on the east stamp (S1) and, on the west stamp, one VM (S3) whose usage may be daily only.

const HOUR = 3600;
const DAY = 86_400;
const START = Date.UTC(2026, 9, 1) / 1000;
const DAYS = 3;
const PERIOD = { from: '2026-10-01', to: '2026-11-01' };

/** Hour h's quantity: 20 fraction digits, so that any double counting or float sum shows. */
const hourly = (h: number): string => `${(h % 7) + 1}.${String(h * 7919).padStart(20, '0')}`;
const dailySum = (d: number): string =>
  sum(Array.from({ length: 24 }, (_, i) => hourly(d * 24 + i)));

let dir: string;
let caches = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-granularity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Synced {
  east?: Granularity[];
  west?: Granularity[];
}

/** A cache with the VM usage of each stamp synced at the granularities given, and a card pricing it. */
function cache(synced: Synced): { db: Database.Database; cardId: string } {
  const db = openCache(join(dir, `cache-${++caches}.sqlite`));
  const stamp = (name: string): number => connections.insert(db, stampConnection(name)).id;
  const ids = { east: stamp('east'), west: stamp('west') };
  const listed = (subscriptionId: string) =>
    ({ subscriptionId, displayName: subscriptionId, owner: 'ops@contoso.example', tenantId: T1, offerId: 'offer',
      state: 'Enabled' });
  subscriptions.upsert(db, ids.east, [listed(S1)], new Date('2026-10-01T00:00:00Z'));
  subscriptions.upsert(db, ids.west, [listed(S3)], new Date('2026-10-01T00:00:00Z'));
  const writer = createUsageWriter(db);
  const record = (subscriptionId: string, start: number, length: number, quantityText: string): UsageRecord => ({
    subscriptionId, meterId: VM_HOURS, usageStart: start, usageEnd: start + length, quantityText,
    resourceUri: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    location: 'local', tags: null, additionalInfo: null,
  });
  for (const name of ['east', 'west'] as const) {
    const subscriptionId = name === 'east' ? S1 : S3;
    for (const granularity of synced[name] ?? []) {
      const page = granularity === 'Hourly'
        ? Array.from({ length: DAYS * 24 }, (_, h) => record(subscriptionId, START + h * HOUR, HOUR, hourly(h)))
        : Array.from({ length: DAYS }, (_, d) => record(subscriptionId, START + d * DAY, DAY, dailySum(d)));
      writer.writePage(page, { granularity, connectionId: ids[name] });
    }
  }
  const cardId = storeCard(db, { name: 'Standard', versions: [
    { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.0475') },
  ] }).id;
  return { db, cardId };
}

const query = (cardId: string, extra: Partial<ChargebackQuery> = {}): ChargebackQuery =>
  ({ period: PERIOD, rateCardId: cardId, by: 'subscription', ...extra });

describe('chargeback of a stamp synced hourly and daily', () => {
  let hourlyOnly: { db: Database.Database; cardId: string };
  let both: { db: Database.Database; cardId: string };
  beforeAll(() => {
    hourlyOnly = cache({ east: ['Hourly'] });
    both = cache({ east: ['Hourly', 'Daily'] });
  });
  afterAll(() => {
    hourlyOnly.db.close();
    both.db.close();
  });

  it('counts the usage once: the same total as the hourly usage alone, from the hourly records', () => {
    const alone = runChargeback(hourlyOnly.db, query(hourlyOnly.cardId), []);
    const result = runChargeback(both.db, query(both.cardId), []);
    expect(result.granularity).toBe('Hourly');
    expect(result.totals).toEqual(alone.totals);
    expect(result.totals.total).not.toBe('0.00');
    const [line] = chargebackLines(both.db, query(both.cardId), S1, 0, 10, []).rows;
    expect(line!.records).toBe(DAYS * 24);
    expect(new Exact(line!.quantity).equals(sum(Array.from({ length: DAYS * 24 }, (_, h) => hourly(h))))).toBe(true);
    // The drill-down lists exactly the records the line rated.
    const records = listUsageRecords(both.db, line!.filter, 0, 5000);
    expect(records.total).toBe(DAYS * 24);
    expect(new Set(records.rows.map((r) => r.granularity))).toEqual(new Set(['Hourly']));
  });

  it('rates the daily records when Daily is chosen', () => {
    const result = runChargeback(both.db, query(both.cardId, { granularity: 'Daily' }), []);
    expect(result.granularity).toBe('Daily');
    // The same usage, so the same amount; but from the three daily records.
    expect(result.totals).toEqual(runChargeback(hourlyOnly.db, query(hourlyOnly.cardId), []).totals);
    const [line] = chargebackLines(both.db, query(both.cardId, { granularity: 'Daily' }), S1, 0, 10, []).rows;
    expect(line!.records).toBe(DAYS);
    expect(line!.filter.granularity).toBe('Daily');
    const records = listUsageRecords(both.db, line!.filter, 0, 5000);
    expect(records.rows.map((r) => [r.granularity, r.quantity])).toEqual(
      Array.from({ length: DAYS }, (_, d) => ['Daily', dailySum(d)]));
    expect(runChargeback(hourlyOnly.db, query(hourlyOnly.cardId, { granularity: 'Daily' }), []).totals.total)
      .toBe('0.00');
  });

  it('compares cards in a what-if on one granularity', () => {
    const result = whatIf(both.db, query(both.cardId), { rateCardId: both.cardId }, []);
    expect(result.totals.amountA).toBe(runChargeback(hourlyOnly.db, query(hourlyOnly.cardId), []).totals.total);
    expect(result.totals.difference).toBe('0.00');
  });

  it('keeps the granularity with a statement: hashed with its inputs and used again by replays', () => {
    const now = new Date('2026-11-10T00:00:00Z');
    const automatic = createStatement(both.db, { period: PERIOD, rateCardId: both.cardId }, { user: 'alice', at: now });
    const daily = createStatement(both.db, { period: PERIOD, rateCardId: both.cardId, granularity: 'Daily' },
      { user: 'alice', at: now });
    expect(automatic.granularity).toBe('Hourly');
    expect(daily.granularity).toBe('Daily');
    expect(daily.result.totals).toEqual(automatic.result.totals);
    expect(daily.inputHash).not.toBe(automatic.inputHash);
    const final = finalizeStatement(both.db, daily.id, 'October closed', { user: 'alice', at: now });
    expect(final.granularity).toBe('Daily');
    expect(final.result.lines.map((l) => l.records)).toEqual([DAYS]);
    expect(replayStatement(both.db, final.id).identical).toBe(true);
  });
});

describe('choosing the granularity', () => {
  it('takes Daily when the period has daily usage only, and Hourly when nothing is synced yet', () => {
    const daily = cache({ east: ['Daily'], west: ['Daily'] });
    const nothing = cache({});
    try {
      const result = runChargeback(daily.db, query(daily.cardId), []);
      expect(result.granularity).toBe('Daily');
      expect(result.totals.total).not.toBe('0.00');
      expect(runChargeback(nothing.db, query(nothing.cardId), []).granularity).toBe('Hourly');
    } finally {
      daily.db.close();
      nothing.db.close();
    }
  });

  it('refuses to leave out a stamp that has daily usage only, unless the granularity or the stamps are chosen', () => {
    const mixed = cache({ east: ['Hourly', 'Daily'], west: ['Daily'] });
    try {
      expect(() => runChargeback(mixed.db, query(mixed.cardId), [])).toThrow(
        /Stamp "west" has daily usage from 2026-10-01 to 2026-11-01 but no hourly usage/);
      // A custom range (read from the daily rollup) too.
      expect(() => runChargeback(mixed.db, query(mixed.cardId, { period: { from: '2026-10-02', to: '2026-10-04' } }),
        [])).toThrow(/Stamp "west" has daily usage from 2026-10-02 to 2026-10-04/);
      expect(() => createStatement(mixed.db, { period: PERIOD, rateCardId: mixed.cardId },
        { user: 'alice', at: new Date() }))
        .toThrow(/"west"/);
      expect(runChargeback(mixed.db, query(mixed.cardId, { stamps: ['east'] }), []).granularity).toBe('Hourly');
      const daily = runChargeback(mixed.db, query(mixed.cardId, { granularity: 'Daily' }), []);
      expect(daily.rows.map((r) => r.key).sort()).toEqual([S1, S3].sort());
      // Chosen, Hourly rates what there is: the west stamp has no hourly usage.
      expect(runChargeback(mixed.db, query(mixed.cardId, { granularity: 'Hourly' }), []).rows.map((r) => r.key))
        .toEqual([S1]);
    } finally {
      mixed.db.close();
    }
  });
});
