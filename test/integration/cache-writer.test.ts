import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUsagePage, type UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter, type UsageWriter } from '../../electron/core/cache/usage-writer.ts';
import type { Granularity } from '../../electron/shared/domain.ts';

const RECORDED = readFileSync(new URL('../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');
const hourly = { granularity: 'Hourly' as Granularity, connectionId: null };

describe('usage writer on a cache file', () => {
  let dir: string;
  let db: Database.Database;
  let writer: UsageWriter;
  let records: UsageRecord[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-writer-'));
    db = openCache(join(dir, 'cache.sqlite'));
    writer = createUsageWriter(db);
    records = parseUsagePage(RECORDED, 'recording').records;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (sql: string): unknown => db.prepare(sql).pluck().get();

  it('stores the 236 records once: the second write of the same page changes nothing', () => {
    expect(writer.writePage(records, hourly)).toEqual({ inserted: 236, updated: 0, unchanged: 0 });
    expect(writer.writePage(records, hourly)).toEqual({ inserted: 0, updated: 0, unchanged: 236 });
    expect(count('SELECT count(*) FROM usage_records')).toBe(236);
    // a fresh writer (a restarted app) finds the same rows through the tables, not its memory
    expect(createUsageWriter(db).writePage(records, hourly)).toEqual({ inserted: 0, updated: 0, unchanged: 236 });
    expect(count('SELECT count(*) FROM usage_records')).toBe(236);
  });

  it('keeps hourly and daily aggregates of the same usage apart', () => {
    writer.writePage(records, hourly);
    expect(writer.writePage(records, { granularity: 'Daily', connectionId: null }).inserted).toBe(236);
    expect(count('SELECT count(*) FROM usage_records')).toBe(472);
  });

  it('counts a changed quantity as updated and stores the new exact text', () => {
    writer.writePage(records, hourly);
    const changed = records.map((r, i) => (i === 5 ? { ...r, quantityText: '1.000000000000000000001' } : r));
    expect(writer.writePage(changed, hourly)).toEqual({ inserted: 0, updated: 1, unchanged: 235 });
    expect(count("SELECT count(*) FROM usage_records WHERE quantity_text = '1.000000000000000000001'")).toBe(1);
  });

  it('sums the stored quantity texts exactly', () => {
    writer.writePage(records, hourly);
    // decimal.js rounds to 20 significant digits unless told otherwise; these sums need 28.
    const Exact = Decimal.clone({ precision: 100 });
    const expected = records.reduce((sum, r) => sum.plus(r.quantityText), new Exact(0)).toString();
    expect(expected).toBe('6728.315663824358622605773066');
    expect(count('SELECT decimal_sum(quantity_text) FROM usage_records')).toBe(expected);
    expect(expected).not.toBe(String(records.reduce((sum, r) => sum + Number(r.quantityText), 0)));
  });

  it('files mixed-case meter IDs under the catalog meters and adds unknown meters as seen', () => {
    const unknown = { ...records[0], meterId: 'ABCDEF01-2345-6789-ABCD-EF0123456789' };
    const sameUnknown = { ...records[1], meterId: 'abcdef0123456789abcdef0123456789' };
    writer.writePage([...records, unknown, sameUnknown], hourly);
    const bySource = (source: string) =>
      count(`SELECT count(DISTINCT meter_key) FROM usage_records u JOIN meters m ON m.id = u.meter_key WHERE m.source = '${source}'`);
    expect(bySource('catalog')).toBe(8);
    expect(bySource('seen')).toBe(1);
    expect(db.prepare("SELECT meter_id, match_key, name, unit, service, source FROM meters WHERE source = 'seen'").all()).toEqual([
      {
        meter_id: 'abcdef01-2345-6789-abcd-ef0123456789',
        match_key: 'abcdef0123456789abcdef0123456789',
        name: 'Unknown meter',
        unit: '',
        service: 'Unknown',
        source: 'seen',
      },
    ]);
    expect(count("SELECT count(*) FROM usage_records u JOIN meters m ON m.id = u.meter_key WHERE m.source = 'seen'")).toBe(2);
  });

  it('stores each resource once under its case-folded URI, with its parts, tags and additional info', () => {
    writer.writePage(records, hourly);
    const distinct = new Set(records.map((r) => r.resourceUri.toLowerCase()));
    expect(count('SELECT count(*) FROM resources')).toBe(distinct.size);
    const vm = db
      .prepare("SELECT * FROM resources WHERE resource_key LIKE '%/virtualmachines/vmserver0'")
      .get() as Record<string, string>;
    expect(vm).toMatchObject({
      resource_type: 'Microsoft.Compute/virtualMachines',
      resource_name: 'VMServer0',
      location: 'northwest',
    });
    expect(JSON.parse(vm.additional_info)).toMatchObject({ ServiceType: 'Standard_F2s' });
    expect(count("SELECT count(*) FROM resources WHERE tags = '{\"RG\":\"rg\",\"testTag\":\"1\"}'")).toBeGreaterThan(0);
  });

  it('updates resource attributes that change, and keeps known ones when a record omits them', () => {
    const r = records.find((x) => x.tags !== null)!;
    writer.writePage([r], hourly);
    writer.writePage([{ ...r, usageStart: r.usageStart + 3600, usageEnd: r.usageEnd + 3600, tags: null }], hourly);
    const tags = () => db.prepare('SELECT tags FROM resources WHERE resource_key = ?').pluck().get(r.resourceUri.toLowerCase());
    expect(tags()).toBe('{"RG":"rg","testTag":"1"}');
    writer.writePage([{ ...r, usageStart: r.usageStart + 7200, usageEnd: r.usageEnd + 7200, tags: { RG: 'other' } }], hourly);
    expect(tags()).toBe('{"RG":"other"}');
  });

  it('writes nothing of a page that fails, and recovers its key cache afterwards', () => {
    const fresh = { ...records[0], subscriptionId: '11111111-2222-3333-4444-555555555555', resourceUri: '/new/resource' };
    // An impossible granularity makes the second group's insert fail after the first group's rows went in.
    expect(() =>
      writer.writeGroups(
        [
          { records: [fresh], granularity: 'Hourly' },
          { records: [records[1]], granularity: 'Weekly' as Granularity },
        ],
        null,
      ),
    ).toThrow(/CHECK constraint failed/);
    expect(count('SELECT count(*) FROM usage_records')).toBe(0);
    expect(count('SELECT count(*) FROM subscription_keys')).toBe(0);
    // the rolled-back subscription and resource rows are not remembered: writing again recreates them
    expect(writer.writePage([fresh], hourly).inserted).toBe(1);
    expect(count('SELECT count(*) FROM subscription_keys')).toBe(1);
  });

  it('lets a synced record claim an imported row, and never detaches a row from its connection', () => {
    db.prepare(`
      INSERT INTO connections (id, name, arm_endpoint, kind, auth_type, login_endpoint, audience, client_id, secret_source,
                               provider_subscription_id, created_at)
      VALUES (7, 'stamp', 'https://a', 'operator', 'adfs', 'https://l/adfs', 'https://aud', 'c', 'session', 's', 'now')`).run();
    writer.writePage(records, hourly);
    expect(writer.writePage(records, { granularity: 'Hourly', connectionId: 7 })).toMatchObject({ updated: 236 });
    expect(writer.writePage(records, hourly)).toMatchObject({ unchanged: 236 });
    expect(count('SELECT count(*) FROM usage_records WHERE connection_id = 7')).toBe(236);
  });
});
