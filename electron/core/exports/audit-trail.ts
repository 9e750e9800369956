import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import pdfmake from 'pdfmake';
import type { AuditExportFormat, ReadOnlyInfo } from '../../shared/auditor.ts';
import type { ExportResult } from '../../shared/domain.ts';
import type { AuditVerification } from '../../shared/rating.ts';
import type { AuditSource } from '../auditor/audit-source.ts';
import type { Actor, StoredAuditEntry } from '../chargeback/audit-log.ts';
import type { AuditSink } from '../chargeback/audit-sink.ts';
import { auditExport } from './export-audit.ts';
import { fileTimeStamp, writeExport, writeNewFile } from './export-file.ts';
import { csvRecord, neutraliseFormula } from './spreadsheet-safe.ts';
import { preparePdfmake } from './statement-pdf.ts';

// The audit trail for reviewers: every entry of the hash-chained audit log, oldest first, as a printable A4 PDF (what
// was opened and the chain's verdict on the first page) or a CSV with every field, details and hashes included. Both
// are made from one read of the log and its verification, so the verdict is about exactly the entries printed.

export interface AuditTrail {
  /** The cache file the log was read from (in auditor mode on a bundle: the temporary cache it was read into). */
  cachePath: string;
  /** Auditor mode's description of what was opened; null when the cache is open normally. */
  readOnly: ReadOnlyInfo | null;
  printedAt: string;
  printedBy: string;
  verification: AuditVerification;
  entries: StoredAuditEntry[];
}

/** The log and its verification (read together), and who prints it when. */
export function readAuditTrail(source: AuditSource, cachePath: string, readOnly: ReadOnlyInfo | null, actor: Actor):
AuditTrail {
  return { cachePath, readOnly, printedAt: actor.at.toISOString(), printedBy: actor.user, ...source.trail() };
}

/** The verdict in one sentence. */
export function verdictText(v: AuditVerification): string {
  const entries = `${v.entries.toLocaleString('en-US')} ${v.entries === 1 ? 'entry' : 'entries'}`;
  return v.intact
    ? `Intact: ${entries} verified; every entry is unchanged, none is missing, all are in order.`
    : `BROKEN at entry ${v.brokenAt}: ${v.problem} (${entries} read up to there.)`;
}

/** What the trail was read from, as label/value pairs (PDF first page). */
export function sourceFacts(trail: AuditTrail): Array<[string, string]> {
  const { readOnly } = trail;
  if (readOnly === null) return [['Cache', trail.cachePath], ['Mode', 'normal (read and write)']];
  const facts: Array<[string, string]> = [
    [readOnly.source === 'bundle' ? 'Bundle' : 'Cache', readOnly.path],
    ['Mode', `auditor mode (read-only), opened ${readOnly.openedAt}`],
  ];
  if (readOnly.fingerprint !== null) facts.push(['Signed by key', readOnly.fingerprint]);
  if (readOnly.bundle !== null) {
    const { manifestSha256, period, stamps } = readOnly.bundle;
    facts.push(['Bundle period', `${period.from} to ${period.to} (end excluded), stamps ${stamps.join(', ') || 'none'}`],
      ['Manifest SHA-256', manifestSha256]);
  }
  return facts;
}

export const AUDIT_TRAIL_CSV_HEADERS = [
  'Seq', 'Time (UTC)', 'User', 'Action', 'Subject', 'Reason', 'Details', 'Previous hash', 'Hash',
] as const;

/** The CSV: a BOM, a header row, one CRLF row per entry; text that a spreadsheet would run is neutralised. */
export function auditTrailCsv(trail: AuditTrail): string {
  const rows = trail.entries.map((e) => [String(e.seq), e.at, e.user, e.action, e.subject, e.reason ?? '',
    e.details ?? '', e.prevHash, e.hash]);
  return `\uFEFF${[[...AUDIT_TRAIL_CSV_HEADERS], ...rows].map((r) => csvRecord(r.map(neutraliseFormula))).join('')}`;
}

const GREY = '#5f6b7a';
const RED = '#b42318';
/** Details longer than this are shortened in the PDF; the CSV has them whole. */
const PDF_DETAILS_CHARS = 400;

function detailsText(details: string | null): string | null {
  if (details === null) return null;
  return details.length <= PDF_DETAILS_CHARS ? details
    : `${details.slice(0, PDF_DETAILS_CHARS)}… (${details.length.toLocaleString('en-US')} characters; `
      + 'whole in the CSV)';
}

function entryRow(e: StoredAuditEntry, brokenAt: number | null): TableCell[] {
  const broken = brokenAt !== null && e.seq >= brokenAt;
  const details = detailsText(e.details);
  return [
    { text: String(e.seq), bold: broken, color: broken ? RED : undefined },
    { text: e.at.replace('T', ' ').replace('Z', '') },
    { text: e.user },
    { text: e.action },
    { stack: [{ text: e.subject }, ...(details === null ? [] : [{ text: details, fontSize: 5.5, color: GREY }])] },
    { text: e.reason ?? '—', color: e.reason === null ? GREY : undefined },
    { stack: [{ text: e.hash, fontSize: 5.5 }, { text: `prev ${e.prevHash}`, fontSize: 5, color: GREY }] },
  ];
}

