import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuditEntry } from '../../../electron/shared/rating.ts';
import { GENESIS_HASH, auditEntryHash } from '../../../electron/core/chargeback/audit-log.ts';
import type { BundleEntry } from '../../../electron/core/bundles/format.ts';
import { generateInstallationKey, type InstallationKey } from '../../../electron/core/bundles/keys.ts';
import type { BundleMeta } from '../../../electron/core/bundles/write.ts';

/** Builds the bundles the tests tamper with: real usage rows from the recording, a real hash-chained audit log. */

/** One key per test run: generating one per test would only slow the suite. */
export const installationKey: InstallationKey = generateInstallationKey();

export const meta: BundleMeta = {
  createdAt: new Date('2026-11-02T08:30:00.000Z'),
  stamps: ['redmond-dc2', 'berlin-dc1'],
  period: { from: '2026-10-01', to: '2026-10-31' },
};

/** An audit chain of `count` entries, hashed exactly as the cache's audit log hashes them. */
export function auditChain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      seq,
      at: new Date(Date.UTC(2026, 9, seq, 9)).toISOString(),
      user: 'operator',
      action: seq % 2 === 1 ? 'rate-card.publish' as const : 'adjustment.save' as const,
      subject: `rate-card:standard-${seq}`,
      reason: seq === 2 ? null : `Change ${seq} approved by finance`,
      details: { version: seq, amount: `${seq}.25` },
      prevHash,
    };
    const hash = auditEntryHash(fields);
    entries.push({ ...fields, hash });
    prevHash = hash;
  }
  return entries;
}

export function ndjson(rows: unknown[]): Buffer {
  return Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
}

function usageRows(): unknown[] {
  const file = fileURLToPath(new URL('../../fixtures/usage-page-2019-12-10T19.json', import.meta.url));
  const page = JSON.parse(readFileSync(file, 'utf8')) as { value: unknown[] };
  return page.value;
}

export function standardEntries(audit: AuditEntry[] = auditChain(4)): BundleEntry[] {
  return [
    { name: 'usage.ndjson', bytes: ndjson(usageRows()) },
    {
      name: 'subscriptions.ndjson',
      bytes: ndjson([{ subscriptionId: '09065051-cfe9-4fcf-b90c-87f2af292fc9', displayName: 'Tenant A' }]),
    },
    { name: 'meters.json', bytes: Buffer.from('{"meters":[{"id":"B5C15376-6C94-4FDD-B655-1A69D138ACA3"}]}') },
    { name: 'rate-cards.json', bytes: Buffer.from('{"rateCards":[]}') },
    { name: 'statements.ndjson', bytes: Buffer.alloc(0) },
    { name: 'audit.ndjson', bytes: ndjson(audit) },
  ];
}

/** Where a record's stored bytes start and end in the file. */
export function storedRange(record: { name: string; offset: number; stored: Buffer }):
{ start: number; end: number } {
  const start = record.offset + 2 + Buffer.byteLength(record.name) + 8;
  return { start, end: start + record.stored.length };
}

export function flipByte(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
