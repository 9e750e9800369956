import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { exploreUsage, openExploreResult } from '../../electron/core/explore/explore.ts';
import { listUsageRecords } from '../../electron/core/explore/records.ts';
import type {
  ExploreQuery, ExploreRow, UsageDimension, UsageFilter, UsageRecordRow,
} from '../../electron/shared/domain.ts';
import { USAGE_DIMENSIONS } from '../../electron/shared/domain.ts';
import {
  fillCache, FORMULA_GROUP, groupTruth, matchKey, NEGATIVE_RESOURCE, RESOURCES, S1, S2, S3, S4, S5, serviceOf, START,
  T1, T2, TABLE_CAPACITY, truthRows, UNKNOWN_A, UNKNOWN_B, VM_HOURS, WINDOWS_HOURS, type TruthGroup, type TruthRow,
} from './usage-fixture.ts';

/** decimal.js rounds sums to 20 significant digits unless told otherwise. */
const Exact = Decimal.clone({ precision: 200 });

let dir: string;
let db: Database.Database;
let truth: TruthRow[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-explore-'));
  db = openCache(join(dir, 'explore.sqlite'));
  fillCache(db);
  truth = truthRows(db);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const day = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

/** The model's key of a truth row in one dimension, as the explorer must report it (compared case-insensitively). */
function truthKey(dim: UsageDimension, r: TruthRow, tagKey = 'env'): string {
  const res = r.resource;
  switch (dim) {
    case 'stamp': return r.stamp;
    case 'tenant': return r.tenant;
    case 'subscription': return r.subscription;
    case 'resourceGroup': return res.group ?? '(no resource group)';
    case 'resource': return res.uri === '' ? '(no resource)' : res.uri;
    case 'resourceType': return res.type ?? '(no resource type)';
    case 'location': return res.location ?? '(no location)';
    case 'tag': {
      const entry = Object.entries(res.tags ?? {}).find(([k]) => k.toLowerCase() === tagKey.toLowerCase());
      return entry ? entry[1] : '(untagged)';
    }
    case 'meter': return matchKey(r.meter);
    case 'service': return serviceOf(r.meter);
    case 'day': return day(r.start);
    case 'month': return day(r.start).slice(0, 7);
  }
}

const rowKey = (dims: UsageDimension[], keys: string[]): string =>
  keys.map((k, i) => (dims[i] === 'meter' ? matchKey(k) : k.toLowerCase())).join(' | ');

function allRows(query: ExploreQuery): { rows: ExploreRow[]; totals: ReturnType<typeof exploreUsage>['totals'] } {
  const page = exploreUsage(db, query, 0, 5000);
  expect(page.rows).toHaveLength(page.totals.groups);
  return { rows: page.rows, totals: page.totals };
}

/** Asserts the explorer's groups for a query equal the exact sums over the truth rows the predicate keeps. */
function expectTruth(query: ExploreQuery, keep: (r: TruthRow) => boolean = () => true): void {
  const dims = query.groupBy;
  const kept = truth.filter(keep);
  const expected = groupTruth(kept, (r) => rowKey(dims, dims.map((d) => truthKey(d, r, query.tagKey))));
  const { rows, totals } = allRows(query);
  const actual = new Map<string, TruthGroup>(rows.map((r) => [
    rowKey(dims, r.groups.map((g) => g.key)),
    { records: r.records, quantity: r.quantity, unit: r.unit },
  ]));
  expect(actual).toEqual(expected);
  const all = groupTruth(kept, () => 'all').get('all');
  expect(totals).toEqual({
    groups: expected.size,
    records: kept.length,
    quantity: all === undefined ? '0' : all.quantity,
    unit: all === undefined ? null : all.unit,
  });
}

describe('usage explorer: groups and totals', () => {
  it('has a usable fixture: usage on both stamps and imported, across a month end, in several units', () => {
    expect(truth.length).toBeGreaterThan(400);
    expect(new Set(truth.map((r) => r.stamp))).toEqual(new Set(['east', 'west', '(imported)']));
    expect(new Set(truth.map((r) => day(r.start).slice(0, 7)))).toEqual(new Set(['2026-10', '2026-11']));
    expect(truth.some((r) => r.granularity === 'Daily')).toBe(true);
  });

  for (const dim of USAGE_DIMENSIONS) {
    it(`groups by ${dim} alone with exact sums equal to usage_records'`, () => {
      expectTruth({ filter: {}, groupBy: [dim], tagKey: dim === 'tag' ? 'env' : undefined });
    });
  }

  it('groups by two to four dimensions', () => {
    expectTruth({ filter: {}, groupBy: ['tenant', 'meter'] });
    expectTruth({ filter: {}, groupBy: ['stamp', 'subscription', 'resourceGroup'] });
    expectTruth({ filter: {}, groupBy: ['tag', 'location', 'service', 'month'], tagKey: 'ENV' });
    expectTruth({ filter: {}, groupBy: ['day', 'resource', 'meter', 'stamp'] });
    expectTruth({ filter: {}, groupBy: ['month', 'day'] });
  });

  it('labels groups the way people know them', () => {
    const label = (dim: UsageDimension, key: string): string | undefined =>
      allRows({ filter: {}, groupBy: [dim], tagKey: 'env' }).rows
        .find((r) => r.groups[0]!.key.toLowerCase() === key.toLowerCase())?.groups[0]!.label;
    expect(label('tenant', T1)).toBe('contoso.example');
    expect(label('tenant', T2)).toBe('fabrikam.example');
    expect(label('tenant', '(unknown tenant)')).toBe('(unknown tenant)');
    expect(label('subscription', S1)).toBe('Contoso Prod');
    // Imported usage borrows the name another stamp's list gives the subscription; an unlisted one shows its GUID.
    expect(label('subscription', S5)).toBe('Fabrikam Imports');
    expect(label('subscription', S4)).toBe(S4);
    expect(label('stamp', '(imported)')).toBe('(imported)');
    expect(label('resource', RESOURCES[0]!.uri)).toBe('vm1');
    expect(label('resource', '(no resource)')).toBe('(no resource)');
    expect(label('meter', VM_HOURS)).toBe('Base VM Size Hours');
    expect(label('resourceGroup', 'web-rg')).toMatch(/^web-rg$/i);
    expect(label('tag', '(untagged)')).toBe('(untagged)');
  });

  it('sums a group only when its meters share a unit', () => {
    const byResource = new Map(allRows({ filter: {}, groupBy: ['resource'] }).rows.map((r) => [r.groups[0]!.label, r]));
    // Two meters in virtual core hours: summed.
    expect(byResource.get('vm1')).toMatchObject({ unit: 'Virtual core hours', quantity: expect.stringMatching(/^-?\d/) });
    // GB*hours beside a meter of unknown unit: nothing summed.
    expect(byResource.get('sa1')).toMatchObject({ unit: null, quantity: null });
    // Two meters of unknown unit are not the same unit.
    expect(byResource.get('vm3')).toMatchObject({ unit: null, quantity: null });
    // One meter of unknown unit alone is summed, unit ''.
    expect(byResource.get('(no resource)')).toMatchObject({ unit: '', quantity: expect.stringMatching(/^-?\d/) });
    expect(byResource.get('sa9')).toMatchObject({ unit: '', quantity: '-0.5' });
    const storage = { meters: [TABLE_CAPACITY, 'B03C6AE7B0804BFA84A322C800F315C6'] };
    const meters = allRows({ filter: storage, groupBy: ['service'] });
    expect(meters.rows[0]).toMatchObject({ unit: 'GB*hours', quantity: meters.totals.quantity });
    expect(meters.totals.unit).toBe('GB*hours');
  });
});

describe('usage explorer: periods', () => {
  const inPeriod = (from: string, to: string) => (r: TruthRow): boolean =>
    r.start >= Date.parse(`${from}T00:00:00Z`) / 1000 && r.start < Date.parse(`${to}T00:00:00Z`) / 1000;

  it('answers a range of whole months plus edge days as the per-day truth does', () => {
    for (const [from, to] of [['2026-10-30', '2026-12-01'], ['2026-10-31', '2026-11-02'], ['2026-09-01', '2026-11-01'],
      ['2026-10-31', '2026-11-01'], ['2026-11-02', '2027-01-01']]) {
      const filter: UsageFilter = { period: { from: from!, to: to! } };
      const groupings: UsageDimension[][] = [['meter'], ['month', 'meter'], ['day', 'stamp'], ['resource', 'month']];
      for (const groupBy of groupings) {
        expectTruth({ filter, groupBy }, inPeriod(from!, to!));
      }
    }
  });

  it('gives a custom range the same sums as adding up its days one by one', () => {
    const range = allRows({ filter: { period: { from: '2026-10-30', to: '2026-11-02' } }, groupBy: ['meter'] });
    const sums = new Map<string, Decimal>();
    for (const d of ['2026-10-30', '2026-10-31', '2026-11-01']) {
      const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
      for (const r of allRows({ filter: { period: { from: d, to: next } }, groupBy: ['meter'] }).rows) {
        const k = r.groups[0]!.key;
        sums.set(k, (sums.get(k) ?? new Exact(0)).plus(r.quantity!));
      }
    }
    for (const r of range.rows) expect(new Decimal(r.quantity!).equals(sums.get(r.groups[0]!.key)!)).toBe(true);
  });

  it('refuses a period that is not whole days, naming the field', () => {
    expect(() => exploreUsage(db, { filter: { period: { from: '2026-10-30T05:00:00Z', to: '2026-11-01' } },
      groupBy: ['meter'] }, 0, 10)).toThrow(/filter\.period must start and end at UTC midnight/);
  });
});

describe('usage explorer: filters', () => {
  const res = (r: TruthRow) => r.resource;
  const hasTag = (r: TruthRow, key: string): boolean => Object.keys(res(r).tags ?? {}).some((k) => k.toLowerCase() === key);
  const cases: [string, UsageFilter, (r: TruthRow) => boolean][] = [
    ['stamp (any case)', { stamps: ['EAST'] }, (r) => r.stamp === 'east'],
    ['imported usage', { stamps: ['(imported)'] }, (r) => r.stamp === '(imported)'],
    ['two stamps', { stamps: ['west', '(imported)'] }, (r) => r.stamp !== 'east'],
    ['tenant (any case, across stamps)', { tenants: [T1.toUpperCase()] }, (r) => r.tenant === T1],
    ['unknown tenant', { tenants: ['(unknown tenant)'] }, (r) => r.tenant === '(unknown tenant)'],
    ['tenant of imported usage through another stamp\'s list', { tenants: [T2] }, (r) => r.tenant === T2],
    ['subscription (upper-case GUID)', { subscriptions: [S1.toUpperCase(), S3] },
      (r) => r.subscription === S1 || r.subscription === S3],
    ['resource group (any case)', { resourceGroups: ['WEB-RG'] }, (r) => res(r).group?.toLowerCase() === 'web-rg'],
    ['resource group with a formula', { resourceGroups: [FORMULA_GROUP] }, (r) => res(r).group === FORMULA_GROUP],
    ['no resource group', { resourceGroups: ['(no resource group)'] }, (r) => res(r).group === null],
    ['resource URI (any case)', { resources: [RESOURCES[1]!.uri.toUpperCase()] }, (r) => res(r).uri === RESOURCES[1]!.uri],
    ['no resource', { resources: ['(no resource)'] }, (r) => res(r).uri === ''],
    ['resource type', { resourceTypes: ['microsoft.storage/STORAGEACCOUNTS'] },
      (r) => res(r).type === 'Microsoft.Storage/storageAccounts'],
    ['location', { locations: ['Local'] }, (r) => res(r).location?.toLowerCase() === 'local'],
    ['meter without hyphens, upper-case', { meters: [VM_HOURS.replaceAll('-', '').toUpperCase()] },
      (r) => matchKey(r.meter) === matchKey(VM_HOURS)],
    ['several meters', { meters: [WINDOWS_HOURS, UNKNOWN_B] },
      (r) => [WINDOWS_HOURS, UNKNOWN_B].map(matchKey).includes(matchKey(r.meter))],
    ['service', { services: ['compute'] }, (r) => serviceOf(r.meter) === 'Compute'],
    ['tag key (any case)', { tag: { key: 'ENV' } }, (r) => hasTag(r, 'env')],
    ['tag key and value (any case)', { tag: { key: 'env', value: 'PROD' } },
      (r) => Object.entries(res(r).tags ?? {}).some(([k, v]) => k.toLowerCase() === 'env' && v.toLowerCase() === 'prod')],
    ['untagged', { tag: { key: 'env', value: '(untagged)' } }, (r) => !hasTag(r, 'env')],
    ['tag value with a formula', { tag: { key: 'owner', value: '=HYPERLINK("http://evil.example","click")' } },
      (r) => res(r).uri === RESOURCES[0]!.uri],
    ['combined: stamp, service and period',
      { stamps: ['east'], services: ['Storage'], period: { from: '2026-10-31', to: '2026-11-01' } },
      (r) => r.stamp === 'east' && serviceOf(r.meter) === 'Storage' && day(r.start) === '2026-10-31'],
    ['combined: tenant, location and tag', { tenants: [T1], locations: ['local'], tag: { key: 'env' } },
      (r) => r.tenant === T1 && res(r).location?.toLowerCase() === 'local' && hasTag(r, 'env')],
  ];
  for (const [name, filter, keep] of cases) {
    it(`selects by ${name}`, () => {
      expect(truth.some(keep), 'the fixture has rows for this filter').toBe(true);
      expectTruth({ filter, groupBy: ['resource', 'meter'] }, keep);
      expectTruth({ filter, groupBy: ['tenant'] }, keep);
    });
  }

  it('answers NOT_FOUND naming a stamp that does not exist', () => {
    expect(() => exploreUsage(db, { filter: { stamps: ['east', 'nowhere'] }, groupBy: ['meter'] }, 0, 10))
      .toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('"nowhere"') }));
  });
});

