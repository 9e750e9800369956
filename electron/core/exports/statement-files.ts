import { mkdir, stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PdfLayout, StatementDocument, StatementExportFormat } from '../../shared/chargeback.ts';
import type { ExportResult } from '../../shared/domain.ts';
import { publishExport, temporaryPath, writeNewFile } from './export-file.ts';
import { focusRows, focusRowsCsv, type FocusOptions } from './focus.ts';
import { statementCsv, statementCsvRows } from './statement-csv.ts';
import { renderStatementPdf } from './statement-pdf.ts';
import {
  adjustmentLinesOfTenant, linesOfTenant, statementNames, statementTenantIds,
} from './statement-text.ts';
import { statementXlsx } from './statement-xlsx.ts';

export interface StatementExportOptions {
  /** The exports folder (created when missing). */
  dir: string;
  /**
   * PDF only: 'per-tenant' (the default) writes one PDF per tenant; 'combined' one PDF with a section per tenant.
   */
  pdfLayout?: PdfLayout;
  /** FOCUS only: the provider, publisher and invoice issuer names. */
  focus?: FocusOptions;
}

/** A file's name without the folder: `stackmeter-statement-<id>[-<tenant>]`, then `.pdf`, `.csv`, ... */
interface PlannedFile {
  base: string;
  ext: string;
  data: string | Uint8Array;
  rows: number;
}

/**
 * Text made safe for a file name: lower-case letters, digits and single hyphens (no dots, slashes or spaces), so that
 * the browser-mode download route can accept export names by a strict pattern.
 */
function slug(text: string, maxLength: number): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength).replace(/-+$/, '');
}

/** The file name part of a statement ID, keeping its case ('ST-202610-0001-C1'). */
function statementSlug(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return safe === '' ? 'statement' : safe;
}

function tenantSlug(label: string, tenantId: string | null): string {
  if (tenantId === null) return 'unknown-tenant';
  return slug(label, 48) || slug(tenantId, 48) || 'tenant';
}

async function plan(doc: StatementDocument, format: StatementExportFormat, options: StatementExportOptions):
  Promise<PlannedFile[]> {
  const base = `stackmeter-statement-${statementSlug(doc.id)}`;
  switch (format) {
    case 'csv':
      return [{ base, ext: 'csv', data: statementCsv(doc), rows: statementCsvRows(doc).length - 1 }];
    case 'xlsx':
      return [{
        base, ext: 'xlsx', data: await statementXlsx(doc),
        rows: doc.result.lines.length + doc.result.adjustmentLines.length,
      }];
    case 'focus': {
      const rows = focusRows(doc, options.focus);
      // '.focus.csv' keeps it apart from the statement CSV of the same statement.
      return [{ base, ext: 'focus.csv', data: focusRowsCsv(rows), rows: rows.length }];
    }
    case 'pdf': {
      if (options.pdfLayout === 'combined') {
        return [{
          base, ext: 'pdf', data: await renderStatementPdf(doc),
          rows: doc.result.lines.length + doc.result.adjustmentLines.length,
        }];
      }
      const names = statementNames(doc);
      const files: PlannedFile[] = [];
      for (const tenantId of statementTenantIds(doc)) {
        files.push({
          base: `${base}-${tenantSlug(names.tenant(tenantId), tenantId)}`, ext: 'pdf',
          data: await renderStatementPdf(doc, [tenantId]),
          rows: linesOfTenant(doc, tenantId).length + adjustmentLinesOfTenant(doc, tenantId).length,
        });
      }
      return files;
    }
  }
}

/**
 * Writes a statement in one format into the exports folder: `stackmeter-statement-<id>.<csv|xlsx|focus.csv|pdf>`, or
 * for per-tenant PDFs `stackmeter-statement-<id>-<tenant>.pdf` each (`-2`, `-3`... when a name is taken). Every file is
 * rendered in memory, written under a temporary name and flushed, and only then named; if any step fails, the files of
 * this call that were already named are removed again, so an export is either complete or absent.
 */
export async function writeStatementFiles(doc: StatementDocument, format: StatementExportFormat,
  options: StatementExportOptions): Promise<ExportResult[]> {
  const files = await plan(doc, format, options);
  await mkdir(options.dir, { recursive: true });
  const staged: Array<{ file: PlannedFile; temp: string }> = [];
  const published: string[] = [];
  try {
    for (const file of files) {
      const temp = temporaryPath(options.dir, file.base);
      staged.push({ file, temp });
      await writeNewFile(temp, file.data);
    }
    const results: ExportResult[] = [];
    for (const { file, temp } of staged) {
      const path = await publishExport(temp, options.dir, file.base, file.ext);
      published.push(path);
      results.push({ fileName: basename(path), path, rows: file.rows, bytes: (await stat(path)).size });
    }
    return results;
  } catch (err) {
    await Promise.all([...staged.map((s) => s.temp), ...published].map((p) => unlink(p).catch(() => undefined)));
    throw err;
  }
}
