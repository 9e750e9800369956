import type { AuditAction } from '../../shared/rating.ts';
import { GENESIS_HASH, auditEntryHash } from '../chargeback/audit-log.ts';

/**
 * The audit log's hash chain, checked on a bundle's audit.ndjson (one AuditEntry per line, in seq order) exactly as
 * verifyAuditChain checks it in a cache: seq 1, 2, 3... with no gap, each prevHash the previous entry's hash (the first
 * the zero hash), each hash the SHA-256 of its entry (auditEntryHash). Whoever holds the signing key could re-sign a
 * bundle, but could not edit, drop or reorder history without breaking this chain.
 */

export interface AuditChainResult {
  ok: boolean;
  /** How many entries were read before the verdict. */
  entries: number;
  /** What was found: the count when intact, the first broken line and entry when not. */
  detail: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function checkAuditChain(bytes: Buffer): AuditChainResult {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const broken = (line: number, problem: string): AuditChainResult =>
    ({ ok: false, entries, detail: `line ${line}: ${problem}` });

  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return broken(line, 'not a JSON audit entry.');
    }
    const entry = asEntry(value);
    if (typeof entry === 'string') return broken(line, entry);
    entries++;
    const { seq } = entry;
    if (seq !== expectedSeq) {
      return broken(line, seq < expectedSeq
        ? `entry ${seq} appears after entry ${expectedSeq - 1}: the log is out of order or holds an entry twice.`
        : expectedSeq === 1
          ? `the log starts at entry ${seq}: ${missing(expectedSeq, seq)} missing or out of order.`
          : `entry ${seq} follows entry ${expectedSeq - 1}: ${missing(expectedSeq, seq)} missing or out of order.`);
    }
    if (entry.prevHash !== prevHash) {
      return broken(line, seq === 1
        ? 'entry 1 does not start the chain (its previous hash is not the zero hash).'
        : `entry ${seq} does not follow entry ${seq - 1}: its previous hash is not that entry's hash.`);
    }
    const { hash, ...fields } = entry;
    if (auditEntryHash(fields) !== hash) {
      return broken(line, `entry ${seq} was changed after it was written: its hash does not match its contents.`);
    }
    prevHash = hash;
    expectedSeq++;
  }
  return { ok: true, entries, detail: `${entries} ${entries === 1 ? 'entry' : 'entries'}, chain intact.` };
}

function missing(from: number, seq: number): string {
  return seq - 1 === from ? `entry ${from} is` : `entries ${from} to ${seq - 1} are`;
}

interface ChainEntry {
  seq: number;
  at: string;
  user: string;
  action: AuditAction;
  subject: string;
  reason: string | null;
  details: unknown;
  prevHash: string;
  hash: string;
}

/** The entry's fields, or what is wrong with them. */
function asEntry(value: unknown): ChainEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object.';
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1) return 'seq is not a positive integer.';
  for (const field of ['at', 'user', 'action', 'subject'] as const) {
    if (typeof v[field] !== 'string') return `entry ${v.seq}: ${field} is not a string.`;
  }
  if (v.reason !== null && typeof v.reason !== 'string') return `entry ${v.seq}: reason is not a string or null.`;
  if (!('details' in v)) return `entry ${v.seq}: details is missing.`;
  for (const field of ['prevHash', 'hash'] as const) {
    if (typeof v[field] !== 'string' || !HEX64.test(v[field])) {
      return `entry ${v.seq}: ${field} is not a SHA-256 hex digest.`;
    }
  }
  return {
    seq: v.seq, at: v.at as string, user: v.user as string, action: v.action as AuditAction,
    subject: v.subject as string, reason: v.reason as string | null, details: v.details,
    prevHash: v.prevHash as string, hash: v.hash as string,
  };
}