describe('usage explorer: blocks and sorting', () => {
  const query: ExploreQuery = { filter: {}, groupBy: ['resource', 'meter', 'day'] };

  /** Reads a query block after block, as the grid does while scrolling. */
  function inBlocks(q: ExploreQuery, size: number): ExploreRow[] {
    const rows: ExploreRow[] = [];
    for (let offset = 0; ; offset += size) {
      const page = exploreUsage(db, q, offset, size);
      expect(page.offset).toBe(offset);
      rows.push(...page.rows);
      if (page.rows.length < size) return rows;
    }
  }

  it('serves blocks that concatenate to the whole result, in every sort', () => {
    const sorts: ExploreQuery['sort'][] = [undefined, { by: 'quantity' }, { by: 'records', descending: true },
      { by: 'resource' }, { by: 'day', descending: true }];
    for (const sort of sorts) {
      const q = { ...query, sort };
      const whole = exploreUsage(db, q, 0, 5000);
      expect(whole.totals.groups).toBeGreaterThan(30);
      expect(inBlocks(q, 7)).toEqual(whole.rows);
      expect(exploreUsage(db, q, whole.totals.groups, 10).rows).toEqual([]);
    }
  });

  it('orders by exact quantity, largest first, groups without a quantity last, then by records', () => {
    const { rows } = allRows({ filter: {}, groupBy: ['resource', 'day'] });
    const withQuantity = rows.filter((r) => r.quantity !== null);
    expect(rows.slice(withQuantity.length).every((r) => r.quantity === null)).toBe(true);
    for (let i = 1; i < withQuantity.length; i++) {
      const [a, b] = [new Decimal(withQuantity[i - 1]!.quantity!), new Decimal(withQuantity[i]!.quantity!)];
      expect(a.gte(b)).toBe(true);
      if (a.equals(b)) expect(withQuantity[i - 1]!.records).toBeGreaterThanOrEqual(withQuantity[i]!.records);
    }
    const ascending = allRows({ filter: {}, groupBy: ['resource', 'day'], sort: { by: 'quantity' } }).rows;
    expect(ascending.at(-1)!.quantity).toBeNull();
    expect(new Decimal(ascending[0]!.quantity!).lte(ascending[1]!.quantity!)).toBe(true);
  });

  it('orders by a dimension\'s label (chronologically for days) or by records', () => {
    const byDay = allRows({ filter: {}, groupBy: ['day', 'meter'], sort: { by: 'day' } }).rows
      .map((r) => r.groups[0]!.label);
    expect(byDay).toEqual([...byDay].sort());
    const byName = allRows({ filter: {}, groupBy: ['resource'], sort: { by: 'resource', descending: true } }).rows
      .map((r) => r.groups[0]!.label.toLowerCase());
    expect(byName).toEqual([...byName].sort().reverse());
    const byRecords = allRows({ filter: {}, groupBy: ['subscription'], sort: { by: 'records' } }).rows
      .map((r) => r.records);
    expect(byRecords).toEqual([...byRecords].sort((a, b) => a - b));
    expect(() => exploreUsage(db, { filter: {}, groupBy: ['meter'], sort: { by: 'tenant' } }, 0, 10))
      .toThrow(/not grouped by it/);
  });

  it('sees new usage at once and keeps only a few results in TEMP tables', () => {
    const q: ExploreQuery = { filter: {}, groupBy: ['subscription'] };
    const before = exploreUsage(db, q, 0, 100).totals;
    const temp = () =>
      db.prepare("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'explore_%'").pluck().get() as number;
    for (const groupBy of [['meter'], ['stamp'], ['tenant'], ['location'], ['service'], ['month']] as UsageDimension[][]) {
      exploreUsage(db, { filter: {}, groupBy, sort: { by: 'records' } }, 0, 10);
    }
    expect(temp()).toBeLessThanOrEqual(8);
    createUsageWriter(db).writePage([{
      subscriptionId: S4, meterId: UNKNOWN_A, usageStart: START + 80 * 3600, usageEnd: START + 81 * 3600,
      quantityText: '2.25', resourceUri: NEGATIVE_RESOURCE.uri, location: 'local', tags: null, additionalInfo: null,
    }], { granularity: 'Hourly', connectionId: null });
    const after = exploreUsage(db, q, 0, 100).totals;
    expect(after.records).toBe(before.records + 1);
    truth = truthRows(db);
    expectTruth(q);
  });
});

