import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG, canonicalMeterId, findCatalogMeter, meterMatchKey } from '../../../electron/core/meters/catalog.ts';

describe('meter catalog', () => {
  it('ships every documented meter with an ID (84; the FAQ\'s "Custom Worker Tiers" has none)', () => {
    expect(CATALOG).toHaveLength(84);
    expect(new Set(CATALOG.map((m) => meterMatchKey(m.meterId))).size).toBe(84);
  });

  it('gives every meter a name, a unit, a service and a description, and only those facts', () => {
    for (const m of CATALOG) {
      expect(Object.keys(m).sort(), m.meterId)
        .toEqual(['deprecated', 'description', 'meterId', 'name', 'service', 'unit']);
      expect(m.meterId).toBe(m.meterId.toLowerCase());
      expect(m.name && m.unit && m.service && m.description, m.meterId).toBeTruthy();
    }
  });

  it('derives unit and service for the meters only the usage script lists', () => {
    expect(findCatalogMeter('db658d61-ef2d-4888-9843-72f5c774fd3c')).toEqual({
      meterId: 'db658d61-ef2d-4888-9843-72f5c774fd3c',
      name: 'Small Basic App Service Hours',
      unit: 'Hours',
      service: 'App Service',
      deprecated: false,
      description: expect.stringContaining('Small Basic tier'),
    });
    expect(findCatalogMeter('14496322-39cb-4d33-b67d-39b0c2de0c8e')).toMatchObject({
      unit: 'Count of Disks*month',
      service: 'Managed Disks',
      deprecated: false,
    });
    expect(findCatalogMeter('d9aac1eb-a5d1-42f2-b617-9e3ea94fed88')).toMatchObject({
      name: 'Managed Disk S40 (Disk * Hour)',
      unit: 'Count of Disks*hours',
      deprecated: true,
    });
  });

  it('matches IDs whatever their case and hyphens', () => {
    // The network meter is documented without hyphens; a producer that adds them still means the same meter.
    expect(canonicalMeterId('F271A8A3-88C4-4D93-956A-063E1D2FA80B')).toBe('f271a8a388c44d93956a063e1d2fa80b');
    expect(canonicalMeterId('B5C15376-6C94-4FDD-B655-1A69D138ACA3')).toBe('b5c15376-6c94-4fdd-b655-1a69d138aca3');
    expect(canonicalMeterId('b5c153766c944fddb6551a69d138aca3')).toBe('b5c15376-6c94-4fdd-b655-1a69d138aca3');
    expect(findCatalogMeter('F271A8A388C44D93956A063E1D2FA80B')?.name).toBe('Static IP Address Usage');
  });

  it('knows every meter of the real recording, sent upper-case (storage) or lower-case (compute, disks)', () => {
    const page = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/usage-page-2019-12-10T19.json'),
      'utf8')) as { value: { properties: { meterId: string } }[] };
    const names = Object.fromEntries([...new Set(page.value.map((r) => r.properties.meterId))]
      .map((id) => [id, findCatalogMeter(id)?.name]));
    expect(names).toEqual({
      'B5C15376-6C94-4FDD-B655-1A69D138ACA3': 'PageBlobCapacity',
      '09F8879E-87E9-4305-A572-4B7BE209F857': 'BlockBlobCapacity',
      'B4438D5D-453B-4EE1-B42A-DC72E377F1E4': 'TableCapacity',
      '6dab500f-a4fd-49c4-956d-229bb9c8c793': 'VM size hours',
      '9cd92d4c-bafd-4492-b278-bedc2de8232a': 'Windows VM Size Hours',
      'fab6eb84-500b-4a09-a8ca-7358f8bbaea5': 'Base VM Size Hours',
      '7ba084ec-ef9c-4d64-a179-7732c6cb5e28': 'ActualStandardDiskSize',
      'd5f7731b-f639-404a-89d0-e46186e22c8d': 'S10',
    });
    // The same meters written the other way round (case flipped, hyphens dropped) still match.
    for (const id of Object.keys(names)) {
      const flipped = [...id].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
      expect(findCatalogMeter(flipped.replaceAll('-', ''))?.name).toBe(names[id]);
    }
  });

  it('lower-cases IDs it does not know and keeps their hyphens', () => {
    expect(canonicalMeterId('AAAA-BBBB')).toBe('aaaa-bbbb');
    expect(findCatalogMeter('AAAA-BBBB')).toBeUndefined();
    expect(meterMatchKey('AAAA-BBBB')).toBe('aaaabbbb');
  });
});
