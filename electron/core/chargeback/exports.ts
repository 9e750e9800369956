import type Database from 'better-sqlite3';
import type {
  ChargebackExportFormat, ChargebackQuery, PdfLayout, StatementDocument, StatementExportFormat,
} from '../../shared/chargeback.ts';
import type { ExportResult } from '../../shared/domain.ts';
import { exportChargeback } from '../exports/chargeback-export.ts';
import { auditExport } from '../exports/export-audit.ts';
import { writeStatementFiles } from '../exports/statement-files.ts';
import { listAdjustments } from './adjustments-store.ts';
import type { Actor } from './audit-log.ts';
import { cacheAuditSink, type AuditSink } from './audit-sink.ts';
import { runChargeback } from './chargeback.ts';
import { periodOf } from './rating-run.ts';
import { draftStatement, getStatement } from './statements.ts';

/**
 * Statements and chargeback runs written to the exports folder, each export recorded in the audit log
 * (export-audit.ts) with the statement's hashes or the run's inputs.
 */

export interface ExportTarget {
  /** The exports folder. */
  dir: string;
  actor: Actor;
  /** Where the export entry goes; default the cache's audit log (auditor mode passes one that records nothing). */
  audit?: AuditSink;
}

const layoutOf = (format: StatementExportFormat, pdfLayout: PdfLayout | undefined): PdfLayout | null =>
  (format === 'pdf' ? pdfLayout ?? 'per-tenant' : null);

/** A stored statement (draft, finalized or correction) as PDF, CSV, XLSX or FOCUS 1.2 files. */
export async function exportStatement(db: Database.Database, id: string, format: StatementExportFormat,
  pdfLayout: PdfLayout | undefined, target: ExportTarget): Promise<ExportResult[]> {
  const doc = getStatement(db, id);
  const layout = layoutOf(format, pdfLayout);
  const files = await writeStatementFiles(doc, format, { dir: target.dir, pdfLayout: layout ?? undefined });
  return auditExport(target.audit ?? cacheAuditSink(db), {
    subject: `statement:${doc.id}`,
    details: {
      statementId: doc.id, status: doc.status, format, pdfLayout: layout, hash: doc.hash, inputHash: doc.inputHash,
    },
  }, files, target.actor);
}

/**
 * The ID an unsaved draft statement is printed with: `DRAFT-<first day>-<day after the last>` (YYYYMMDD). Statement
 * IDs are `ST-...`, so it can never be taken for a stored one, and the statement tools refuse it.
 */
function unsavedDraftId(period: { from: string; to: string }): string {
  return `DRAFT-${period.from.replaceAll('-', '')}-${period.to.replaceAll('-', '')}`;
}

/**
 * The statement a chargeback run would make, exactly as statements:create makes it (same usage, card, adjustments and
 * granularity), but never saved: status draft, an ID that says DRAFT.
 */
export function unsavedStatement(db: Database.Database, query: ChargebackQuery, actor: Actor): StatementDocument {
  const { period } = periodOf(query.period);
  const input = {
    period: query.period, rateCardId: query.rateCardId, stamps: query.stamps, granularity: query.granularity,
  };
  return db.transaction(() => draftStatement(db, input, unsavedDraftId(period), actor))();
}

/**
 * A chargeback run as files: CSV or XLSX of its rows per group, or PDF and FOCUS of the unsaved draft statement of
 * its period (one PDF per tenant unless the layout is 'combined'; the grouping does not apply to them).
 */
export async function exportChargebackRun(db: Database.Database, query: ChargebackQuery,
  format: ChargebackExportFormat, pdfLayout: PdfLayout | undefined, target: ExportTarget): Promise<ExportResult[]> {
  if (format === 'csv' || format === 'xlsx') {
    const result = runChargeback(db, query, listAdjustments(db));
    const file = await exportChargeback(result, format, { dir: target.dir, now: target.actor.at });
    return auditExport(target.audit ?? cacheAuditSink(db), {
      subject: `chargeback:${result.period.from}/${result.period.to}`,
      details: {
        format, by: result.by, tagKey: result.tagKey, period: result.period, stamps: result.stamps,
        granularity: result.granularity, rateCard: result.rateCard.id, versions: result.rateCard.versions,
        total: result.totals.total,
      },
    }, [file], target.actor);
  }
  const doc = unsavedStatement(db, query, target.actor);
  const layout = layoutOf(format, pdfLayout);
  const files = await writeStatementFiles(doc, format, { dir: target.dir, pdfLayout: layout ?? undefined });
  return auditExport(target.audit ?? cacheAuditSink(db), {
    subject: `chargeback:${doc.period.from}/${doc.period.to}`,
    details: {
      format, pdfLayout: layout, statementId: doc.id, status: 'draft (not saved)', period: doc.period,
      stamps: doc.stamps, granularity: doc.granularity, rateCard: doc.rateCard.id, versions: doc.rateCard.versions,
      inputHash: doc.inputHash, total: doc.result.totals.total,
    },
  }, files, target.actor);
}
