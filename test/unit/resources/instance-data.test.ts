import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUsagePage } from '../../../electron/core/azure/usage-record.ts';
import { decodeEmbeddedObject, resourceAttributes } from '../../../electron/core/resources/instance-data.ts';

// A page of the real recording (Get-AzsSubscriberUsage against a Microsoft test stamp), byte for byte.
const RECORDED = readFileSync(new URL('../../fixtures/usage-page-2019-12-10T19.json', import.meta.url), 'utf8');
const VM_HOURS = '6dab500f-a4fd-49c4-956d-229bb9c8c793';

/** The page's records as the wire has them: `Microsoft.Resources` with tags and additionalInfo still as strings. */
const wire = (JSON.parse(RECORDED) as { value: { properties: { instanceData: string; meterId: string } }[] }).value
  .map(({ properties }) => ({
    meterId: properties.meterId.toLowerCase(),
    resource: (JSON.parse(properties.instanceData) as Record<string, Record<string, unknown>>)['Microsoft.Resources'],
  }));

const uriOf = (name: string): string => {
  const found = wire.find((r) => String(r.resource.resourceUri).endsWith(`/${name}`));
  if (!found) throw new Error(`no resource ${name} in the recording`);
  return String(found.resource.resourceUri);
};

describe('resourceAttributes on the real recording', () => {
  const { records } = parseUsagePage(RECORDED, 'recording');
  const parsed = (name: string) => {
    const r = records.find((x) => x.resourceUri.endsWith(`/${name}`) && x.meterId.toLowerCase() === VM_HOURS);
    if (!r) throw new Error(`no VM hours of ${name}`);
    return resourceAttributes(r);
  };

  it('reads a VM\'s size, image, type, group and name from a parsed record', () => {
    expect(parsed('VMClient0')).toEqual({
      resourceType: 'Microsoft.Compute/virtualMachines',
      resourceGroup: 'vaasrgd47d',
      resourceName: 'VMClient0',
      vmSize: 'Standard_F2s',
      image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2016-Datacenter' },
      tags: {},
    });
    expect(parsed('simplelinuxvmv')).toMatchObject({
      vmSize: 'Standard_F1s', image: { publisher: 'Canonical', offer: 'UbuntuServer', sku: '16.04-LTS' },
    });
  });

  it('reads the tags a VM carries', () => {
    expect(parsed('ffbcdeee-8334-4691-9e2d-94c298a01e08')).toMatchObject({
      resourceGroup: 'c1c5d0eb-8740-4b94-8a47-00c279b4fce4',
      vmSize: 'Standard_A0',
      tags: { RG: 'rg', testTag: '1' },
    });
  });

  it('gives a storage account no VM size, no image and no tags', () => {
    const account = records.find((r) => r.resourceUri.includes('/storageAccounts/'));
    expect(account && resourceAttributes(account)).toEqual({
      resourceType: 'Microsoft.Storage/storageAccounts',
      resourceGroup: expect.any(String),
      resourceName: expect.any(String),
      vmSize: null,
      image: null,
      tags: {},
    });
  });

  it('describes every record of the page, and every VM-hours record names a size and an image', () => {
    const described = records.map((r) => ({ meter: r.meterId.toLowerCase(), ...resourceAttributes(r) }));
    const vmHours = described.filter((d) => d.meter === VM_HOURS);
    expect(vmHours.length).toBeGreaterThan(0);
    expect(vmHours.every((d) => d.vmSize !== null && d.image !== null)).toBe(true);
    expect(new Set(vmHours.map((d) => d.vmSize))).toEqual(new Set(
      ['Standard_F2s', 'Standard_D1_v2', 'Standard_A0', 'Standard_A4', 'Standard_F1s', 'Standard_D11_v2']));
    expect(described.every((d) => d.resourceType !== null)).toBe(true);
  });

  it('reads the same from the wire strings ("", "null", JSON text) as from the parsed record', () => {
    for (const { resource, meterId } of wire) {
      const uri = String(resource.resourceUri);
      const record = records.find((r) => r.resourceUri === uri && r.meterId.toLowerCase() === meterId);
      expect(record).toBeDefined();
      if (!record) continue;
      expect(resourceAttributes({ resourceUri: uri, tags: resource.tags, additionalInfo: resource.additionalInfo }))
        .toEqual(resourceAttributes(record));
    }
    // the recording has all three shapes
    expect(new Set(wire.map((r) => (r.resource.tags === '' || r.resource.tags === 'null' ? r.resource.tags : 'json'))))
      .toEqual(new Set(['', 'null', 'json']));
  });
});