/** The pdfmake document: A4 landscape, first page what was read and the verdict, then every entry oldest first. */
export function auditTrailPdfDefinition(trail: AuditTrail): TDocumentDefinitions {
  const v = trail.verification;
  const facts: Array<[string, string]> = [
    ...sourceFacts(trail),
    ['Entries', trail.entries.length.toLocaleString('en-US')],
    ['Last hash', trail.entries.at(-1)?.hash ?? '— (the log is empty)'],
    ['Printed', `${trail.printedAt} by ${trail.printedBy}`],
  ];
  const head = ['Seq', 'Time (UTC)', 'User', 'Action', 'Subject and details', 'Reason', 'Hash (and previous hash)']
    .map((text) => ({ text, bold: true }));
  const content: Content[] = [
    { text: 'Audit trail', style: 'h1' },
    {
      text: `Chain verification — ${verdictText(v)}`, bold: true, fontSize: 10, color: v.intact ? '#067647' : RED,
      margin: [0, 4, 0, 6],
    },
    {
      table: { widths: [80, '*'], body: facts.map(([name, value]) => [{ text: name, color: GREY }, { text: value }]) },
      layout: 'noBorders', fontSize: 8.5, margin: [0, 0, 0, 6],
    },
    {
      text: 'Each entry\'s hash is the SHA-256 of its fields and the previous entry\'s hash, so an entry changed, '
        + 'removed or inserted afterwards breaks the chain from there on. "stackmeter audit verify" recomputes it.',
      fontSize: 7, color: GREY, margin: [0, 0, 0, 10],
    },
    trail.entries.length === 0
      ? { text: 'The audit log is empty: nothing has been changed or exported yet.', italics: true }
      : {
        table: {
          headerRows: 1, dontBreakRows: true, widths: [24, 62, 52, 66, '*', 110, 150],
          body: [head, ...trail.entries.map((e) => entryRow(e, v.brokenAt))] as TableCell[][],
        },
        layout: 'lightHorizontalLines', fontSize: 7,
      },
  ];
  const what = trail.readOnly?.path ?? trail.cachePath;
  return {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [36, 36, 36, 44],
    info: {
      title: `Audit trail — ${what}`, author: 'Stackmeter', creator: 'Stackmeter', producer: 'Stackmeter',
      subject: verdictText(v), creationDate: new Date(trail.printedAt),
    },
    footer: (currentPage: number, pageCount: number): Content => ({
      columns: [
        { text: `Audit trail, ${trail.entries.length} entries, chain ${v.intact ? 'intact' : 'BROKEN'}`,
          alignment: 'left' },
        { text: `page ${currentPage} of ${pageCount}`, alignment: 'right' },
      ],
      fontSize: 7, color: GREY, margin: [36, 14, 36, 0],
    }),
    content,
    styles: { h1: { fontSize: 14, bold: true, margin: [0, 0, 0, 2] } },
    defaultStyle: { font: 'Roboto', fontSize: 8, lineHeight: 1.1 },
  };
}

export async function renderAuditTrailPdf(trail: AuditTrail): Promise<Buffer> {
  await preparePdfmake();
  return pdfmake.createPdf(auditTrailPdfDefinition(trail)).getBuffer();
}

export interface AuditTrailTarget {
  dir: string;
  actor: Actor;
  /** Where the export's own entry goes (nowhere in auditor mode). */
  audit: AuditSink;
  cachePath: string;
  readOnly: ReadOnlyInfo | null;
}

/** Writes `stackmeter-audit-trail-<YYYYMMDD-HHMMSS>.pdf|csv` to the exports folder; `rows`: the entries printed. */
export async function exportAuditTrail(source: AuditSource, format: AuditExportFormat, target: AuditTrailTarget):
Promise<ExportResult> {
  const trail = readAuditTrail(source, target.cachePath, target.readOnly, target.actor);
  const data = format === 'pdf' ? await renderAuditTrailPdf(trail) : auditTrailCsv(trail);
  const base = `stackmeter-audit-trail-${fileTimeStamp(target.actor.at)}`;
  const written = await writeExport(target.dir, base, format, (temp) => writeNewFile(temp, data));
  const { verification } = trail;
  return auditExport(target.audit, {
    subject: 'audit-trail',
    details: {
      format, entries: trail.entries.length, intact: verification.intact, brokenAt: verification.brokenAt,
      lastHash: trail.entries.at(-1)?.hash ?? null,
    },
  }, { fileName: written.fileName, path: written.path, rows: trail.entries.length, bytes: written.bytes },
  target.actor);
}
