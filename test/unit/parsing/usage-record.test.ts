import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTime, parseUsagePage, type UsageRecord } from '../../../electron/core/azure/usage-record.ts';
import { canonicalMeterId, findCatalogMeter } from '../../../electron/core/meters/catalog.ts';
import { errorOf } from '../../support/errors.ts';

// The body of a real 200 response from a Microsoft test stamp (2020), byte for byte.
const RECORDED = readFileSync(new URL('../../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');

/** A one-record page in the REST shape, with fields overridden. */
function page(overrides: Record<string, unknown> = {}, extra = ''): string {
  const properties = {
    subscriptionId: '09065051-CFE9-4FCF-B90C-87F2AF292FC9',
    usageStartTime: '2019-12-10T18:00:00+00:00',
    usageEndTime: '2019-12-10T19:00:00+00:00',
    instanceData: JSON.stringify({
      'Microsoft.Resources': {
        resourceUri: '/subscriptions/x/resourceGroups/rg/providers/A.B/c/d',
        location: 'local',
        tags: '',
        additionalInfo: '',
      },
    }),
    quantity: 1,
    meterId: 'B5C15376-6C94-4FDD-B655-1A69D138ACA3',
    ...overrides,
  };
  return `{"value":[{"id":"x","properties":${JSON.stringify(properties).replace('"quantity":1', `"quantity":${extra || '1'}`)}}]}`;
}

describe('parseUsagePage on the real recording', () => {
  const { records, nextLink } = parseUsagePage(RECORDED, 'recording');
  const raw = JSON.parse(RECORDED).value as { properties: Record<string, string> }[];

  it('reads all 236 records and no next page', () => {
    expect(records).toHaveLength(236);
    expect(nextLink).toBeNull();
  });

  it('gives every record its own natural key (subscription, meter, usage hour, resource case-folded)', () => {
    const keys = new Set(
      records.map((r) =>
        [r.subscriptionId, canonicalMeterId(r.meterId), r.usageStart, r.usageEnd, r.resourceUri.toLowerCase(), 'Hourly'].join('|'),
      ),
    );
    expect(keys.size).toBe(236);
  });

  it('keeps the exact quantity text as sent on the wire', () => {
    const wire = [...RECORDED.matchAll(/"quantity":([^,}]+)/g)].map((m) => m[1]);
    expect(records.map((r) => r.quantityText)).toEqual(wire);
    // JSON.parse would have said 49.38434636127204: the text keeps the 17th digit, and "2.0" stays "2.0".
    expect(records[1].quantityText).toBe('49.384346361272037');
    expect(Number(records[1].quantityText)).toBe(raw[1].properties.quantity);
    expect(records.some((r) => r.quantityText === '2.0')).toBe(true);
  });

  it('folds the mixed-case meter IDs to catalog meters, all of which the catalog knows', () => {
    const received = new Set(records.map((r) => r.meterId));
    expect(received).toContain('B5C15376-6C94-4FDD-B655-1A69D138ACA3'); // storage: upper case
    expect(received).toContain('6dab500f-a4fd-49c4-956d-229bb9c8c793'); // compute: lower case
    const canonical = new Set(records.map((r) => canonicalMeterId(r.meterId)));
    expect(canonical.size).toBe(8);
    for (const id of canonical) expect(findCatalogMeter(id), id).toBeDefined();
    expect(canonicalMeterId('B5C15376-6C94-4FDD-B655-1A69D138ACA3')).toBe('b5c15376-6c94-4fdd-b655-1a69d138aca3');
  });

  it('decodes instanceData: resource, location, tags and additionalInfo', () => {
    const tagged = records.filter((r) => r.tags !== null);
    expect(tagged).toHaveLength(6);
    expect(tagged[0].tags).toEqual({ RG: 'rg', testTag: '1' });
    const vm = records.find((r) => r.resourceUri.endsWith('/virtualMachines/VMServer0'));
    expect(vm?.additionalInfo).toMatchObject({ ServiceType: 'Standard_F2s', Publisher: 'MicrosoftWindowsServer' });
    expect(records.every((r) => r.location === 'northwest')).toBe(true);
    expect(records.filter((r) => r.additionalInfo === null)).toHaveLength(180);
  });

  it('turns the +00:00 times into Unix seconds, including usage hours before the reported hour', () => {
    const hours = new Set(records.map((r) => new Date(r.usageStart * 1000).toISOString()));
    expect([...hours].sort()).toEqual(['2019-12-10T17:00:00.000Z', '2019-12-10T18:00:00.000Z', '2019-12-10T19:00:00.000Z']);
    expect(records.every((r) => r.usageEnd - r.usageStart === 3600)).toBe(true);
  });

  it('lower-cases subscription IDs', () => {
    expect(records.every((r) => r.subscriptionId === r.subscriptionId.toLowerCase())).toBe(true);
  });
});

