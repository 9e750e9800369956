import { describe, expect, it } from 'vitest';
import type { MeterOverride, MeterRow } from '../../../electron/shared/domain.ts';
import { meterOverridesFileSchema } from '../../../electron/shared/schemas.ts';
import {
  filterMeters, matchesMeterSearch, meterPeriod, overridesFileText, parseOverridesFile,
} from '../../../renderer/src/stores/meters.ts';

const row = (patch: Partial<MeterRow>): MeterRow => ({
  meterId: 'b5c15376-6c94-4fdd-b655-1a69d138aca3', name: 'PageBlobCapacity', unit: 'GB*hours', service: 'Storage',
  records: 10, quantity: '1.5', firstUsage: null, lastUsage: null, known: true, deprecated: false, subscriptions: 1,
  sparkline: [], ...patch,
});

const pageBlob = row({});
const staticIp = row({ meterId: 'f271a8a388c44d93956a063e1d2fa80b', name: 'Static IP Address Usage',
  unit: 'IP addresses', service: 'Network' });
const oldDisk = row({ meterId: 'd9aac1eb-a5d1-42f2-b617-9e3ea94fed88', name: 'Managed Disk S40 (Disk * Hour)',
  unit: 'Count of Disks*hours', service: 'Managed Disks', deprecated: true });
const unknown = row({ meterId: '0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e', name: 'Unknown meter', unit: '',
  service: 'Unknown', known: false });
const ALL = [pageBlob, staticIp, oldDisk, unknown];

describe('searching meters', () => {
  it('finds a meter by a fragment of its ID written with or without hyphens, in any case', () => {
    for (const fragment of ['b5c15376-6c94', 'b5c153766c94', 'B5C15376-6C94-4FDD', '76-6c', '766c94', '1A69D138ACA3']) {
      expect(matchesMeterSearch(pageBlob, fragment), fragment).toBe(true);
    }
    // The network meter's ID has no hyphens; a fragment quoted from a hyphenated form still finds it.
    expect(matchesMeterSearch(staticIp, 'F271A8A3-88C4')).toBe(true);
    expect(matchesMeterSearch(pageBlob, 'f271a8a3')).toBe(false);
  });

  it('finds meters by name, service or unit, every word counting', () => {
    expect(ALL.filter((m) => matchesMeterSearch(m, 'storage')).map((m) => m.name)).toEqual(['PageBlobCapacity']);
    expect(ALL.filter((m) => matchesMeterSearch(m, 'GB*hours')).map((m) => m.name)).toEqual(['PageBlobCapacity']);
    expect(ALL.filter((m) => matchesMeterSearch(m, 'disk')).map((m) => m.name))
      .toEqual(['Managed Disk S40 (Disk * Hour)']);
    expect(ALL.filter((m) => matchesMeterSearch(m, 'ip network')).map((m) => m.name))
      .toEqual(['Static IP Address Usage']);
    expect(ALL.filter((m) => matchesMeterSearch(m, 'ip storage'))).toEqual([]);
    expect(ALL.filter((m) => matchesMeterSearch(m, '  '))).toHaveLength(4);
    // A lone hyphen is not an ID fragment that matches everything.
    expect(ALL.filter((m) => matchesMeterSearch(m, '-'))).toEqual([]);
  });

  it('narrows by service, deprecated and unknown meters', () => {
    const none = { search: '', service: null, deprecatedOnly: false, unknownOnly: false };
    const unknownIds = new Set([unknown.meterId]);
    expect(filterMeters(ALL, none, unknownIds)).toEqual(ALL);
    expect(filterMeters(ALL, { ...none, service: 'Network' }, unknownIds)).toEqual([staticIp]);
    expect(filterMeters(ALL, { ...none, deprecatedOnly: true }, unknownIds)).toEqual([oldDisk]);
    expect(filterMeters(ALL, { ...none, unknownOnly: true }, unknownIds)).toEqual([unknown]);
    // A meter named locally is still not in the catalog: "unknown only" keeps it under its new name.
    const named = { ...unknown, name: 'Widget hours', known: true };
    expect(filterMeters([pageBlob, named], { ...none, unknownOnly: true, search: 'widget' }, unknownIds))
      .toEqual([named]);
  });
});

describe('the meter pages\' periods', () => {
  const now = new Date('2026-03-15T18:30:00Z');

  it('are whole UTC days up to and including today', () => {
    expect(meterPeriod('all', now)).toBeUndefined();
    expect(meterPeriod('thisMonth', now)).toEqual({ from: '2026-03-01', to: '2026-03-16' });
    expect(meterPeriod('lastMonth', now)).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(meterPeriod('last30', now)).toEqual({ from: '2026-02-14', to: '2026-03-16' });
    expect(meterPeriod('lastMonth', new Date('2026-01-03T00:00:00Z'))).toEqual({ from: '2025-12-01', to: '2026-01-01' });
  });
});

describe('the local meter names file', () => {
  const overrides: MeterOverride[] = [
    { meterId: 'abcd1234ef', name: 'Widget hours', unit: 'Hours', service: null, description: 'Widgets running',
      updatedAt: '2026-11-20T10:00:00Z' },
    { meterId: 'f271a8a388c44d93956a063e1d2fa80b', name: 'Public IPs', unit: null, service: null, description: null,
      updatedAt: '2026-11-20T10:00:00Z' },
  ];

  it('is written in the format the CLI exports, and reads back to the same entries', () => {
    const text = overridesFileText(overrides);
    expect(meterOverridesFileSchema.parse(JSON.parse(text))).toEqual({
      format: 'stackmeter-meter-overrides', version: 1,
      overrides: [
        { meterId: 'abcd1234ef', name: 'Widget hours', unit: 'Hours', description: 'Widgets running' },
        { meterId: 'f271a8a388c44d93956a063e1d2fa80b', name: 'Public IPs' },
      ],
    });
    expect(parseOverridesFile('names.json', text)).toHaveLength(2);
  });

  it('is refused whole, naming the entry and field at fault', () => {
    const bad = JSON.stringify({ format: 'stackmeter-meter-overrides', version: 1,
      overrides: [{ meterId: 'aa-bb', name: 'First' }, { meterId: 'cc-dd', name: '' }] });
    expect(() => parseOverridesFile('site-b.json', bad)).toThrow('site-b.json: entry 2 field name: is required');
    expect(() => parseOverridesFile('site-b.json', '{"format": "other"')).toThrow(/^site-b\.json is not JSON/);
    expect(() => parseOverridesFile('rates.json', JSON.stringify({ format: 'rate-card', version: 1, overrides: [] })))
      .toThrow(/^rates\.json: format .*expected a Stackmeter meter overrides file/);
  });
});
