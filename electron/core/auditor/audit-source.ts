import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry, AuditVerification } from '../../shared/rating.ts';
import { chainBreak, GENESIS_HASH, listAudit, verifyAuditChain } from '../chargeback/audit-log.ts';

/**
 * Which audit log the console shows, verifies and prints. Normally the cache's own. For a bundle opened in auditor
 * mode it is the signer's: bundle import keeps another installation's entries apart, in imported_audit_log (their
 * hashes chain to that installation's entries and cannot join a local chain), and the temporary cache's own log holds
 * only the entries of reading the bundle in, which are not what the auditor came to review.
 */

/** One entry as stored: `details` is the canonical JSON text the hash covers (or null), not re-encoded. */
export interface StoredAuditEntry {
  seq: number;
  at: string;
  user: string;
  action: string;
  subject: string;
  reason: string | null;
  details: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditSource {
  /** One block of entries, newest first, and how many there are in all. */
  list(offset: number, limit: number): { rows: AuditEntry[]; total: number };
  verify(): AuditVerification;
  /** Every entry, oldest first, and the verification of exactly those entries (one read transaction). */
  trail(): { entries: StoredAuditEntry[]; verification: AuditVerification };
}

const COLUMNS = 'seq, at, user, action, subject, reason, details, prev_hash AS prevHash, hash';

export function cacheAuditSource(db: Database.Database): AuditSource {
  return {
    list: (offset, limit) => listAudit(db, offset, limit),
    verify: () => verifyAuditChain(db),
    trail: () => db.transaction(() => ({
      entries: db.prepare(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq`).all() as StoredAuditEntry[],
      verification: verifyAuditChain(db),
    }))(),
  };
}

function parsed(row: StoredAuditEntry): AuditEntry {
  return {
    ...row, action: row.action as AuditAction, details: row.details === null ? null : JSON.parse(row.details) as unknown,
  };
}

/** The chain of one signer's entries as imported: from entry 1, no gaps, each hash over its fields and the previous. */
function verifyEntries(rows: StoredAuditEntry[]): AuditVerification {
  const expected = { seq: 1, prevHash: GENESIS_HASH };
  for (const [i, row] of rows.entries()) {
    const problem = chainBreak(parsed(row), expected, false);
    if (problem !== null) {
      return { intact: false, entries: i + 1, brokenAt: row.seq,
        problem: problem.charAt(0).toUpperCase() + problem.slice(1) };
    }
    expected.seq++;
    expected.prevHash = row.hash;
  }
  return { intact: true, entries: rows.length, brokenAt: null, problem: null };
}

/** The audit log a bundle carried, signed by the key with this fingerprint. */
export function signerAuditSource(db: Database.Database, fingerprint: string): AuditSource {
  const all = (): StoredAuditEntry[] => db.prepare(`SELECT ${COLUMNS} FROM imported_audit_log
    WHERE signer_fingerprint = ? ORDER BY seq`).all(fingerprint) as StoredAuditEntry[];
  return {
    list(offset, limit) {
      const rows = db.prepare(`SELECT ${COLUMNS} FROM imported_audit_log WHERE signer_fingerprint = ?
        ORDER BY seq DESC LIMIT ? OFFSET ?`).all(fingerprint, limit, offset) as StoredAuditEntry[];
      const total = db.prepare('SELECT count(*) FROM imported_audit_log WHERE signer_fingerprint = ?').pluck()
        .get(fingerprint) as number;
      return { rows: rows.map(parsed), total };
    },
    verify: () => verifyEntries(all()),
    trail: () => {
      const entries = all();
      return { entries, verification: verifyEntries(entries) };
    },
  };
}
