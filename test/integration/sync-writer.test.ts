import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUsagePage, type UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';

// The writer picks, record by record, the statement that suited the record before it (insert for new rows, upsert for
// cached ones). Whatever it picks, every record must be counted right and stored exactly.

const RECORDED = readFileSync(new URL('../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');
const hourly = { granularity: 'Hourly' as const, connectionId: null };

describe('the usage writer across runs of new and cached rows', () => {
  let dir: string;
  let db: Database.Database;
  let records: UsageRecord[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-sync-writer-'));
    db = openCache(join(dir, 'cache.sqlite'));
    records = parseUsagePage(RECORDED, 'recording').records;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a page that is cached up to the middle, then new, then changed', () => {
    const writer = createUsageWriter(db);
    writer.writePage(records.slice(0, 100), hourly);
    const page = records.map((r, i) => (i === 200 || i === 50 ? { ...r, quantityText: '7.25' } : r));
    // 0–99 cached (50 changed), 100–235 new (200 new too: inserted with its own quantity).
    expect(writer.writePage(page, hourly)).toEqual({ inserted: 136, updated: 1, unchanged: 99 });
    // Everything cached now: new after cached after new, in any order.
    const mixed = [...page.slice(100), ...page.slice(0, 100)].map((r, i) => (i === 3 ? { ...r, quantityText: '9' } : r));
    expect(writer.writePage(mixed, hourly)).toEqual({ inserted: 0, updated: 1, unchanged: 235 });
    expect(db.prepare("SELECT count(*) FROM usage_records WHERE quantity_text IN ('7.25', '9')").pluck().get()).toBe(3);
  });

  it('counts right with two writers on one cache (an import beside a sync)', () => {
    const sync = createUsageWriter(db);
    const importer = createUsageWriter(db);
    expect(importer.writePage(records.slice(0, 10), hourly)).toEqual({ inserted: 10, updated: 0, unchanged: 0 });
    // The sync's rows claim the imported ones for its connection: updated, counted by the sync's writer.
    db.prepare(`INSERT INTO connections (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, client_id,
      credential_type, secret_source, provider_subscription_id, created_at)
      VALUES (1, 'lab', 'https://a', 'operator', 'adfs', 'https://a/adfs', 'aud', 'c', 'secret', 'env:X', 'p', 'now')`).run();
    expect(sync.writePage(records.slice(0, 20), { granularity: 'Hourly', connectionId: 1 }))
      .toEqual({ inserted: 10, updated: 10, unchanged: 0 });
    expect(importer.writePage(records.slice(0, 20), hourly)).toEqual({ inserted: 0, updated: 0, unchanged: 20 });
    expect(db.prepare('SELECT count(*) FROM usage_records WHERE connection_id = 1').pluck().get()).toBe(20);
  });

  it('writes within a transaction the caller holds, and refuses to write outside one', () => {
    const writer = createUsageWriter(db);
    expect(() => writer.writeWithin(records, hourly)).toThrow(/needs a transaction/);
    const counts = db.transaction(() => writer.writeWithin(records, hourly))();
    expect(counts).toEqual({ inserted: 236, updated: 0, unchanged: 0 });
  });
});