describe('usage explorer: a result held by an export', () => {
  it('stays readable while new usage arrives and is dropped once let go', () => {
    const q: ExploreQuery = { filter: {}, groupBy: ['resource', 'day'], sort: { by: 'day' } };
    const held = openExploreResult(db, q);
    const first = held.read(0, 5);
    const tables = () => db.prepare("SELECT name FROM temp.sqlite_master WHERE name LIKE 'explore_%'").pluck().all();
    createUsageWriter(db).writePage([{
      subscriptionId: S4, meterId: UNKNOWN_B, usageStart: START + 3600, usageEnd: START + 7200, quantityText: '1',
      resourceUri: NEGATIVE_RESOURCE.uri, location: 'local', tags: null, additionalInfo: null,
    }], { granularity: 'Hourly', connectionId: null });
    // The next query sees the new record and retires every older result, but not the one still held.
    expect(exploreUsage(db, q, 0, 1).totals.records).toBe(held.totals.records + 1);
    expect(held.read(0, 5)).toEqual(first);
    const whileHeld = tables();
    held.release();
    exploreUsage(db, { filter: {}, groupBy: ['meter'] }, 0, 1);
    expect(tables().length).toBeLessThan(whileHeld.length);
    truth = truthRows(db);
  });
});

describe('usage record lists', () => {
  const ORDER = (a: TruthRow, b: TruthRow): number => a.start - b.start;

  function allRecords(filter: UsageFilter): UsageRecordRow[] {
    const rows: UsageRecordRow[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = listUsageRecords(db, filter, offset, 50);
      rows.push(...page.rows);
      if (page.rows.length < 50) return rows;
    }
  }

  it('lists the records of a chart bar (meter, hour, subscription) with every dimension resolved', () => {
    const hour = truth.find((r) => r.resource === RESOURCES[0] && matchKey(r.meter) === matchKey(VM_HOURS)
      && r.granularity === 'Hourly')!;
    const from = new Date(hour.start * 1000).toISOString().replace('.000', '');
    const to = new Date((hour.start + 3600) * 1000).toISOString().replace('.000', '');
    const filter: UsageFilter = { meters: [VM_HOURS], subscriptions: [S1], period: { from, to } };
    const expected = truth.filter((r) => r.subscription === S1 && matchKey(r.meter) === matchKey(VM_HOURS)
      && r.start === hour.start);
    const page = listUsageRecords(db, filter, 0, 100);
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.quantity).sort()).toEqual(expected.map((r) => r.quantity).sort());
    const vm1 = page.rows.find((r) => r.resourceUri === RESOURCES[0]!.uri)!;
    expect(vm1).toMatchObject({
      usageStart: from, usageEnd: to, granularity: 'Hourly', stamp: 'east', subscriptionId: S1,
      subscriptionName: 'Contoso Prod', tenantId: T1, meterId: VM_HOURS, meterName: 'Base VM Size Hours',
      unit: 'Virtual core hours', resourceGroup: 'web-rg', location: 'local',
      tags: { Env: 'Prod', owner: '=HYPERLINK("http://evil.example","click")' },
    });
  });

  it('resolves imported records through another stamp\'s list, or not at all', () => {
    const imported = allRecords({ stamps: ['(imported)'] });
    expect(imported).toHaveLength(truth.filter((r) => r.stamp === '(imported)').length);
    expect(imported.find((r) => r.subscriptionId === S5)).toMatchObject({ stamp: null, tenantId: T2,
      subscriptionName: 'Fabrikam Imports', resourceUri: '', resourceGroup: null, tags: null });
    expect(imported.find((r) => r.subscriptionId === S4)).toMatchObject({ tenantId: null, subscriptionName: null });
  });

  it('pages oldest first and counts exactly, for whole days, partial days and everything', () => {
    const filters: [UsageFilter, (r: TruthRow) => boolean][] = [
      [{}, () => true],
      [{ period: { from: '2026-10-30T05:00:00Z', to: '2026-11-01T07:00:00Z' } },
        (r) => r.start >= START + 5 * 3600 && r.start < START + 55 * 3600],
      [{ period: { from: '2026-10-31T22:00:00Z', to: '2026-11-01T02:00:00Z' }, stamps: ['east'] },
        (r) => r.start >= START + 46 * 3600 && r.start < START + 50 * 3600 && r.stamp === 'east'],
      [{ period: { from: '2026-10-31', to: '2026-12-01' }, resourceGroups: ['web-rg'] },
        (r) => r.start >= START + 86400 && r.resource.group?.toLowerCase() === 'web-rg'],
      [{ period: { from: '2026-10-30T12:00:00Z', to: '2026-11-02' }, meters: [TABLE_CAPACITY], tenants: [T2] },
        (r) => r.start >= START + 12 * 3600 && matchKey(r.meter) === matchKey(TABLE_CAPACITY) && r.tenant === T2],
      [{ subscriptions: [S2, S3], tag: { key: 'env' } }, (r) => r.subscription === S3],
    ];
    for (const [filter, keep] of filters) {
      const expected = truth.filter(keep).sort(ORDER);
      expect(listUsageRecords(db, filter, 0, 1).total, JSON.stringify(filter)).toBe(expected.length);
      const rows = allRecords(filter);
      expect(rows).toHaveLength(expected.length);
      const starts = rows.map((r) => Date.parse(r.usageStart) / 1000);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(rows.map((r) => r.quantity).sort()).toEqual(expected.map((r) => r.quantity).sort());
    }
  });

  it('reads a one-meter list through the meter index without sorting', () => {
    const meter = db.prepare('SELECT id FROM meters WHERE meter_id = ?').pluck().get(VM_HOURS) as number;
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM usage_records WHERE meter_key = ? AND usage_start >= ?
      AND usage_start < ? ORDER BY usage_start, subscription_key, meter_key, usage_end, resource_key, granularity LIMIT 10`)
      .all(meter, START, START + 3600) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/usage_records_by_meter/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    expect(listUsageRecords(db, { meters: [UNKNOWN_A], period: { from: '2026-10-30', to: '2026-10-31' } }, 0, 5)
      .rows.every((r) => r.meterId.replaceAll('-', '') === matchKey(UNKNOWN_A))).toBe(true);
  });
});
