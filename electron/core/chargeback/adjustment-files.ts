import type Database from 'better-sqlite3';
import type { ExportResult } from '../../shared/domain.ts';
import type { Adjustment, AdjustmentsImportResult } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { adjustmentsFileSchema } from '../../shared/schemas.ts';
import { fileTimeStamp, writeExport, writeNewFile } from '../exports/export-file.ts';
import { auditExport } from '../exports/export-audit.ts';
import { validateAdjustments } from '../rating/index.ts';
import { listAdjustments, saveAdjustment } from './adjustments-store.ts';
import type { Actor } from './audit-log.ts';
import { cacheAuditSink, type AuditSink } from './audit-sink.ts';
import { canonicalJson } from './canonical-json.ts';
import { jsonPath, parseJsonFile, refuseImport } from './import-problems.ts';

/**
 * Adjustments as a file, to keep them under version control or carry them to another site:
 * `{"format": "stackmeter-adjustments", "version": 1, "adjustments": [Adjustment, ...]}`, each adjustment exactly as
 * stored. Importing adds the file's adjustments and replaces stored ones with the same ID; stored adjustments the file
 * does not list stay. A file is checked whole first (its shape, then what the rating engine requires of each entry and
 * of the list: unique IDs, one price override per meter and scope), every problem named by its JSON path such as
 * `adjustments[1].percent`; then all of it is saved in one transaction, each change audited with the reason given,
 * or, on any error, none of it.
 */

export const ADJUSTMENTS_FILE_FORMAT = 'stackmeter-adjustments';

const NOTHING_SAVED = 'nothing was saved';

function refuse(what: string, problems: string[]): never {
  return refuseImport(what, problems, NOTHING_SAVED);
}

/** The engine's problems with a list of adjustments, as `adjustments[i].field: message`. */
function engineProblems(adjustments: readonly Adjustment[]): string[] {
  return validateAdjustments(adjustments, 'adjustments').map((p) => `${p.path}: ${p.message}`);
}

/** The file of a list of adjustments; indented for people, with a final newline. */
export function adjustmentsJson(adjustments: readonly Adjustment[]): string {
  return `${JSON.stringify({ format: ADJUSTMENTS_FILE_FORMAT, version: 1, adjustments }, null, 2)}\n`;
}

/** Reads and checks an adjustments file: its shape (zod), then its meaning (the rating engine). BAD_INPUT otherwise. */
export function parseAdjustmentsJson(text: string, fileName: string): Adjustment[] {
  const parsed = adjustmentsFileSchema.safeParse(parseJsonFile(text, fileName, NOTHING_SAVED));
  if (!parsed.success) {
    refuse(fileName, parsed.error.issues.map((issue) => {
      const path = jsonPath(issue.path);
      // The schema's own messages read on from the field ("is not a date..."); zod's are sentences of their own.
      const joint = /^[a-z]/.test(issue.message) ? ' ' : ': ';
      return path === '' ? issue.message : `${path}${joint}${issue.message}`;
    }));
  }
  const problems = engineProblems(parsed.data.adjustments);
  if (problems.length > 0) refuse(fileName, problems);
  return parsed.data.adjustments;
}

/**
 * Saves a list of adjustments in one transaction: new IDs are added, known ones replaced, identical ones left alone
 * (no audit entry for a change that is none). Each change goes through saveAdjustment, so it is checked against the
 * stored adjustments too and audited with `reason`. Refused whole (BAD_INPUT, or the store's error prefixed with the
 * entry's path) when anything is wrong.
 */
export function importAdjustments(db: Database.Database, adjustments: readonly Adjustment[], reason: string,
  actor: Actor): AdjustmentsImportResult {
  if (reason.trim() === '') {
    throw new StackmeterError('INVALID_ARGUMENT', 'Give a reason for the import: it is recorded in the audit log.');
  }
  const problems = engineProblems(adjustments);
  if (problems.length > 0) refuse('The adjustments', problems);
  return db.transaction(() => {
    const stored = new Map(listAdjustments(db).map((a) => [a.id, canonicalJson(a)]));
    const result: AdjustmentsImportResult = { added: [], replaced: [], unchanged: [] };
    adjustments.forEach((adjustment, index) => {
      const before = stored.get(adjustment.id);
      if (before === canonicalJson(adjustment)) {
        result.unchanged.push(adjustment.id);
        return;
      }
      try {
        saveAdjustment(db, adjustment, reason, actor);
      } catch (err) {
        if (!(err instanceof StackmeterError)) throw err;
        throw new StackmeterError(err.code, `adjustments[${index}] ("${adjustment.id}"): ${err.message} `
          + 'Nothing was saved.');
      }
      (before === undefined ? result.added : result.replaced).push(adjustment.id);
    });
    return result;
  }).immediate();
}

/**
 * Writes every stored adjustment to the exports folder as `stackmeter-adjustments-<YYYYMMDD-HHMMSS>.json` (`-2`...
 * when taken), atomically, and records the export in the audit log. `rows`: the adjustments written.
 */
export async function exportAdjustments(db: Database.Database, dir: string, actor: Actor,
  audit: AuditSink = cacheAuditSink(db)): Promise<ExportResult> {
  const adjustments = listAdjustments(db);
  const base = `stackmeter-adjustments-${fileTimeStamp(actor.at)}`;
  const written = await writeExport(dir, base, 'json', (temp) => writeNewFile(temp, adjustmentsJson(adjustments)));
  return auditExport(audit, { subject: 'adjustments', details: { format: 'json', adjustments: adjustments.length } },
    { fileName: written.fileName, path: written.path, rows: adjustments.length, bytes: written.bytes }, actor);
}
