import ExcelJS from 'exceljs';
import type { StatementDocument } from '../../shared/chargeback.ts';
import { neutraliseFormula, survivesDouble } from './spreadsheet-safe.ts';
import {
  conversionText, granularityText, kindText, NOT_CHARGED_UNRATED, periodText, stampsText, statementHashText,
  statementNames, statementTenantIds, statusText, tenantTotals, tierBreakdownText, unitPriceText, unratedReasonText,
  versionsText,
} from './statement-text.ts';

/** A cell's content: text, or an exact decimal that becomes a number cell when a double holds it exactly. */
type Cell = string | { decimal: string } | null;

const decimal = (text: string | null): Cell => (text === null ? null : { decimal: text });

interface SheetSpec {
  name: string;
  columns: Array<{ header: string; width: number; money?: boolean }>;
  rows: Cell[][];
  /** Rows (0-based, after the header) printed in bold: totals. */
  boldRows?: number[];
}

/** '#,##0.00' for 2 minor units, '#,##0' for 0: how amount cells are shown (the value itself stays exact). */
function moneyFormat(minorUnits: number): string {
  return minorUnits === 0 ? '#,##0' : `#,##0.${'0'.repeat(minorUnits)}`;
}

/**
 * The cell value: a decimal is a number only when the double a spreadsheet stores reads back as the same decimal, else
 * text, so that no amount or quantity is silently changed (17 significant digits, or more, stay text). Text that a
 * spreadsheet would run as a formula is neutralised.
 */
function cellValue(cell: Cell): string | number | null {
  // An empty cell rather than an empty text, so that a blank reads as blank in formulas and filters.
  if (cell === null || cell === '') return null;
  if (typeof cell === 'string') return neutraliseFormula(cell);
  return survivesDouble(cell.decimal) ? Number(cell.decimal) : neutraliseFormula(cell.decimal);
}

