import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { seedMeterCatalog, storedCatalogVersion } from '../../electron/core/cache/meter-catalog.ts';
import {
  importOverrides, listOverrides, listUnknownMeters, setOverride,
} from '../../electron/core/cache/meter-overrides.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { listMeters } from '../../electron/core/cache/queries.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { CATALOG, CATALOG_VERSION } from '../../electron/core/meters/catalog.ts';
import { readOverridesFile } from '../../electron/cli/commands/meters.ts';

const NOW = '2026-11-20T10:00:00.000Z';
const SUB = 'aaaaaaaa-0000-0000-0000-000000000001';
const START = Date.UTC(2026, 10, 1, 5) / 1000;

const usage = (meterId: string, hour: number, quantityText: string, subscriptionId = SUB): UsageRecord => ({
  subscriptionId, meterId, usageStart: START + hour * 3600, usageEnd: START + (hour + 1) * 3600, quantityText,
  resourceUri: '/subscriptions/x/resourceGroups/rg/providers/Contoso.Widgets/widgets/w1', location: 'local',
  tags: null, additionalInfo: null,
});

describe('meter catalog, local overrides and unknown meters', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-meters-'));
    db = openCache(join(dir, 'cache.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the catalog version in the cache and re-seeds only when the shipped version changes', () => {
    expect(storedCatalogVersion(db)).toBe(CATALOG_VERSION);
    expect(seedMeterCatalog(db)).toBe(0);
    const renamed = CATALOG.map((m, i) => (i === 0 ? { ...m, name: 'Static public IPs' } : m));
    expect(seedMeterCatalog(db, renamed, 'next')).toBe(1);
    expect(storedCatalogVersion(db)).toBe('next');
    expect(listMeters(db, { seenOnly: false }).find((m) => m.meterId === CATALOG[0].meterId)?.name)
      .toBe('Static public IPs');
  });

  it('lists meters missing from the catalog as unknown with when, how much and which tenants, until named', () => {
    const other = 'bbbbbbbb-0000-0000-0000-000000000002';
    createUsageWriter(db).writePage([
      usage('ABCD-1234-EF', 0, '1.25'), usage('abcd1234ef', 30, '0.000000000000000001', other),
      usage('9E2739BA86744796B465F64674B822BA', 2, '3'),
    ], { granularity: 'Hourly', connectionId: null });

    const unknown = listUnknownMeters(db);
    expect(unknown).toEqual([{
      meterId: 'abcd-1234-ef',
      firstSeen: '2026-11-01T05:00:00Z',
      lastSeen: '2026-11-02T12:00:00Z',
      records: 2,
      quantity: '1.250000000000000001',
      tenantCount: 2,
      tenants: [
        { subscriptionId: SUB, displayName: null, tenantId: null },
        { subscriptionId: other, displayName: null, tenantId: null },
      ],
      override: null,
    }]);
    expect(listMeters(db).find((m) => m.meterId === 'abcd-1234-ef')).toMatchObject({ known: false, name: 'Unknown meter' });

    setOverride(db, { meterId: 'ABCD1234EF', name: 'Widget hours', unit: 'Hours', description: 'Widgets running' }, NOW);
    const named = listMeters(db).find((m) => m.meterId === 'abcd-1234-ef');
    expect(named).toMatchObject({ known: true, name: 'Widget hours', unit: 'Hours', service: 'Unknown',
      description: 'Widgets running' });
    expect(listUnknownMeters(db)[0].override?.name).toBe('Widget hours');

    // A catalog refresh rewrites catalog rows, never the local names.
    seedMeterCatalog(db, CATALOG, 'another');
    expect(listMeters(db).find((m) => m.meterId === 'abcd-1234-ef')?.name).toBe('Widget hours');
  });

  it('imports a shared overrides file all or none, naming the entry and field at fault', () => {
    const file = join(dir, 'overrides.json');
    writeFileSync(file, JSON.stringify({
      format: 'stackmeter-meter-overrides', version: 1,
      overrides: [{ meterId: 'aa-bb', name: 'First' }, { meterId: 'cc-dd', name: '' }],
    }));
    expect(() => readOverridesFile(file)).toThrow(/overrides\.json: entry 2 field name: is required/);
    expect(listOverrides(db)).toEqual([]);

    writeFileSync(file, JSON.stringify({
      format: 'stackmeter-meter-overrides', version: 1,
      overrides: [{ meterId: 'aa-bb', name: 'First' }, { meterId: 'CC-DD', name: 'Second', service: 'Widgets' }],
    }));
    expect(importOverrides(db, readOverridesFile(file), NOW)).toEqual({ created: 2, updated: 0 });
    expect(importOverrides(db, readOverridesFile(file), NOW)).toEqual({ created: 0, updated: 2 });
    expect(listOverrides(db).map((o) => [o.meterId, o.name, o.service])).toEqual([
      ['aa-bb', 'First', null], ['cc-dd', 'Second', 'Widgets'],
    ]);
  });
});
