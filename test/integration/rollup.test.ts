import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { migrate } from '../../electron/core/cache/migrate.ts';
import { MIGRATIONS } from '../../electron/core/cache/migrations/index.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { registerDecimalSum } from '../../electron/core/cache/decimal-sum.ts';
import type { Granularity } from '../../electron/shared/domain.ts';
import { stampConnection } from '../support/connections.ts';


const SUBSCRIPTIONS = ['11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222'];
const METERS = ['FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5', '9e2739ba86744796b465f64674b822ba', 'dead-beef-0000'];
// Four days across a month end, so the monthly rollup holds two months.
const T0 = Date.UTC(2026, 8, 29) / 1000;

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function record(rnd: () => number): UsageRecord {
  const hour = Math.floor(rnd() * 24 * 4); // four days
  const start = T0 + hour * 3600;
  // quantities with many decimals, some in exponent form, some negative corrections
  const forms = [
    () => (rnd() * 100).toFixed(15),
    () => `${Math.floor(rnd() * 9) + 1}e-7`,
    () => `-${(rnd() * 3).toFixed(20)}`,
    () => String(Math.floor(rnd() * 1000)),
  ];
  return {
    subscriptionId: SUBSCRIPTIONS[Math.floor(rnd() * SUBSCRIPTIONS.length)],
    meterId: METERS[Math.floor(rnd() * METERS.length)],
    usageStart: start,
    usageEnd: start + 3600,
    quantityText: forms[Math.floor(rnd() * forms.length)](),
    resourceUri: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${Math.floor(rnd() * 3)}`,
    location: 'local',
    tags: null,
    additionalInfo: null,
  };
}

interface RollupRow { key: string; records: number; quantity: number | null; text: string | null }

const MONTH = "CAST(strftime('%Y%m', usage_start, 'unixepoch') AS INTEGER)";

/** Each rollup table beside the GROUP BY over every usage row that it must equal. */
const ROLLUPS = [
  {
    table: 'usage_daily',
    rollup: `SELECT day || '|' || connection_key || '|' || subscription_key || '|' || meter_key || '|' || resource_key
               || '|' || granularity AS key, records, quantity, quantity_text AS text FROM usage_daily`,
    truth: `SELECT (usage_start / 86400) || '|' || coalesce(connection_id, 0) || '|' || subscription_key || '|' || meter_key
              || '|' || resource_key || '|' || granularity AS key, count(*) AS records, sum(quantity) AS quantity,
              decimal_sum(quantity_text) AS text
            FROM usage_records GROUP BY key`,
  },
  {
    table: 'usage_monthly',
    rollup: `SELECT month || '|' || connection_key || '|' || subscription_key || '|' || meter_key || '|' || resource_key
               || '|' || granularity AS key, records, quantity, quantity_text AS text FROM usage_monthly`,
    truth: `SELECT ${MONTH} || '|' || coalesce(connection_id, 0) || '|' || subscription_key || '|' || meter_key
              || '|' || resource_key || '|' || granularity AS key, count(*) AS records, sum(quantity) AS quantity,
              decimal_sum(quantity_text) AS text
            FROM usage_records GROUP BY key`,
  },
  {
    table: 'usage_daily_meter',
    rollup: `SELECT day || '|' || connection_key || '|' || subscription_key || '|' || meter_key || '|' || granularity
               AS key, records, quantity, quantity_text AS text FROM usage_daily_meter`,
    truth: `SELECT (usage_start / 86400) || '|' || coalesce(connection_id, 0) || '|' || subscription_key || '|' || meter_key
              || '|' || granularity AS key, count(*) AS records, sum(quantity) AS quantity,
              decimal_sum(quantity_text) AS text
            FROM usage_records GROUP BY key`,
  },
  {
    table: 'usage_hourly_counts',
    rollup: `SELECT hour || '|' || connection_key || '|' || subscription_key AS key, records, NULL AS quantity,
               NULL AS text FROM usage_hourly_counts`,
    truth: `SELECT (usage_start / 3600) || '|' || coalesce(connection_id, 0) || '|' || subscription_key AS key,
              count(*) AS records, NULL AS quantity, NULL AS text
            FROM usage_records GROUP BY key`,
  },
];

/** Every rollup next to what a GROUP BY over every usage row gives, by table. */
function compare(db: Database.Database): Record<string, { rollup: RollupRow[]; truth: RollupRow[] }> {
  return Object.fromEntries(ROLLUPS.map((r) => [r.table, {
    rollup: db.prepare<[], RollupRow>(`${r.rollup} ORDER BY key`).all(),
    truth: db.prepare<[], RollupRow>(`${r.truth} ORDER BY key`).all(),
  }]));
}

function expectConsistent(db: Database.Database): void {
  for (const [table, { rollup, truth }] of Object.entries(compare(db))) {
    expect(rollup.map((r) => [r.key, r.records]), table).toEqual(truth.map((r) => [r.key, r.records]));
    rollup.forEach((r, i) => {
      // exact: equal as decimals and written in plain notation
      if (r.text !== null) expect(r.text, `${table} row ${i}`).toBe(new Decimal(truth[i].text!).toFixed());
      if (r.quantity !== null) expect(r.quantity).toBeCloseTo(truth[i].quantity!, 6);
    });
  }
}

/**
 * Exact texts as decimal_sum writes them, so that rows compare whatever notation wrote them; float sums to 6 places,
 * since a sum of daily sums may round differently from a sum of the rows.
 */
const normalised = (rows: RollupRow[]): RollupRow[] => rows.map((r) => ({
  ...r,
  text: r.text === null ? null : new Decimal(r.text).toFixed(),
  quantity: r.quantity === null ? null : Number(r.quantity.toFixed(6)),
}));

describe('usage rollups (daily, monthly, per meter, hourly counts)', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = openCache(':memory:');
  });
  afterEach(() => db.close());

  it('equals a GROUP BY over usage rows after random inserts, updates, claims, re-syncs and a stamp removal', () => {
    const east = connections.insert(db, stampConnection('east')).id;
    const west = connections.insert(db, stampConnection('west')).id;
    const writer = createUsageWriter(db);
    const rnd = random(42);
    const written: UsageRecord[] = [];
    for (let step = 0; step < 60; step++) {
      const page: UsageRecord[] = [];
      const size = 1 + Math.floor(rnd() * 80);
      for (let i = 0; i < size; i++) {
        const pick = rnd();
        if (pick < 0.45 || written.length === 0) page.push(record(rnd));
        else if (pick < 0.75) page.push({ ...written[Math.floor(rnd() * written.length)], quantityText: record(rnd).quantityText });
        else page.push(written[Math.floor(rnd() * written.length)]); // unchanged re-sync
      }
      written.push(...page);
      const connectionId = [null, east, west][Math.floor(rnd() * 3)];
      const granularity: Granularity = rnd() < 0.8 ? 'Hourly' : 'Daily';
      writer.writePage(page, { granularity, connectionId });
      expectConsistent(db);
    }
    expect(db.prepare('SELECT count(*) FROM usage_daily WHERE connection_key = 0').pluck().get()).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(*) FROM usage_daily WHERE connection_key = ?').pluck().get(east)).toBeGreaterThan(0);

    connections.remove(db, 'east');
    for (const { table } of ROLLUPS) {
      expect(db.prepare(`SELECT count(*) FROM ${table} WHERE connection_key = ?`).pluck().get(east), table).toBe(0);
    }
    expectConsistent(db);
  });

  it('writes nothing of a page whose transaction rolls back', () => {
    const writer = createUsageWriter(db);
    const rnd = random(7);
    writer.writePage([record(rnd), record(rnd)], { granularity: 'Hourly', connectionId: null });
    const before = compare(db);
    expect(() => db.transaction(() => {
      writer.writeWithin([record(rnd), record(rnd)], { granularity: 'Hourly', connectionId: null });
      throw new Error('network went away');
    })()).toThrow('network went away');
    writer.reset();
    expect(compare(db)).toEqual(before);
    expectConsistent(db);
  });

  it('is backfilled by the migration for a cache that already holds usage rows', () => {
    const writer = createUsageWriter(db);
    const rnd = random(3);
    writer.writePage(Array.from({ length: 200 }, () => record(rnd)), { granularity: 'Hourly', connectionId: null });
    const expected = compare(db);
    // The same rows in a version-3 cache, migrated to the current schema.
    const old = new (db.constructor as typeof Database)(':memory:');
    registerDecimalSum(old);
    migrate(old, MIGRATIONS.slice(0, 3));
    for (const table of ['subscription_keys', 'meters', 'resources']) {
      const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      for (const row of rows) {
        const cols = Object.keys(row).filter((c) => c !== 'description');
        old.prepare(`INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`)
          .run(Object.fromEntries(cols.map((c) => [c, row[c]])));
      }
    }
    const usage = db.prepare('SELECT * FROM usage_records').all() as Record<string, unknown>[];
    const cols = Object.keys(usage[0]);
    const insert = old.prepare(`INSERT INTO usage_records (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`);
    for (const row of usage) insert.run(row);
    migrate(old);
    for (const [table, { rollup }] of Object.entries(compare(old))) {
      expect(normalised(rollup), table).toEqual(normalised(expected[table].truth));
    }
    old.close();
  });
});
