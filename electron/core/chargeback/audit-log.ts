import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry, AuditVerification } from '../../shared/rating.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * The audit log: who changed what a statement depends on, when and why. Entries are only ever appended (triggers of
 * migration 006 refuse updates and deletes) and form a hash chain: each entry's hash covers its own fields and the
 * previous entry's hash. An entry edited in the file, removed, or inserted out of turn no longer verifies, and
 * verifyAuditChain names the first one.
 */

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who makes a change and when: the OS user name and the core's clock. */
export interface Actor {
  user: string;
  at: Date;
}

export interface AuditInput {
  action: AuditAction;
  /** What the entry is about, e.g. 'rate-card:standard'. */
  subject: string;
  reason: string | null;
  /** Plain JSON data (see canonical-json.ts); stored as canonical JSON. */
  details?: unknown;
}

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

/** The columns of audit_log (and imported_audit_log) as a StoredAuditEntry. */
export const AUDIT_COLUMNS = 'seq, at, user, action, subject, reason, details, prev_hash AS prevHash, hash';

/** The SHA-256 (hex) of an entry: canonical JSON of every field but the hash itself. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, user, action, subject, reason, details, prevHash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ seq, at, user, action, subject, reason, details, prevHash }))
    .digest('hex');
}

/**
 * Appends one entry. Inside the caller's transaction when one is open, so that the change and its entry are written
 * together or not at all; otherwise in its own IMMEDIATE transaction, so that two processes sharing the cache cannot
 * both chain onto the same last entry.
 */
export function appendAudit(db: Database.Database, input: AuditInput, user: string, at: Date): AuditEntry {
  const append = (): AuditEntry => {
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get() as { seq: number; hash: string } | undefined;
    // AUTOINCREMENT's counter, not only the last row: a seq is never given out twice, even after tampering.
    const counter = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck()
      .get() as number | undefined;
    const details = input.details === undefined ? null : input.details;
    const stored = details === null ? null : canonicalJson(details);
    const entry: Omit<AuditEntry, 'hash'> = {
      seq: Math.max(counter ?? 0, last?.seq ?? 0) + 1,
      at: at.toISOString(),
      user,
      action: input.action,
      subject: input.subject,
      reason: input.reason,
      // What is hashed is what is stored and read back: the canonical JSON's value.
      details: stored === null ? null : JSON.parse(stored) as unknown,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const hash = auditEntryHash(entry);
    db.prepare(`INSERT INTO audit_log (seq, at, user, action, subject, reason, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(entry.seq, entry.at, entry.user, entry.action, entry.subject, entry.reason, stored, entry.prevHash, hash);
    return { ...entry, hash };
  };
  return db.inTransaction ? append() : db.transaction(append).immediate();
}

/** Every entry of the cache's log as stored, oldest first. */
export function storedAuditEntries(db: Database.Database): IterableIterator<StoredAuditEntry> {
  return db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`)
    .iterate() as IterableIterator<StoredAuditEntry>;
}

/** A stored entry with its details parsed. */
export function toAuditEntry(row: StoredAuditEntry): AuditEntry {
  const details = row.details === null ? null : JSON.parse(row.details) as unknown;
  return { ...row, action: row.action as AuditAction, details };
}

/** One block of entries, newest first, and how many there are in all. */
export function listAudit(db: Database.Database, offset: number, limit: number):
{ rows: AuditEntry[]; total: number } {
  const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ? OFFSET ?`)
    .all(limit, offset) as StoredAuditEntry[];
  const total = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  return { rows: rows.map(toAuditEntry), total };
}

/**
 * What breaks the chain at this entry, as a sentence starting in lower case, or null when it follows: its seq is the
 * one expected (the first is 1, no gaps), its prevHash is the previous entry's hash (the first, the zero hash), and its
 * hash is the SHA-256 of its fields. `fromFile`: the entries come from a file (a bundle's audit.ndjson), where they
 * can also be out of order; a cache reads them ordered by seq. Shared by verifyAuditChain and the bundle check.
 */
export function chainBreak(entry: AuditEntry, expected: { seq: number; prevHash: string }, fromFile: boolean):
string | null {
  const { seq } = entry;
  if (seq < expected.seq) {
    return `entry ${seq} appears after entry ${expected.seq - 1}: the log is out of order or holds an entry twice.`;
  }
  if (seq > expected.seq) {
    const which = seq - 1 === expected.seq ? `entry ${expected.seq} is` : `entries ${expected.seq} to ${seq - 1} are`;
    const gone = `${which} missing${fromFile ? ' or out of order' : ''}.`;
    return expected.seq === 1
      ? `the log starts at entry ${seq}: ${gone}`
      : `entry ${seq} follows entry ${expected.seq - 1}: ${gone}`;
  }
  if (entry.prevHash !== expected.prevHash) {
    return seq === 1
      ? 'entry 1 does not start the chain (its previous hash is not the zero hash).'
      : `entry ${seq} does not follow entry ${seq - 1}: its previous hash is not that entry's hash.`;
  }
  const { hash, ...fields } = entry;
  return auditEntryHash(fields) === hash
    ? null
    : `entry ${seq} was changed after it was written: its hash does not match its contents.`;
}

const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Recomputes the chain of these entries, oldest first, from entry 1 (chainBreak). Stops at the first entry that fails
 * and says what is wrong with it. Shared by the cache's own log and a signer's imported one.
 */
export function verifyAuditEntries(rows: Iterable<StoredAuditEntry>): AuditVerification {
  const expected = { seq: 1, prevHash: GENESIS_HASH };
  let entries = 0;
  for (const row of rows) {
    entries++;
    let entry: AuditEntry;
    try {
      entry = toAuditEntry(row);
    } catch {
      return { intact: false, entries, brokenAt: row.seq, problem: `Entry ${row.seq} has details that are not JSON.` };
    }
    const problem = chainBreak(entry, expected, false);
    if (problem !== null) return { intact: false, entries, brokenAt: row.seq, problem: sentence(problem) };
    expected.prevHash = row.hash;
    expected.seq++;
  }
  return { intact: true, entries, brokenAt: null, problem: null };
}

/**
 * Verifies the cache's log (verifyAuditEntries). The counter SQLite keeps for AUTOINCREMENT must also match the last
 * entry, which catches entries removed from the end.
 */
export function verifyAuditChain(db: Database.Database): AuditVerification {
  const chain = verifyAuditEntries(storedAuditEntries(db));
  if (!chain.intact) return chain;
  const first = chain.entries + 1;
  const counter = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck()
    .get() as number | undefined;
  if (counter !== undefined && counter >= first) {
    return { intact: false, entries: chain.entries, brokenAt: first, problem: counter === first
      ? `Entry ${first} is missing: the log had ${counter} entries, the file holds ${first - 1}.`
      : `Entries ${first} to ${counter} are missing: the log had ${counter} entries, the file holds ${first - 1}.` };
  }
  return chain;
}
