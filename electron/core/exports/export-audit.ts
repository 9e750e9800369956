import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { ExportResult } from '../../shared/domain.ts';
import type { Actor } from '../chargeback/audit-log.ts';
import type { AuditSink } from '../chargeback/audit-sink.ts';

/**
 * How every export (usage, rate cards, chargeback runs, statements) enters the audit log: one 'export' entry naming
 * what was exported, with each file's name, rows, size and SHA-256. The hash identifies a file wherever it goes: the
 * CLI's --out moves the file to the name asked for after the entry is written. A file whose entry cannot be written is
 * removed again, so no export exists without its entry.
 */

/** What an export entry says besides its files: the subject (e.g. 'statement:ST-202610-0001') and plain JSON details. */
export interface ExportRecord {
  subject: string;
  details: Record<string, unknown>;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Records files just written in `audit` (the cache's log; nowhere in auditor mode); on failure removes them. */
export async function auditExport<T extends ExportResult | ExportResult[]>(audit: AuditSink, record: ExportRecord,
  written: T, actor: Actor): Promise<T> {
  const files: ExportResult[] = Array.isArray(written) ? written : [written];
  try {
    const described = await Promise.all(files.map(async (f) => ({
      fileName: f.fileName, rows: f.rows, bytes: f.bytes, sha256: await fileSha256(f.path),
    })));
    audit.record({
      action: 'export', subject: record.subject, reason: null, details: { ...record.details, files: described },
    }, actor);
    return written;
  } catch (err) {
    await Promise.all(files.map((f) => unlink(f.path).catch(() => undefined)));
    throw err;
  }
}
