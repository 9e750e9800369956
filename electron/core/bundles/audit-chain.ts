import type { AuditAction, AuditEntry } from '../../shared/rating.ts';
import { GENESIS_HASH, chainBreak } from '../chargeback/audit-log.ts';
import { SHA256_HEX } from './format.ts';

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

export function checkAuditChain(bytes: Buffer): AuditChainResult {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const expected = { seq: 1, prevHash: GENESIS_HASH };
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
    const problem = chainBreak(entry, expected, true);
    if (problem !== null) return broken(line, problem);
    expected.prevHash = entry.hash;
    expected.seq++;
  }
  return { ok: true, entries, detail: `${entries} ${entries === 1 ? 'entry' : 'entries'}, chain intact.` };
}

/** The entry's fields, or what is wrong with them. */
function asEntry(value: unknown): AuditEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object.';
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1) return 'seq is not a positive integer.';
  for (const field of ['at', 'user', 'action', 'subject'] as const) {
    if (typeof v[field] !== 'string') return `entry ${v.seq}: ${field} is not a string.`;
  }
  if (v.reason !== null && typeof v.reason !== 'string') return `entry ${v.seq}: reason is not a string or null.`;
  if (!('details' in v)) return `entry ${v.seq}: details is missing.`;
  for (const field of ['prevHash', 'hash'] as const) {
    if (typeof v[field] !== 'string' || !SHA256_HEX.test(v[field])) {
      return `entry ${v.seq}: ${field} is not a SHA-256 hex digest.`;
    }
  }
  return {
    seq: v.seq, at: v.at as string, user: v.user as string, action: v.action as AuditAction,
    subject: v.subject as string, reason: v.reason as string | null, details: v.details,
    prevHash: v.prevHash as string, hash: v.hash as string,
  };
}
