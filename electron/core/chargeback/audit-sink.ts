import type Database from 'better-sqlite3';
import { appendAudit, type Actor, type AuditInput } from './audit-log.ts';

/**
 * Where the entries of reads that leave a trace go: exports (export-audit.ts) and statement replays. Changes
 * (publishing a rate card, finalizing a statement...) append to the log inside their own transaction and are not
 * routed here: in auditor mode they are refused before they start.
 */
export interface AuditSink {
  record(input: AuditInput, actor: Actor): void;
}

/** The cache's own audit log. */
export function cacheAuditSink(db: Database.Database): AuditSink {
  return {
    record(input, actor) {
      appendAudit(db, input, actor.user, actor.at);
    },
  };
}

/**
 * Auditor mode: nothing is recorded. The cache (or the bundle read into one) is the evidence under review and not the
 * auditor's to change; an entry saying "the auditor exported this" would make the file differ from the one received,
 * and its chain from the one the bundle's signature covers. The auditor keeps their own record of what they did.
 */
export const auditorModeSink: AuditSink = {
  record() {},
};
