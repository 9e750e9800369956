// A small but awkward usage cache for the explorer, record list and export tests, written by the real usage writer:
// two stamps and imports, a subscription listed by no stamp, tenants in two casings, resource groups differing only in
// case, a formula in a resource group and in a tag value, meters sharing a unit and meters of unknown unit, hours
// across a month end plus daily records, quantities with 20 fraction digits, exponents and negative corrections. The
// "truth" functions recompute what the explorer must answer straight from usage_records with decimal.js.

import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import type { Granularity } from '../../electron/shared/domain.ts';
import { stampConnection } from '../support/connections.ts';

export const T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
export const T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
export const S1 = '11111111-0000-4000-8000-000000000001';
export const S2 = '22222222-0000-4000-8000-000000000002';
export const S3 = '33333333-0000-4000-8000-000000000003';
/** Listed by no stamp: its tenant is unknown. */
export const S4 = '44444444-0000-4000-8000-000000000004';
/** Listed by the west stamp, but its usage was imported without a stamp. */
export const S5 = '55555555-0000-4000-8000-000000000005';

export const VM_HOURS = 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5'; // Virtual core hours
export const WINDOWS_HOURS = '9cd92d4c-bafd-4492-b278-bedc2de8232a'; // Virtual core hours
export const TABLE_CAPACITY = 'b4438d5d-453b-4ee1-b42a-dc72e377f1e4'; // GB*hours
export const QUEUE_CAPACITY = 'b03c6ae7-b080-4bfa-84a3-22c800f315c6'; // GB*hours
export const UNKNOWN_A = 'dead0000-0000-4000-8000-00000000000a';
export const UNKNOWN_B = 'dead0000-0000-4000-8000-00000000000b';

export const FORMULA_GROUP = '=HYPERLINK("evil")';
export const FORMULA_TAG = '=HYPERLINK("http://evil.example","click")';

export interface ResourceModel {
  uri: string;
  subscription: string;
  group: string | null;
  type: string | null;
  name: string | null;
  location: string | null;
  tags: Record<string, string> | null;
  meters: string[];
  stamp: 'east' | 'west' | null;
}

