import { describe, expect, it } from 'vitest';
import { auditEntryHash } from '../../../electron/core/chargeback/audit-log.ts';
import { checkAuditChain } from '../../../electron/core/bundles/audit-chain.ts';
import { readBundle } from '../../../electron/core/bundles/read.ts';
import { verifyBundle } from '../../../electron/core/bundles/verify.ts';
import { writeBundle } from '../../../electron/core/bundles/write.ts';
import { auditChain, installationKey, meta, ndjson, standardEntries } from './bundle-fixtures.ts';
import type { AuditEntry } from '../../../electron/shared/rating.ts';

/**
 * Whoever holds the installation key can re-sign a bundle, so these bundles are written (and signed) with an audit log
 * already tampered with: only the hash chain can tell.
 */
function signedWithAudit(audit: AuditEntry[]): Buffer {
  return writeBundle(standardEntries(audit), meta, installationKey.privateKeyPem);
}

function auditFailure(audit: AuditEntry[]): string {
  const report = verifyBundle(signedWithAudit(audit), 'signed.smb');
  expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['audit-chain']);
  return report.checks.find((c) => !c.ok)!.detail;
}

describe('audit chain of a bundle', () => {
  it('passes an intact log and an empty one', () => {
    expect(checkAuditChain(ndjson(auditChain(5)))).toEqual({ ok: true, entries: 5, detail: '5 entries, chain intact.' });
    expect(checkAuditChain(Buffer.alloc(0))).toEqual({ ok: true, entries: 0, detail: '0 entries, chain intact.' });
  });

  it('detects two entries swapped, naming the entry found out of turn', () => {
    const log = auditChain(4);
    const swapped = [log[0]!, log[2]!, log[1]!, log[3]!];
    expect(auditFailure(swapped)).toBe('Line 2: entry 3 follows entry 1: entry 2 is missing or out of order.');
    expect(() => readBundle(signedWithAudit(swapped), 'signed.smb'))
      .toThrow('The bundle signed.smb is refused. audit.ndjson failed the audit-chain check: Line 2: entry 3 follows');
  });

  it('detects swapped entries renumbered to hide the swap', () => {
    const log = auditChain(4);
    const renumbered = [log[0]!, { ...log[2]!, seq: 2 }, { ...log[1]!, seq: 3 }, log[3]!];
    expect(auditFailure(renumbered)).toBe(
      'Line 2: entry 2 does not follow entry 1: its previous hash is not that entry\'s hash.');
  });

  it('detects an edited entry, even with its own hash recomputed', () => {
    const log = auditChain(4);
    const edited = log.map((e) => (e.seq === 3 ? { ...e, reason: 'No reason' } : e));
    expect(auditFailure(edited)).toBe(
      'Line 3: entry 3 was changed after it was written: its hash does not match its contents.');
    const { hash: _ignored, ...fields } = edited[2]!;
    const rehashed = edited.map((e) => (e.seq === 3 ? { ...fields, hash: auditEntryHash(fields) } : e));
    expect(auditFailure(rehashed)).toBe(
      'Line 4: entry 4 does not follow entry 3: its previous hash is not that entry\'s hash.');
  });

  it('detects a dropped entry, at the start or in the middle', () => {
    const log = auditChain(4);
    expect(auditFailure(log.filter((e) => e.seq !== 2)))
      .toBe('Line 2: entry 3 follows entry 1: entry 2 is missing or out of order.');
    expect(auditFailure(log.slice(2)))
      .toBe('Line 1: the log starts at entry 3: entries 1 to 2 are missing or out of order.');
  });

  it('names a line that is not an audit entry', () => {
    const log = Buffer.concat([ndjson(auditChain(2)), Buffer.from('{"seq":3}\nnot json\n')]);
    expect(checkAuditChain(log)).toMatchObject({ ok: false, detail: 'line 3: entry 3: at is not a string.' });
  });

});
