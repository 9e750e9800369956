import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseUsagePage, type UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { setOverride } from '../../electron/core/cache/meter-overrides.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { resourceAttributes } from '../../electron/core/resources/instance-data.ts';
import { getResourceDetail } from '../../electron/core/resources/resource-detail.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import { SECRET, addSimulator, openCore, syncAndWait } from './sync-helpers.ts';
import { errorOf } from '../support/errors.ts';
import { stampConnection } from '../support/connections.ts';

const RECORDED = readFileSync(new URL('../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');
const VM = '/subscriptions/1d6c4363-3a9b-4cb6-8e6c-fc2e9ec74ca4/resourceGroups/vaasrgd47d/providers/' +
  'Microsoft.Compute/virtualMachines/VMClient0';
const VM_HOURS = '6dab500f-a4fd-49c4-956d-229bb9c8c793';
const VM_CORE_HOURS = '9cd92d4c-bafd-4492-b278-bedc2de8232a';
const HOUR = 3600;
const DAY = 86400;
const Exact = Decimal.clone({ precision: 200 });


const sumOf = (quantities: string[]): string => quantities.reduce((t, q) => t.plus(q), new Exact(0)).toString();

/** Equal as decimals (the text may be written `1e-20` or `0.00000000000000000001`); never compared as floats. */
function expectExact(actual: string | undefined, expected: string): void {
  expect(actual, `${actual} = ${expected}`).toBeDefined();
  expect(new Exact(actual ?? 'NaN').equals(expected), `${actual} = ${expected}`).toBe(true);
}

function expectExactList(actual: string[] | undefined, expected: string[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((q, i) => expectExact(actual?.[i], q));
}

describe('resource detail', () => {
  let dir: string;
  let db: Database.Database;
  const recorded = parseUsagePage(RECORDED, 'recording').records;
  const ofVm = recorded.filter((r) => r.resourceUri === VM);
  // The recorded hour of the VM, then the same VM on later hours and days with quantities that floats cannot add.
  const later: UsageRecord[] = [];
  for (const [offset, quantity] of [[HOUR, '0.1'], [2 * HOUR, '0.2'], [DAY + 5 * HOUR, '0.30000000000000000004'],
    [3 * DAY, '1e-20']] as const) {
    for (const r of ofVm) {
      later.push({ ...r, usageStart: r.usageStart + offset, usageEnd: r.usageEnd + offset, quantityText: quantity });
    }
  }
  const all = [...ofVm, ...later];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-resources-'));
    db = openCache(join(dir, 'cache.sqlite'));
    const { id } = connections.insert(db, stampConnection('north'));
    const writer = createUsageWriter(db);
    writer.writePage(recorded, { granularity: 'Hourly', connectionId: id });
    // the later hours arrive with the resource URI in another casing, as the API sends it at times
    writer.writePage(later.map((r) => ({ ...r, resourceUri: r.resourceUri.replace('resourceGroups', 'resourcegroups') })),
      { granularity: 'Hourly', connectionId: id });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sum = (records: UsageRecord[]): string => sumOf(records.map((r) => r.quantityText));

  it('describes a VM from its instanceData, with its subscription, location and span', () => {
    const detail = getResourceDetail(db, VM.toUpperCase());
    expect(detail).toMatchObject({
      resourceUri: VM,
      subscriptionId: '1d6c4363-3a9b-4cb6-8e6c-fc2e9ec74ca4',
      resourceType: 'Microsoft.Compute/virtualMachines',
      resourceGroup: 'vaasrgd47d',
      resourceName: 'VMClient0',
      location: 'northwest',
      tags: {},
      vmSize: 'Standard_F2s',
      image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2016-Datacenter' },
      firstUsage: '2019-12-10T18:00:00Z',
      lastUsage: '2019-12-13T19:00:00Z',
    });
  });

  it('sums each meter exactly and gives one daily series per meter over the resource\'s days', () => {
    const detail = getResourceDetail(db, VM);
    const ofMeter = (meterId: string) => all.filter((r) => r.meterId.toLowerCase() === meterId);
    expect(detail.meters.map((m) => m.meterId).sort()).toEqual([VM_HOURS, VM_CORE_HOURS].sort());
    for (const meterId of [VM_HOURS, VM_CORE_HOURS]) {
      const meter = detail.meters.find((m) => m.meterId === meterId);
      expect(meter?.records).toBe(5);
      expectExact(meter?.quantity, sum(ofMeter(meterId)));
    }
    expectExact(detail.meters.find((m) => m.meterId === VM_HOURS)?.quantity, '1.60000000000000000005');

    const { series } = detail;
    expect(series.bucket).toBe('day');
    expect(series.buckets).toEqual(
      ['2019-12-10T00:00:00Z', '2019-12-11T00:00:00Z', '2019-12-12T00:00:00Z', '2019-12-13T00:00:00Z']);
    expect(series.series.map((s) => s.key)).toEqual(detail.meters.map((m) => m.meterId));
    expect(series.series.map((s) => s.label)).toEqual(detail.meters.map((m) => m.name));
    const hours = series.series.find((s) => s.key === VM_HOURS);
    expectExactList(hours?.quantities, ['1.3', '0.30000000000000000004', '0', '1e-20']);
    // every series adds up to its meter's total
    for (const s of series.series) {
      expectExact(sumOf(s.quantities), detail.meters.find((m) => m.meterId === s.key)?.quantity ?? 'missing');
    }
  });

  it('restricts meters and series to a period of whole days, with a bucket for every day of it', () => {
    const detail = getResourceDetail(db, VM, { from: '2019-12-11', to: '2019-12-15' });
    expect(detail.series.buckets).toHaveLength(4);
    expect(detail.series.buckets[0]).toBe('2019-12-11T00:00:00Z');
    const hours = detail.series.series.find((s) => s.key === VM_HOURS);
    expectExactList(hours?.quantities, ['0.30000000000000000004', '0', '1e-20', '0']);
    const meter = detail.meters.find((m) => m.meterId === VM_HOURS);
    expect(meter?.records).toBe(2);
    expectExact(meter?.quantity, '0.30000000000000000005');
    // the header still tells the resource's whole span
    expect(detail.firstUsage).toBe('2019-12-10T18:00:00Z');

    const empty = getResourceDetail(db, VM, { from: '2020-01-01', to: '2020-01-03' });
    expect(empty.meters).toEqual([]);
    expect(empty.series.series).toEqual([]);
    expect(empty.series.buckets).toEqual(['2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z']);
  });

  it('names meters by their local override', () => {
    setOverride(db, { meterId: VM_HOURS, name: 'Base VM hours', unit: 'VM hours' }, '2026-01-01T00:00:00Z');
    expect(getResourceDetail(db, VM).meters.find((m) => m.meterId === VM_HOURS))
      .toMatchObject({ name: 'Base VM hours', unit: 'VM hours' });
  });

  it('says which resource it does not know, and refuses a period that is not whole days', () => {
    const unknown = errorOf(() => getResourceDetail(db, '/subscriptions/x/resourceGroups/rg/providers/A.B/c/nope'));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('/subscriptions/x/resourceGroups/rg/providers/A.B/c/nope');
    const partial = errorOf(() => getResourceDetail(db, VM, { from: '2019-12-10T05:00:00Z', to: '2019-12-11' }));
    expect(partial.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => getResourceDetail(db, VM, { from: '2000-01-01', to: '2030-01-01' })).code)
      .toBe('INVALID_ARGUMENT');
  });

  it('reads every stored resource as its records describe it (the stored JSON round-trips)', () => {
    const rows = db.prepare(`SELECT resource_uri AS resourceUri, tags, additional_info AS additionalInfo
      FROM resources WHERE resource_uri <> ''`)
      .all() as { resourceUri: string; tags: string | null; additionalInfo: string | null }[];
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const record = recorded.find((r) => r.resourceUri.toLowerCase() === row.resourceUri.toLowerCase());
      expect(record).toBeDefined();
      if (record) expect(resourceAttributes(row)).toEqual(resourceAttributes(record));
    }
    const tagged = rows.find((r) => r.resourceUri.endsWith('ffbcdeee-8334-4691-9e2d-94c298a01e08'));
    expect(tagged && getResourceDetail(db, tagged.resourceUri).tags).toEqual({ RG: 'rg', testTag: '1' });
  });
});

