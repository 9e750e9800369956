import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUsagePage } from '../../../electron/core/azure/usage-record.ts';
import { parseConvertToJson } from '../../../electron/core/imports/convertto-json.ts';
import { recordGroups } from '../../../electron/core/imports/imported-usage.ts';
import { parseUsageSummaryCsv } from '../../../electron/core/imports/usage-summary-csv.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/imports/${name}`, import.meta.url));
const enUS = fixture('usage-summary-en-US.csv').toString('utf8');
const deDE = fixture('usage-summary-de-DE.csv').toString('utf8');

const HEADER = '"UsageStartTime","UsageEndTime","MeterName","Quantity","resourceType","location","resourceGroup",' +
  '"resourceName","subowner","tags","MeterId","additionalInfo","subscription","resourceUri"';
const SUB = '09065051-cfe9-4fcf-b90c-87f2af292fc9';
const URI = `/subscriptions/${SUB}/resourcegroups/rg/providers/Microsoft.Storage/storageAccounts/sa`;

/** One Export-Csv row of the usage summary (all fields quoted). */
function row(start: string, end: string, quantity: string, overrides: { sub?: string; meter?: string } = {}): string {
  const cells = [start, end, 'PageBlobCapacity', quantity, 'Microsoft.Storage/storageAccounts', 'northwest', 'rg', 'sa',
    '', '', overrides.meter ?? 'B5C15376-6C94-4FDD-B655-1A69D138ACA3', '', overrides.sub ?? SUB, URI];
  return cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
}

function csv(...rows: string[]): string {
  return `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`;
}

function problemsOf(text: string): string {
  try {
    parseUsageSummaryCsv(text, 'usage.csv');
  } catch (err) {
    expect(err).toMatchObject({ code: 'BAD_INPUT' });
    return (err as Error).message;
  }
  throw new Error('expected BAD_INPUT');
}

