import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConvertToJson } from '../../../electron/core/imports/convertto-json.ts';

const SUB = '09065051-cfe9-4fcf-b90c-87f2af292fc9';
const INSTANCE = JSON.stringify({ 'Microsoft.Resources': {
  resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d1`, location: 'northwest',
  tags: '{"team":"blue"}', additionalInfo: '' } });

/** PowerShell 7 style: UTF-8 without a byte order mark, two-space indent, ISO times. */
function ps7(records: string[]): Buffer {
  return Buffer.from(records.length === 1 ? records[0]! : `[\n${records.join(',\n')}\n]`, 'utf8');
}

function record(fields: Record<string, string>): string {
  const base: Record<string, string> = {
    Id: '"x"', Name: '"x"', Type: '"Microsoft.Commerce/UsageAggregate"', InstanceData: JSON.stringify(INSTANCE),
    MeterId: '"7ba084ec-ef9c-4d64-a179-7732c6cb5e28"', Quantity: '0.0013440860215053765',
    SubscriptionId: `"${SUB.toUpperCase()}"`,
    UsageStartTime: '"2019-12-10T18:00:00"',
    UsageEndTime: '"2019-12-10T19:00:00"',
  };
  return `{\n${Object.entries({ ...base, ...fields }).map(([k, v]) => `  "${k}": ${v}`).join(',\n')}\n}`;
}

describe('parseConvertToJson', () => {
  it('reads Windows PowerShell 5.1 output: UTF-16LE with BOM, \\/Date()\\/ times, PascalCase fields', () => {
    const content = readFileSync(new URL('../../fixtures/imports/subscriber-usage-convertto-json.json', import.meta.url));
    expect([...content.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const { records, granularities } = parseConvertToJson(content, 'usage.json');
    expect(records).toHaveLength(10);
    expect(records[0]).toMatchObject({ subscriptionId: SUB, quantityText: '16.461425899527967',
      usageStart: Date.UTC(2019, 11, 10, 18) / 1000, usageEnd: Date.UTC(2019, 11, 10, 19) / 1000 });
    expect(granularities.at(-1)).toBe('Daily');
  });

  it('reads a single object (one record) written by PowerShell 7, times without an offset as UTC', () => {
    const { records, granularities } = parseConvertToJson(ps7([record({})]), 'one.json');
    expect(records).toEqual([{
      subscriptionId: SUB, meterId: '7ba084ec-ef9c-4d64-a179-7732c6cb5e28',
      usageStart: Date.UTC(2019, 11, 10, 18) / 1000, usageEnd: Date.UTC(2019, 11, 10, 19) / 1000,
      quantityText: '0.0013440860215053765',
      resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d1`,
      location: 'northwest', tags: { team: 'blue' }, additionalInfo: null,
    }]);
    expect(granularities).toEqual(['Hourly']);
  });

  it('reads offsets, UTF-8 with BOM and the DateTime objects 5.1 writes for extended DateTimes', () => {
    const text = `\uFEFF${`[${[
      record({ UsageStartTime: '"2019-12-10T19:00:00+01:00"', UsageEndTime: '"2019-12-10T20:00:00+01:00"' }),
      record({ UsageStartTime: '{"value": "\\/Date(1575997200000)\\/", "DisplayHint": 2, "DateTime": "x"}',
        UsageEndTime: '"\\/Date(1576000800000)\\/"' }),
    ].join(',')}]`}`;
    const { records } = parseConvertToJson(Buffer.from(text, 'utf8'), 'two.json');
    expect(records.map((r) => r.usageStart))
      .toEqual([Date.UTC(2019, 11, 10, 18) / 1000, Date.UTC(2019, 11, 10, 17) / 1000]);
  });

  it('names the file, the record index and the field of a bad record', () => {
    const bad = ps7([record({}), record({ SubscriptionId: '"not-a-guid"' })]);
    expect(() => parseConvertToJson(bad, 'bad.json'))
      .toThrow('bad.json: record 1: subscriptionId "not-a-guid" is not a subscription GUID');
    const halfHour = ps7([record({ UsageEndTime: '"2019-12-10T18:30:00"' })]);
    expect(() => parseConvertToJson(halfHour, 'odd.json'))
      .toThrow('odd.json: record 0: usage period of 1800 s is neither an hour (Hourly) nor a day (Daily)');
    expect(() => parseConvertToJson(Buffer.from('[{"MeterId": ', 'utf8'), 'cut.json'))
      .toThrow(/cut\.json: not valid JSON/);
    expect(() => parseConvertToJson(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), 'bin.json')).toThrow(/not UTF-8 or UTF-16/);
  });
});
