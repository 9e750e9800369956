// A small cache for the capacity tests whose figures can be checked by hand: stamp "dark" with 10 physical cores, two
// days (2026-11-01 and 2026-11-02) of hourly usage:
// - tenant T1 (subscription S1): a 2-vCPU Windows VM all 48 hours → 96 vCPU-hours of Base VM Size Hours, and the same
//   96 as Windows VM Size Hours, which must not count twice;
// - tenant T2 (subscription S2): a 1-vCPU VM on the first day only → 24 vCPU-hours, and 100 GB of tables all 48 hours
//   → 4,800 GB*hours, 100 GB on average;
// - tenant T3 (subscription S3): listed, no usage.
// 480 core-hours are available (10 × 24 × 2): 120 used is 25 %.

import { join } from 'node:path';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import type { CapacityModel } from '../../electron/shared/capacity.ts';
import { stampConnection } from '../support/connections.ts';

export const T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
export const T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
export const T3 = 'cccccccc-0000-4000-8000-000000000003';
export const S1 = '11111111-0000-4000-8000-000000000001';
export const S2 = '22222222-0000-4000-8000-000000000002';
export const S3 = '33333333-0000-4000-8000-000000000003';
export const BASE_VM = 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5';
export const WINDOWS_VM = '9cd92d4c-bafd-4492-b278-bedc2de8232a';
export const TABLE_CAPACITY = 'b4438d5d-453b-4ee1-b42a-dc72e377f1e4';

export const START = Date.UTC(2026, 10, 1) / 1000;
const HOUR = 3600;
export const PERIOD = { from: '2026-11-01', to: '2026-11-03' };

/** 365 per core per year × 10 cores = 3,650 a year = 10.00 a day; App Service 73 × 10 = 2.00 a day; support 10.00. */
export const MODEL: CapacityModel = {
  stamp: 'dark',
  physicalCores: 10,
  coresSource: 'manual',
  coresNote: 'Licence agreement 4711, schedule B',
  currency: 'EUR',
  term: { from: '2026-01-01', to: '2026-12-31' },
  basePricePerCoreYear: '365',
  addOns: [{ name: 'App Service', pricePerCoreYear: '73' }],
  otherYearlyCosts: [{ label: 'Support', amount: '3650' }],
  storageCapacityGB: '400',
};

const vm = (sub: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`;

/** Writes the stamp, its subscriptions and the usage into the cache at dir/file. */
export function fillCapacityCache(dir: string, file = 'cache.db', changeOneRecord = false): string {
  const path = join(dir, file);
  const db = openCache(path);
  try {
    const id = connections.insert(db, stampConnection('dark')).id;
    const listed = (subscriptionId: string, owner: string, tenantId: string) =>
      ({ subscriptionId, displayName: owner, owner, tenantId, offerId: 'offer', state: 'Enabled' });
    subscriptions.upsert(db, id, [
      listed(S1, 'ops@contoso.example', T1), listed(S2, 'it@fabrikam.example', T2),
      listed(S3, 'it@northwind.example', T3),
    ], new Date('2026-11-03T00:00:00Z'));
    const record = (sub: string, uri: string, meterId: string, hour: number, quantityText: string): UsageRecord => ({
      subscriptionId: sub, meterId, usageStart: START + hour * HOUR, usageEnd: START + (hour + 1) * HOUR, quantityText,
      resourceUri: uri, location: 'local', tags: null, additionalInfo: null,
    });
    const page: UsageRecord[] = [];
    for (let h = 0; h < 48; h++) {
      page.push(record(S1, vm(S1, 'win1'), BASE_VM, h, changeOneRecord && h === 7 ? '3' : '2'));
      page.push(record(S1, vm(S1, 'win1'), WINDOWS_VM, h, '2'));
      if (h < 24) page.push(record(S2, vm(S2, 'lin1'), BASE_VM, h, '1'));
      page.push(record(S2, `/subscriptions/${S2}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`,
        TABLE_CAPACITY, h, '100'));
    }
    createUsageWriter(db).writePage(page, { granularity: 'Hourly', connectionId: id });
  } finally {
    db.close();
  }
  return path;
}