function addSheet(workbook: ExcelJS.Workbook, spec: SheetSpec, minorUnits: number): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = spec.columns.map((c, i) => ({
    header: neutraliseFormula(c.header), key: `c${i}`, width: c.width,
    ...(c.money ? { style: { numFmt: moneyFormat(minorUnits) } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  spec.rows.forEach((cells, index) => {
    const row = sheet.addRow(cells.map(cellValue));
    if (spec.boldRows?.includes(index)) row.font = { bold: true };
  });
}

function summarySheet(doc: StatementDocument): SheetSpec {
  const names = statementNames(doc);
  const tenants = statementTenantIds(doc);
  const unratedLines = (tenantId: string | null): number =>
    doc.result.lines.filter((l) => l.tenantId === tenantId && l.status === 'unrated').length;
  const rows: Cell[][] = tenants.map((tenantId) => {
    const t = tenantTotals(doc, tenantId);
    return [names.tenant(tenantId), tenantId ?? '', decimal(t.usage), decimal(t.adjustments), decimal(t.total),
      doc.result.currency, decimal(String(unratedLines(tenantId)))];
  });
  const all = doc.result.totals;
  rows.push(['Total', '', decimal(all.usage), decimal(all.adjustments), decimal(all.total), doc.result.currency,
    decimal(String(doc.result.lines.filter((l) => l.status === 'unrated').length))]);
  return {
    name: 'Summary',
    columns: [
      { header: 'Tenant', width: 32 }, { header: 'Tenant ID', width: 38 },
      { header: 'Usage', width: 16, money: true }, { header: 'Adjustments', width: 16, money: true },
      { header: 'Total', width: 16, money: true }, { header: 'Currency', width: 10 },
      { header: 'Unrated lines (not charged)', width: 26 },
    ],
    rows,
    boldRows: [rows.length - 1],
  };
}

function linesSheet(doc: StatementDocument): SheetSpec {
  const names = statementNames(doc);
  return {
    name: 'Lines',
    columns: [
      { header: 'Month', width: 10 }, { header: 'Tenant', width: 28 }, { header: 'Tenant ID', width: 38 },
      { header: 'Subscription', width: 28 }, { header: 'Subscription ID', width: 38 }, { header: 'Meter', width: 28 },
      { header: 'Meter ID', width: 38 }, { header: 'Status', width: 10 }, { header: 'Quantity', width: 22 },
      { header: 'Consumed unit', width: 18 }, { header: 'Priced quantity', width: 22 },
      { header: 'Pricing unit', width: 18 }, { header: 'Conversion', width: 24 }, { header: 'Unit price', width: 18 },
      { header: 'Rate card version', width: 10 }, { header: 'Amount', width: 16, money: true },
      { header: 'Currency', width: 10 }, { header: 'Note', width: 40 },
    ],
    rows: doc.result.lines.map((l) => [
      l.month, names.tenant(l.tenantId), l.tenantId ?? '', names.subscription(l.subscriptionId), l.subscriptionId,
      l.meterName ?? '', l.meterId, l.status, decimal(l.quantity), l.consumedUnit ?? '', decimal(l.convertedQuantity),
      l.pricingUnit ?? '', conversionText(l) ?? '', unitPriceText(l),
      l.rateCardVersion === null ? null : decimal(String(l.rateCardVersion)),
      // Unrated usage has no amount: the words say so, a zero would claim a charge.
      l.amount === null ? NOT_CHARGED_UNRATED : decimal(l.amount), doc.result.currency,
      l.status === 'unrated' ? unratedReasonText(l.unratedReason) : tierBreakdownText(l) ?? '',
    ]),
  };
}

function adjustmentsSheet(doc: StatementDocument): SheetSpec {
  const names = statementNames(doc);
  return {
    name: 'Adjustments',
    columns: [
      { header: 'Month', width: 10 }, { header: 'Step', width: 6 }, { header: 'Type', width: 16 },
      { header: 'Adjustment', width: 28 }, { header: 'Adjustment ID', width: 20 }, { header: 'Tenant', width: 28 },
      { header: 'Tenant ID', width: 38 }, { header: 'Subscription', width: 28 },
      { header: 'Subscription ID', width: 38 }, { header: 'Base', width: 16, money: true },
      { header: 'Percent', width: 10 }, { header: 'Detail', width: 50 }, { header: 'Amount', width: 16, money: true },
      { header: 'Currency', width: 10 },
    ],
    rows: doc.result.adjustmentLines.map((a) => [
      a.month, decimal(String(a.step)), a.type, a.label, a.adjustmentId, names.tenant(a.tenantId), a.tenantId ?? '',
      a.subscriptionId === null ? 'whole tenant' : names.subscription(a.subscriptionId), a.subscriptionId ?? '',
      decimal(a.base), decimal(a.percent), a.detail, decimal(a.amount), doc.result.currency,
    ]),
  };
}

function aboutSheet(doc: StatementDocument): SheetSpec {
  const r = doc.result;
  const rows: Cell[][] = [
    ['Statement', doc.id],
    ['Kind', kindText(doc)],
    ['Status', statusText(doc)],
    ['Period', periodText(doc)],
    ['Stamps', stampsText(doc)],
    ['Usage', granularityText(doc)],
    ['Rate card', `${doc.rateCard.name} (${doc.rateCard.id})`],
    ['Rate card versions', versionsText(doc.rateCard.versions)],
    ['Currency', `${r.currency} (${r.minorUnits} decimals)`],
    ['Rounding', `${r.rounding.mode}, ${r.rounding.point === 'line' ? 'per line' : 'once per statement'}`],
    ['Created', `${doc.createdAt} by ${doc.createdBy}`],
    ['Statement hash', statementHashText(doc)],
    ['Input hash', doc.inputHash],
    ['Total', `${r.totals.total} ${r.currency}`],
    ['', ''],
    ['Adjustment order', ''],
    ...r.adjustmentOrder.map((s): Cell[] => [`Step ${s.step}: ${s.type}`, s.description]),
  ];
  if (r.unrated.length > 0) {
    rows.push(['', ''], ['Unrated usage', NOT_CHARGED_UNRATED]);
    for (const u of r.unrated) {
      rows.push([u.meterId, `${u.quantity} in ${u.lines} line(s): ${unratedReasonText(u.reason)}`]);
    }
  }
  if (r.unmatchedAdjustments.length > 0) {
    rows.push(['', ''], ['Adjustments matching no subscription', r.unmatchedAdjustments.join(', ')]);
  }
  return {
    name: 'About',
    columns: [{ header: 'Stackmeter statement', width: 34 }, { header: '', width: 100 }],
    rows,
  };
}

/**
 * The statement as an XLSX workbook: Summary (per tenant usage, adjustments and total, then the statement total),
 * Lines (every usage line, unrated ones as "not charged: unrated"), Adjustments, and About (statement ID, status,
 * hashes, period, rate card and versions, the order adjustments apply in). Amounts and quantities are number cells
 * only when a double holds them exactly, else text; text cells are formula-safe.
 */
export async function statementXlsx(doc: StatementDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Stackmeter';
  // The statement's own time, not the export's: exporting the same statement twice gives the same workbook content.
  workbook.created = new Date(doc.finalizedAt ?? doc.createdAt);
  workbook.modified = workbook.created;
  for (const spec of [summarySheet(doc), linesSheet(doc), adjustmentsSheet(doc), aboutSheet(doc)]) {
    addSheet(workbook, spec, doc.result.minorUnits);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