describe('resourceAttributes on the shapes producers send', () => {
  const uri = uriOf('VMClient0');
  const info = { ServiceType: 'Standard_F2s', ImageType: null, Publisher: 'MicrosoftWindowsServer',
    Offer: 'WindowsServer', Sku: '2016-Datacenter' };

  it.each([
    ['absent', undefined],
    ['null', null],
    ['""', ''],
    ['"null"', 'null'],
    ['an empty object', {}],
    ['text that is not JSON', '{oops'],
    ['a JSON array', '["a"]'],
    ['a JSON number', '42'],
  ])('reads tags and additionalInfo given as %s as empty', (_shape, value) => {
    expect(resourceAttributes({ resourceUri: uri, tags: value, additionalInfo: value }))
      .toMatchObject({ vmSize: null, image: null, tags: {} });
  });

  it('decodes JSON text, JSON encoded twice and objects alike', () => {
    const tags = { env: 'prod', owner: 'ops' };
    const encodings = [(o: object) => o, (o: object) => JSON.stringify(o), (o: object) => JSON.stringify(JSON.stringify(o))];
    for (const encode of encodings) {
      expect(resourceAttributes({ resourceUri: uri, tags: encode(tags), additionalInfo: encode(info) })).toMatchObject({
        vmSize: 'Standard_F2s',
        image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2016-Datacenter' },
        tags,
      });
    }
  });

  it('matches additionalInfo names in any case and keeps what is named when the rest is missing', () => {
    expect(resourceAttributes({ resourceUri: uri, tags: null,
      additionalInfo: { serviceType: 'Standard_A1', publisher: 'Canonical', sku: '  ' } })).toMatchObject({
      vmSize: 'Standard_A1', image: { publisher: 'Canonical', offer: null, sku: null },
    });
  });

  it('gives tag values that are not strings as their text', () => {
    expect(resourceAttributes({ resourceUri: uri, tags: '{"cost":42,"shared":true,"none":null}', additionalInfo: '' })
      .tags).toEqual({ cost: '42', shared: 'true', none: '' });
  });

  it('leaves type, group and name null for a URI that is not a resource ID', () => {
    expect(resourceAttributes({ resourceUri: 'not-a-resource', tags: '', additionalInfo: '' })).toMatchObject({
      resourceType: null, resourceGroup: null, resourceName: null,
    });
  });
});

describe('decodeEmbeddedObject', () => {
  it('says why a value is not an object, for the usage parser to name', () => {
    expect(decodeEmbeddedObject('{oops')).toEqual({ problem: 'is not JSON' });
    expect(decodeEmbeddedObject('[1]')).toEqual({ problem: 'is not a JSON object' });
    // text encoded four times over: far past what stamps send
    const deep = [1, 2, 3, 4].reduce<unknown>((v) => JSON.stringify(v), { a: 'b' });
    expect(decodeEmbeddedObject(deep)).toEqual({ problem: 'is not a JSON object' });
    expect(decodeEmbeddedObject(JSON.stringify(JSON.stringify({ a: 'b' })))).toEqual({ value: { a: 'b' } });
    expect(decodeEmbeddedObject('null')).toEqual({ value: null });
  });
});
