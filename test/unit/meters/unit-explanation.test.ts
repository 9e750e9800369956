import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { CATALOG, findCatalogMeter } from '../../../electron/core/meters/catalog.ts';
import { explainUnit } from '../../../electron/core/meters/unit-explanation.ts';

const GENERIC = /^Quantities are in /;

/** A catalog meter's explanation, by name and unit (some names exist in an hourly and a monthly form). */
function explain(name: string, unit?: string): string {
  const meter = CATALOG.find((m) => m.name === name && (unit === undefined || m.unit === unit));
  if (!meter) throw new Error(`no catalog meter ${name} ${unit ?? ''}`);
  return explainUnit(meter);
}

describe('a meter\'s unit in words', () => {
  it('explains every unit of the catalog specifically, never with the fallback', () => {
    for (const m of CATALOG) {
      const text = explainUnit(m);
      expect(text, `${m.name} (${m.unit})`).not.toMatch(GENERIC);
      expect(text).toContain(m.unit);
    }
  });

  it('explains GB×hours as gigabytes held for an hour, summing to GB-hours over a month', () => {
    const text = explain('PageBlobCapacity');
    expect(text).toContain('one gigabyte of data in storage accounts held for one hour');
    expect(text).toMatch(/gigabyte-hours: divide it by the hours in the month \(720 .* 744/);
  });

  it('explains disk×month as a fraction of the month per hour, as the real recording emits it', () => {
    const text = explain('S10', 'Count of Disks*month');
    expect(text).toContain('one disk held for a whole calendar month');
    expect(text).toContain('1/744');
    // December 2019 in the real recording: one S10 disk's hour is 1/744 of the month, so 744 hours make one disk-month.
    const page = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/usage-page-2019-12-10T19.json'),
      'utf8')) as { value: { properties: { meterId: string; quantity: number } }[] };
    const s10 = page.value.find((r) => findCatalogMeter(r.properties.meterId)?.name === 'S10')!;
    expect(new Decimal(String(s10.properties.quantity)).times(744).toDecimalPlaces(12).toString()).toBe('1');

    expect(explain('ActualStandardDiskSize', 'GB*month')).toContain('10 gigabytes kept all month sum to 10');
  });

  it('says that daily IP and database records are already multiplied by the hours', () => {
    for (const name of ['Static IP Address Usage', 'DatabaseSizeHourSqlMeter']) {
      expect(explain(name)).toContain('a daily record is already multiplied by the hours of the day');
    }
    expect(explain('Static IP Address Usage')).toContain('one IP address held all day reports 24');
    expect(explain('DatabaseSizeHourSqlMeter')).toContain('one megabyte of database size held for one hour');
  });

  it('explains requests counted in blocks and compute hours with worked numbers', () => {
    expect(explain('TableTransactions')).toContain('a quantity of 0.5 means 5,000 requests');
    expect(explain('Advanced keys transactions')).toContain('5,000 transactions');
    expect(explain('Functions Requests')).toContain('3.5 means 35 requests');
    expect(explain('Base VM Size Hours')).toContain('a 4-core virtual machine running for the hour reports 4');
    expect(explain('Functions - Compute')).toContain('512 MB for 2 seconds adds 1');
    expect(explain('BlobDataTransOut')).toContain('out of the service');
  });

  it('says when a meter\'s unit is unknown, and names a local unit it cannot interpret as given', () => {
    expect(explainUnit({ unit: '', service: 'Unknown' })).toMatch(/unit is unknown/);
    expect(explainUnit({ unit: 'Widgets', service: 'Contoso' })).toMatch(/^Quantities are in Widgets\./);
    // A local unit written like the catalog's is explained like it.
    expect(explainUnit({ unit: 'Disks × month', service: 'Backup' })).toContain('one disk held for a whole');
  });
});