describe('parseUsagePage on other shapes', () => {
  it('reads the flattened PowerShell shape in Pascal case, with instanceData as an object', () => {
    const text = JSON.stringify({
      value: [
        {
          Id: 'x',
          Name: 'y',
          Type: 'Microsoft.Commerce/UsageAggregate',
          SubscriptionId: '85b30745-672b-438c-8a3a-9b9ca4f3537a',
          MeterId: 'F271A8A388C44D93956A063E1D2FA80B',
          UsageStartTime: '2019-12-10T00:00:00Z',
          UsageEndTime: '2019-12-11T00:00:00Z',
          Quantity: 0,
          InstanceData: { 'Microsoft.Resources': { ResourceUri: '/subscriptions/a/b', Location: 'local', Tags: { a: 'b' } } },
        },
      ],
      NextLink: 'https://next',
    }).replace('"Quantity":0', '"Quantity":24.00');
    const { records, nextLink } = parseUsagePage(text, 'flat.json');
    expect(nextLink).toBe('https://next');
    expect(records[0]).toEqual<UsageRecord>({
      subscriptionId: '85b30745-672b-438c-8a3a-9b9ca4f3537a',
      meterId: 'F271A8A388C44D93956A063E1D2FA80B',
      usageStart: Date.UTC(2019, 11, 10) / 1000,
      usageEnd: Date.UTC(2019, 11, 11) / 1000,
      quantityText: '24.00',
      resourceUri: '/subscriptions/a/b',
      location: 'local',
      tags: { a: 'b' },
      additionalInfo: null,
    });
  });

  it('decodes tags encoded twice and tags given as an object', () => {
    const twice = JSON.stringify(JSON.stringify({ env: 'prod' }));
    const data = (tags: unknown) => JSON.stringify({ 'Microsoft.Resources': { resourceUri: '/r', tags } });
    expect(parseUsagePage(page({ instanceData: data(twice) }), 'p').records[0].tags).toEqual({ env: 'prod' });
    expect(parseUsagePage(page({ instanceData: data({ env: 'dev' }) }), 'p').records[0].tags).toEqual({ env: 'dev' });
    expect(parseUsagePage(page({ instanceData: data('null') }), 'p').records[0].tags).toBeNull();
  });

  it('gives a record without instanceData an empty resource', () => {
    const r = parseUsagePage(page({ instanceData: undefined }), 'p').records[0];
    expect(r).toMatchObject({ resourceUri: '', location: null, tags: null, additionalInfo: null });
  });

  it('leaves a "quantity" inside instanceData alone and reads the record quantity exactly', () => {
    const instanceData = JSON.stringify({ 'Microsoft.Resources': { resourceUri: '/r', additionalInfo: { quantity: 5 } } });
    const r = parseUsagePage(page({ instanceData }, '0.1000000000000000055511151231257827'), 'p').records[0];
    expect(r.quantityText).toBe('0.1000000000000000055511151231257827');
    expect(r.additionalInfo).toEqual({ quantity: 5 });
  });

  it('accepts exponent quantities and quantities sent as strings', () => {
    expect(parseUsagePage(page({}, '2.5E-05'), 'p').records[0].quantityText).toBe('2.5E-05');
    expect(parseUsagePage(page({ quantity: '7.25' }), 'p').records[0].quantityText).toBe('7.25');
  });

  it('reads a next link and an empty page', () => {
    expect(parseUsagePage('{\r\n  "value": []\r\n}', 'empty')).toEqual({ records: [], nextLink: null });
    expect(parseUsagePage('{"value":[],"nextLink":"https://h/x?continuationToken=a"}', 'p').nextLink).toBe(
      'https://h/x?continuationToken=a',
    );
  });
});