describe('resource detail after a sync from the HTTPS simulator', () => {
  const NOW = new Date('2026-11-20T12:30:00Z');
  const clock = { now: () => NOW };
  const FROM = '2026-11-17';
  const TO = '2026-11-19T00:00:00Z';
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 5, tenants: 3 });
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-resources-sim-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes every synced VM as its instanceData says, with each meter summed exactly', async () => {
    const core = openCore(dir, 'sim.sqlite', clock);
    try {
      await addSimulator(core, sim);
      expect((await syncAndWait(core, { connection: 'sim', from: FROM, to: TO, granularity: 'Hourly' })).status)
        .toBe('succeeded');
      const records = [...sim.stamp.recordsForReportedRange(Date.parse(`${FROM}T00:00:00Z`), Date.parse(TO), 'Hourly')];
      const vms = sim.stamp.resourceList.filter((r) => r.kind === 'virtualMachine' &&
        records.some((x) => x.resourceUri === r.resourceUri));
      expect(vms.length).toBeGreaterThan(3);
      for (const vm of vms) {
        const detail = await core['resources:get'](vm.resourceUri);
        // the wire's instanceData, decoded here on its own: tags "null" or JSON text, additionalInfo JSON text
        const wire = (JSON.parse(vm.instanceData) as Record<string, Record<string, string>>)['Microsoft.Resources'];
        const info = JSON.parse(wire?.additionalInfo ?? '{}') as Record<string, string>;
        const tags = wire?.tags && wire.tags !== 'null' ? JSON.parse(wire.tags) as Record<string, string> : {};
        expect(detail).toMatchObject({
          subscriptionId: vm.subscriptionId,
          resourceType: 'Microsoft.Compute/virtualMachines',
          resourceName: vm.name,
          vmSize: info.ServiceType,
          image: { publisher: info.Publisher, offer: info.Offer, sku: info.Sku },
          tags,
        });
        const mine = records.filter((x) => x.resourceUri === vm.resourceUri);
        expect(detail.meters.map((m) => m.meterId).sort())
          .toEqual([...new Set(mine.map((x) => x.meterId.toLowerCase()))].sort());
        for (const meter of detail.meters) {
          const ofMeter = mine.filter((x) => x.meterId.toLowerCase() === meter.meterId);
          expect(meter.records).toBe(ofMeter.length);
          expectExact(meter.quantity, sumOf(ofMeter.map((x) => x.quantity)));
        }
        expect(detail.firstUsage).toBe(new Date(Math.min(...mine.map((x) => x.usageStartMs))).toISOString()
          .replace('.000Z', 'Z'));
      }
    } finally {
      await core.close();
    }
  });
});