describe('parseUsageSummaryCsv', () => {
  it('reads the en-US and the de-DE export of the same usage into identical records', () => {
    const us = parseUsageSummaryCsv(enUS, 'usage-summary-en-US.csv');
    const de = parseUsageSummaryCsv(deDE, 'usage-summary-de-DE.csv');
    expect(us.records).toHaveLength(10);
    expect(de).toEqual(us);
    expect(us.granularities).toEqual([...Array<string>(9).fill('Hourly'), 'Daily']);
    // The same usage saved as ConvertTo-Json output lands on the same records too.
    expect(parseConvertToJson(fixture('subscriber-usage-convertto-json.json'), 'usage.json')).toEqual(us);
  });

  it('keys and quantities rows exactly as the usage API sync does', () => {
    const page = parseUsagePage(readFileSync(new URL('../../fixtures/usage-page-2019-12-10T19.json', import.meta.url),
      'utf8'), 'page.json');
    const fromApi = [0, 5, 20, 21, 31, 180, 191, 192].map((i) => page.records[i]);
    const { records } = parseUsageSummaryCsv(deDE, 'usage-summary-de-DE.csv');
    expect(records.slice(0, 8)).toEqual(fromApi);
    expect(records[0]!.quantityText).toBe('16.461425899527967');
    expect(records[4]!.quantityText).toBe('6.36465847492218E-06');
    expect(records[9]).toMatchObject({ quantityText: '48.000000000000001', meterId: 'F271A8A388C44D93956A063E1D2FA80B',
      usageStart: Date.UTC(2019, 11, 13) / 1000, usageEnd: Date.UTC(2019, 11, 14) / 1000 });
  });

  it('reads quoted fields with doubled quotes, commas and line breaks', () => {
    const vm = parseUsageSummaryCsv(enUS, 'usage-summary-en-US.csv').records[8]!;
    expect(vm.resourceUri).toMatch(/virtualMachines\/app "blue", v2$/);
    expect(vm.tags).toEqual({ costCenter: 'CC-1, Finance', note: 'say "hi"' });
    expect(vm.additionalInfo).toMatchObject({ ServiceType: 'Standard_F1s', Publisher: 'Canonical' });
    expect(vm.usageStart).toBe(Date.UTC(2019, 11, 13, 14) / 1000);
  });

  it('groups records per granularity for the usage writer', () => {
    const groups = recordGroups(parseUsageSummaryCsv(enUS, 'usage-summary-en-US.csv'));
    expect(groups.map((g) => [g.granularity, g.records.length])).toEqual([['Hourly', 9], ['Daily', 1]]);
  });

  it('refuses to guess when no day above 12 tells day and month apart, and follows --date-format', () => {
    const text = csv(row('12/10/2019 6:00:00 PM', '12/10/2019 7:00:00 PM', '1.5'));
    expect(problemsOf(text)).toContain('dates such as "12/10/2019 6:00:00 PM" read as more than one format ' +
      '(M/d/yyyy h:mm:ss tt or d/M/yyyy h:mm:ss tt) and no date in the file has a day above 12 to decide; ' +
      'give the format with --date-format');
    const us = parseUsageSummaryCsv(text, 'usage.csv', { dateFormat: 'M/d/yyyy h:mm:ss tt' });
    expect(us.records[0]!.usageStart).toBe(Date.UTC(2019, 11, 10, 18) / 1000);
    const gb = parseUsageSummaryCsv(text, 'usage.csv', { dateFormat: 'd/M/yyyy h:mm:ss tt' });
    expect(gb.records[0]!.usageStart).toBe(Date.UTC(2019, 9, 12, 18) / 1000);
  });

  it('reads day-first slashes (en-GB) once one day is above 12, and ISO times', () => {
    const gb = parseUsageSummaryCsv(csv(
      row('10/12/2019 18:00:00', '10/12/2019 19:00:00', '1'),
      row('13/12/2019 00:00:00', '14/12/2019 00:00:00', '24'),
    ), 'usage.csv');
    expect(gb.records.map((r) => r.usageStart))
      .toEqual([Date.UTC(2019, 11, 10, 18) / 1000, Date.UTC(2019, 11, 13) / 1000]);
    expect(gb.granularities).toEqual(['Hourly', 'Daily']);
    const iso = parseUsageSummaryCsv(csv(row('2019-12-10T18:00:00+00:00', '2019-12-10T19:00:00+00:00', '1')), 'u.csv');
    expect(iso.records[0]!.usageStart).toBe(Date.UTC(2019, 11, 10, 18) / 1000);
  });

  // Export-Csv on de-DE without -UseCulture: comma delimiter, decimal comma; .NET exponents stay as the API writes them.
  it('reads decimal commas with a comma delimiter and keeps exponents', () => {
    const { records } = parseUsageSummaryCsv(csv(
      row('10.12.2019 18:00:00', '10.12.2019 19:00:00', '0,000186920166015625'),
      row('10.12.2019 19:00:00', '10.12.2019 20:00:00', '1,5E-05'),
    ), 'usage.csv');
    expect(records.map((r) => r.quantityText)).toEqual(['0.000186920166015625', '1.5E-05']);
    const us = parseUsageSummaryCsv(csv(row('2019-12-10T18:00:00Z', '2019-12-10T19:00:00Z', '1E-05')), 'u.csv');
    expect(us.records[0]!.quantityText).toBe('1E-05');
  });

  it('skips the #TYPE line Windows PowerShell writes without -NoTypeInformation', () => {
    const text = `#TYPE System.Management.Automation.PSCustomObject\r\n${csv(row('2019-12-10T18:00:00Z',
      '2019-12-10T19:00:00Z', '1')).slice(1)}`;
    expect(parseUsageSummaryCsv(text, 'u.csv').records).toHaveLength(1);
  });

  it('reports every bad row with its line and column, and returns nothing of the file', () => {
    const tagged = row('12/13/2019 1:00:00 PM', '12/13/2019 2:00:00 PM', '1').replace('"northwest","rg","sa","",""',
      '"northwest","rg","sa","","{\n""a"": 1\n}"');
    const message = problemsOf(csv(
      row('12/13/2019 6:00:00 PM', '12/13/2019 7:00:00 PM', '1'), // line 2: fine
      tagged, // lines 3-5: fine, the tags field spans three lines
      row('12/13/2019 6:00:00 PM', '12/13/2019 7:00:00 PM', '1', { sub: 'nope' }), // line 6
      row('12/13/2019 6:00:00 PM', '12/13/2019 7:00:00 PM', 'lots'), // line 7
      row('12/13/2019 6:00:00 PM', '12/13/2019 6:30:00 PM', '1'), // line 8
      row('12/13/2019 6:00:00 PM', 'yesterday', '1'), // line 9
      row('12/13/2019 6:00:00 PM', '12/13/2019 7:00:00 PM', '1', { meter: '' }), // line 10
      '"12/13/2019 6:00:00 PM","too short"', // line 11
    ));
    expect(message).toContain('usage.csv: 6 problems, nothing of the file was imported');
    expect(message).toContain('line 6: subscription "nope" is not a subscription GUID');
    expect(message).toContain('line 7: Quantity "lots" is not a number');
    expect(message).toContain('line 8: UsageStartTime to UsageEndTime is 1800 s, neither an hour nor a day');
    expect(message).toContain('line 9: UsageEndTime "yesterday" is not a date in the format M/d/yyyy h:mm:ss tt');
    expect(message).toContain('line 10: MeterId is empty');
    expect(message).toContain('line 11: has 2 fields, the header has 14');
    expect(message).not.toMatch(/line [2-5]:/);
  });

  it('lists the first 20 problems and counts the rest', () => {
    const rows = Array.from({ length: 25 }, () => row('2019-12-10T18:00:00Z', '2019-12-10T19:00:00Z', 'x'));
    const message = problemsOf(csv(...rows));
    expect(message).toContain('25 problems');
    expect(message).toContain('line 21: Quantity "x" is not a number');
    expect(message).not.toContain('line 22:');
    expect(message).toContain('... and 5 more');
  });

  it('refuses mixed decimal separators, a missing column and dates in no known format', () => {
    expect(problemsOf(csv(
      row('2019-12-10T18:00:00Z', '2019-12-10T19:00:00Z', '1,5'),
      row('2019-12-10T18:00:00Z', '2019-12-10T19:00:00Z', '1.5'),
    ))).toContain('line 3: Quantity "1.5" has a decimal point where line 2 ("1,5") has a decimal comma');
    expect(problemsOf('"UsageStartTime","UsageEndTime","MeterId","Quantity"\r\n'))
      .toMatch(/usage\.csv: line 1: the header has no subscription column/);
    expect(problemsOf(csv(row('Dec 10 2019', 'Dec 11 2019', '1'))))
      .toMatch(/line 2: UsageStartTime "Dec 10 2019" is in no date format .* --date-format/);
  });
});