describe('parseTime', () => {
  const t = Date.UTC(2019, 11, 10, 18) / 1000;
  it.each([
    ['2019-12-10T18:00:00+00:00', t],
    ['2019-12-10T18:00:00Z', t],
    ['2019-12-10T18:00:00.0000000+00:00', t],
    ['2019-12-10T10:00:00-08:00', t],
    ['2019-12-11T03:30:00+09:30', t],
    ['/Date(1576000800000)/', t],
  ])('reads %s', (text, seconds) => expect(parseTime(text)).toBe(seconds));

  it.each(['yesterday', '2019-12-10T18:00:00', '2019-12-10 18:00:00Z', '2019-02-30T00:00:00Z', '2019-12-10T24:00:00Z', ''])(
    'refuses %j',
    (text) => expect(parseTime(text)).toBeNull(),
  );
});

describe('parseUsagePage errors name the source, the record and the field', () => {
  it.each([
    ['not JSON', '{"value":[', /^p\.json: not valid JSON \(/],
    ['no value array', '{"values":[]}', /^p\.json: expected an object with a "value" array$/],
    ['a bad nextLink', '{"value":[],"nextLink":5}', /^p\.json: nextLink 5 is not a URL or null$/],
  ])('%s', (_, text, message) => {
    const err = errorOf(() => parseUsagePage(text, 'p.json'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(message);
  });

  it.each([
    [{ usageStartTime: 'yesterday' }, '', 'usageStartTime "yesterday" is not an ISO time'],
    [{ subscriptionId: undefined }, '', 'subscriptionId is missing'],
    [{ subscriptionId: 'tenant-a' }, '', 'subscriptionId "tenant-a" is not a subscription GUID'],
    [{ meterId: '' }, '', 'meterId "" is not a meter ID'],
    [{ quantity: 'lots' }, '', 'quantity "lots" is not a number'],
    [{}, '1.2.3', 'quantity "1.2.3" is not a number'],
    [{ usageEndTime: '2019-12-10T18:00:00+00:00' }, '', 'usageEndTime "2019-12-10T18:00:00+00:00" is not after usageStartTime'],
    [{ instanceData: '{"Microsoft.Resources":' }, '', 'instanceData "{\\"Microsoft.Resources\\":" is not JSON'],
    [{ instanceData: '{"Microsoft.Resources":{"tags":"{oops"}}' }, '', 'instanceData.tags "{oops" is not JSON'],
  ])('%j %s', (overrides, quantity, message) => {
    const err = errorOf(() => parseUsagePage(page(overrides, quantity), 'page.json'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe(`page.json: record 0: ${message}`);
  });

  it('counts the record index within the value array', () => {
    const good = JSON.parse(page()).value[0];
    const bad = JSON.parse(page({ usageStartTime: 'yesterday' })).value[0];
    const text = JSON.stringify({ value: [...Array(17).fill(good), bad] });
    expect(errorOf(() => parseUsagePage(text, 'page.json')).message).toBe(
      'page.json: record 17: usageStartTime "yesterday" is not an ISO time',
    );
  });
});
