import type Database from 'better-sqlite3';
import type { AuditEntry, AuditVerification } from '../../shared/rating.ts';
import {
  AUDIT_COLUMNS, listAudit, storedAuditEntries, type StoredAuditEntry, toAuditEntry, verifyAuditChain,
  verifyAuditEntries,
} from '../chargeback/audit-log.ts';

/**
 * Which audit log the console shows, verifies and prints. Normally the cache's own. For a bundle opened in auditor
 * mode it is the signer's: bundle import keeps another installation's entries apart, in imported_audit_log (their
 * hashes chain to that installation's entries and cannot join a local chain), and the temporary cache's own log holds
 * only the entries of reading the bundle in, which are not what the auditor came to review.
 */

export interface AuditSource {
  /** One block of entries, newest first, and how many there are in all. */
  list(offset: number, limit: number): { rows: AuditEntry[]; total: number };
  verify(): AuditVerification;
  /** Every entry, oldest first, and the verification of exactly those entries (one read transaction). */
  trail(): { entries: StoredAuditEntry[]; verification: AuditVerification };
}

export function cacheAuditSource(db: Database.Database): AuditSource {
  return {
    list: (offset, limit) => listAudit(db, offset, limit),
    verify: () => verifyAuditChain(db),
    trail: () => db.transaction(() => ({
      entries: [...storedAuditEntries(db)],
      verification: verifyAuditChain(db),
    }))(),
  };
}

/** The audit log a bundle carried, signed by the key with this fingerprint. */
export function signerAuditSource(db: Database.Database, fingerprint: string): AuditSource {
  const all = (): StoredAuditEntry[] => db.prepare(`SELECT ${AUDIT_COLUMNS} FROM imported_audit_log
    WHERE signer_fingerprint = ? ORDER BY seq`).all(fingerprint) as StoredAuditEntry[];
  return {
    list(offset, limit) {
      const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM imported_audit_log WHERE signer_fingerprint = ?
        ORDER BY seq DESC LIMIT ? OFFSET ?`).all(fingerprint, limit, offset) as StoredAuditEntry[];
      const total = db.prepare('SELECT count(*) FROM imported_audit_log WHERE signer_fingerprint = ?').pluck()
        .get(fingerprint) as number;
      return { rows: rows.map(toAuditEntry), total };
    },
    verify: () => verifyAuditEntries(all()),
    trail: () => {
      const entries = all();
      return { entries, verification: verifyAuditEntries(entries) };
    },
  };
}