const vm = (sub: string, group: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`;
const account = (sub: string, group: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}`;

export const RESOURCES: ResourceModel[] = [
  { uri: vm(S1, 'web-rg', 'vm1'), subscription: S1, group: 'web-rg', type: 'Microsoft.Compute/virtualMachines', name: 'vm1',
    location: 'local', tags: { Env: 'Prod', owner: FORMULA_TAG }, meters: [VM_HOURS, WINDOWS_HOURS], stamp: 'east' },
  { uri: vm(S1, 'Web-RG', 'vm2'), subscription: S1, group: 'Web-RG', type: 'Microsoft.Compute/virtualMachines', name: 'vm2',
    location: 'LOCAL', tags: { env: 'prod' }, meters: [VM_HOURS], stamp: 'east' },
  { uri: account(S2, FORMULA_GROUP, 'sa1'), subscription: S2, group: FORMULA_GROUP,
    type: 'Microsoft.Storage/storageAccounts', name: 'sa1', location: 'local', tags: null,
    meters: [TABLE_CAPACITY, QUEUE_CAPACITY, UNKNOWN_A], stamp: 'east' },
  { uri: vm(S3, 'data', 'vm3'), subscription: S3, group: 'data', type: 'Microsoft.Compute/virtualMachines', name: 'vm3',
    location: 'local', tags: { env: 'dev' }, meters: [VM_HOURS, UNKNOWN_A, UNKNOWN_B], stamp: 'west' },
  { uri: account(S4, 'imp', 'sa4'), subscription: S4, group: 'imp', type: 'Microsoft.Storage/storageAccounts', name: 'sa4',
    location: 'east2', tags: {}, meters: [TABLE_CAPACITY], stamp: null },
  // No instanceData: the resource URI is ''.
  { uri: '', subscription: S5, group: null, type: null, name: null, location: null, tags: null, meters: [UNKNOWN_B],
    stamp: null },
];

/** One extra resource whose only record is -0.5: an export must keep that quantity a number. */
export const NEGATIVE_RESOURCE: ResourceModel = {
  uri: account(S2, 'refunds', 'sa9'), subscription: S2, group: 'refunds', type: 'Microsoft.Storage/storageAccounts',
  name: 'sa9', location: 'local', tags: null, meters: [UNKNOWN_A], stamp: 'east',
};

const HOUR = 3600;
/** 2026-10-30T00:00Z: three days of hours across the October/November month end. */
export const START = Date.UTC(2026, 9, 30) / 1000;
export const HOURS = 72;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function quantity(rnd: () => number): string {
  const forms = [
    () => (rnd() * 100).toFixed(20),
    () => `${Math.floor(rnd() * 9) + 1}e-7`,
    () => `-${(rnd() * 2).toFixed(9)}`,
    () => String(Math.floor(rnd() * 1000)),
    () => (rnd() * 5).toFixed(3),
  ];
  return forms[Math.floor(rnd() * forms.length)]!();
}

export interface Fixture {
  east: number;
  west: number;
}

/** Fills an open cache with the fixture's stamps, subscription lists and usage. */
export function fillCache(db: Database.Database): Fixture {
  const stamp = (name: string): number => connections.insert(db, stampConnection(name)).id;
  const east = stamp('east');
  const west = stamp('west');
  const listed = (subscriptionId: string, displayName: string, owner: string, tenantId: string) =>
    ({ subscriptionId, displayName, owner, tenantId, offerId: 'offer', state: 'Enabled' });
  const now = new Date('2026-11-05T00:00:00Z');
  subscriptions.upsert(db, east, [
    listed(S1, 'Contoso Prod', 'ops@contoso.example', T1),
    listed(S2, 'Fabrikam Dev', 'admin@fabrikam.example', T2),
  ], now);
  subscriptions.upsert(db, west, [
    // The same tenant as S1, written in capitals by this stamp.
    listed(S3, 'Contoso West', 'ops@contoso.example', T1.toUpperCase()),
    listed(S5, 'Fabrikam Imports', 'billing@fabrikam.example', T2),
  ], now);

  const writer = createUsageWriter(db);
  const rnd = random(42);
  const connectionOf = (r: ResourceModel): number | null => (r.stamp === 'east' ? east : r.stamp === 'west' ? west : null);
  const record = (r: ResourceModel, meterId: string, start: number, length: number, text: string): UsageRecord => ({
    subscriptionId: r.subscription, meterId, usageStart: start, usageEnd: start + length, quantityText: text,
    resourceUri: r.uri, location: r.location, tags: r.tags, additionalInfo: null,
  });
  for (const r of RESOURCES) {
    const page: UsageRecord[] = [];
    for (const meterId of r.meters) {
      for (let h = 0; h < HOURS; h++) {
        if (rnd() < 0.4) continue;
        // Some IDs arrive upper-case without hyphens, as the network meters do.
        const sent = rnd() < 0.2 ? meterId.replaceAll('-', '').toUpperCase() : meterId;
        page.push(record(r, sent, START + h * HOUR, HOUR, quantity(rnd)));
      }
    }
    writer.writePage(page, { granularity: 'Hourly', connectionId: connectionOf(r) });
  }
  // Daily records of one VM on 2026-10-31 and 2026-11-01.
  const daily: UsageRecord[] = [1, 2].map((d) => record(RESOURCES[0]!, VM_HOURS, START + d * 86400, 86400, quantity(rnd)));
  writer.writePage(daily, { granularity: 'Daily', connectionId: east });
  writer.writePage([record(NEGATIVE_RESOURCE, UNKNOWN_A, START + 5 * HOUR, HOUR, '-0.5')],
    { granularity: 'Hourly', connectionId: east });
  return { east, west };
}

/** One usage row as cached, with the dimensions the test model gives it. */
export interface TruthRow {
  start: number;
  granularity: Granularity;
  stamp: string;
  tenant: string;
  subscription: string;
  meter: string;
  resource: ResourceModel;
  quantity: string;
}

/** decimal.js rounds to 20 significant digits by default; these sums need every digit. */
const Exact = Decimal.clone({ precision: 200 });

/** A meter ID as the cache matches it: lower-case without hyphens. */
export const matchKey = (id: string): string => id.toLowerCase().replaceAll('-', '');

const METER_MODEL = new Map([
  [VM_HOURS, { unit: 'Virtual core hours', service: 'Compute' }],
  [WINDOWS_HOURS, { unit: 'Virtual core hours', service: 'Compute' }],
  [TABLE_CAPACITY, { unit: 'GB*hours', service: 'Storage' }],
  [QUEUE_CAPACITY, { unit: 'GB*hours', service: 'Storage' }],
  [UNKNOWN_A, { unit: '', service: 'Unknown' }],
  [UNKNOWN_B, { unit: '', service: 'Unknown' }],
].map(([id, m]) => [matchKey(id as string), m as { unit: string; service: string }]));

export function unitOf(meter: string): string {
  return METER_MODEL.get(matchKey(meter))!.unit;
}

export function serviceOf(meter: string): string {
  return METER_MODEL.get(matchKey(meter))!.service;
}

/** The model's tenant of a subscription as seen from a stamp (lower-case), or null. */
export function tenantOf(subscription: string): string | null {
  return { [S1]: T1, [S2]: T2, [S3]: T1, [S5]: T2 }[subscription] ?? null;
}

/** Every cached usage row, read straight from usage_records and given the model's dimensions. */
export function truthRows(db: Database.Database): TruthRow[] {
  const resources = new Map([...RESOURCES, NEGATIVE_RESOURCE].map((r) => [r.uri.toLowerCase(), r]));
  const rows = db.prepare(`
    SELECT u.usage_start AS start, u.granularity, c.name AS stamp, sk.subscription_id AS subscription,
           m.meter_id AS meter, r.resource_uri AS uri, u.quantity_text AS quantity
    FROM usage_records u
    JOIN subscription_keys sk ON sk.id = u.subscription_key
    JOIN meters m ON m.id = u.meter_key
    JOIN resources r ON r.id = u.resource_key
    LEFT JOIN connections c ON c.id = u.connection_id`).all() as {
    start: number; granularity: Granularity; stamp: string | null; subscription: string; meter: string; uri: string;
    quantity: string;
  }[];
  return rows.map((r) => ({
    start: r.start,
    granularity: r.granularity,
    stamp: r.stamp ?? '(imported)',
    tenant: tenantOf(r.subscription) ?? '(unknown tenant)',
    subscription: r.subscription,
    meter: r.meter,
    resource: resources.get(r.uri.toLowerCase())!,
    quantity: r.quantity,
  }));
}

export interface TruthGroup {
  records: number;
  quantity: string | null;
  unit: string | null;
}

/** Groups truth rows by a key function, summing exactly; a group of meters with different units has no quantity. */
export function groupTruth(rows: TruthRow[], key: (r: TruthRow) => string): Map<string, TruthGroup> {
  const groups = new Map<string, { records: number; sum: Decimal; units: Set<string>; meters: Set<string> }>();
  for (const r of rows) {
    const k = key(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { records: 0, sum: new Exact(0), units: new Set(), meters: new Set() }));
    g.records++;
    g.sum = g.sum.plus(r.quantity);
    g.units.add(unitOf(r.meter));
    g.meters.add(matchKey(r.meter));
  }
  return new Map([...groups].map(([k, g]) => {
    const [unit] = g.units;
    const shared = g.units.size === 1 && (unit !== '' || g.meters.size === 1);
    return [k, { records: g.records, quantity: shared ? g.sum.toFixed() : null, unit: shared ? unit! : null }];
  }));
}
