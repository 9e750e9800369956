import type { StatementDocument } from '../../shared/chargeback.ts';
import type { AdjustmentLine, RatedLine } from '../../shared/rating.ts';
import { csvRecord, neutraliseFormula } from './spreadsheet-safe.ts';
import {
  conversionText, granularityText, kindText, periodText, stampsText, statementNames, statementTenantIds, tenantTotals,
  tierBreakdownText, unitPriceText, unratedReasonText, versionsText, type StatementNames,
} from './statement-text.ts';

/** The statement CSV's columns. `Record` says what a row is: usage, adjustment, tenant total or statement total. */
export const STATEMENT_CSV_HEADERS = [
  'Statement', 'Record', 'Month', 'Tenant', 'Tenant ID', 'Subscription', 'Subscription ID', 'Meter', 'Meter ID',
  'Status', 'Quantity', 'Consumed unit', 'Priced quantity', 'Pricing unit', 'Conversion', 'Unit price',
  'Rate card version', 'Adjustment step', 'Adjustment', 'Adjustment ID', 'Detail', 'Amount', 'Currency',
] as const;

type Header = (typeof STATEMENT_CSV_HEADERS)[number];
type Cells = Partial<Record<Header, string>>;

function usageCells(doc: StatementDocument, names: StatementNames, line: RatedLine): Cells {
  const tiers = tierBreakdownText(line);
  return {
    Record: 'usage',
    Month: line.month,
    Tenant: names.tenant(line.tenantId),
    'Tenant ID': line.tenantId ?? '',
    Subscription: names.subscription(line.subscriptionId),
    'Subscription ID': line.subscriptionId,
    Meter: line.meterName ?? '',
    'Meter ID': line.meterId,
    Status: line.status,
    Quantity: line.quantity,
    'Consumed unit': line.consumedUnit ?? '',
    'Priced quantity': line.convertedQuantity ?? '',
    'Pricing unit': line.pricingUnit ?? '',
    Conversion: conversionText(line) ?? '',
    'Unit price': unitPriceText(line),
    'Rate card version': line.rateCardVersion === null ? '' : String(line.rateCardVersion),
    Detail: line.status === 'unrated' ? unratedReasonText(line.unratedReason) : tiers ?? '',
    // Unrated usage has no amount: the cell stays empty rather than claiming a charge of zero.
    Amount: line.amount ?? '',
    Currency: doc.result.currency,
  };
}

function adjustmentCells(doc: StatementDocument, names: StatementNames, line: AdjustmentLine): Cells {
  return {
    Record: 'adjustment',
    Month: line.month,
    Tenant: names.tenant(line.tenantId),
    'Tenant ID': line.tenantId ?? '',
    Subscription: line.subscriptionId === null ? '' : names.subscription(line.subscriptionId),
    'Subscription ID': line.subscriptionId ?? '',
    'Adjustment step': String(line.step),
    Adjustment: `${line.type}: ${line.label}`,
    'Adjustment ID': line.adjustmentId,
    Detail: line.detail,
    Amount: line.amount,
    Currency: doc.result.currency,
  };
}

function provenance(doc: StatementDocument): string {
  return [
    kindText(doc),
    `status ${doc.status}`,
    `period ${periodText(doc)}`,
    `stamps ${stampsText(doc)}`,
    `usage ${granularityText(doc)}`,
    `rate card ${doc.rateCard.name} (${doc.rateCard.id}) ${versionsText(doc.rateCard.versions)}`,
    `statement hash ${doc.hash ?? 'none (draft)'}`,
    `input hash ${doc.inputHash}`,
  ].join('; ');
}

/** Every row of the statement CSV as text cells in header order (header row first). */
export function statementCsvRows(doc: StatementDocument): string[][] {
  const names = statementNames(doc);
  const rows: Cells[] = [
    ...doc.result.lines.map((l) => usageCells(doc, names, l)),
    ...doc.result.adjustmentLines.map((l) => adjustmentCells(doc, names, l)),
    ...statementTenantIds(doc).map((tenantId): Cells => {
      const totals = tenantTotals(doc, tenantId);
      return {
        Record: 'tenant total',
        Tenant: names.tenant(tenantId),
        'Tenant ID': tenantId ?? '',
        Detail: `usage ${totals.usage}, adjustments ${totals.adjustments}`,
        Amount: totals.total,
        Currency: doc.result.currency,
      };
    }),
    {
      Record: 'statement total',
      Detail: provenance(doc),
      Amount: doc.result.totals.total,
      Currency: doc.result.currency,
    },
  ];
  return [
    [...STATEMENT_CSV_HEADERS],
    ...rows.map((cells) => STATEMENT_CSV_HEADERS.map((h) => (h === 'Statement' ? doc.id : cells[h] ?? ''))),
  ];
}

/**
 * The statement as one CSV table: its usage lines (unrated ones with an empty amount and "not charged: unrated"),
 * its adjustment lines, a total row per tenant and the statement total, whose Detail carries the statement and input
 * hashes. UTF-8 with a byte order mark (so that Excel reads it as UTF-8), CRLF line ends, RFC 4180 quoting; text a
 * spreadsheet would run as a formula is neutralised. Filter on `Record` before summing `Amount`: the total rows repeat
 * the sum of the lines.
 */
export function statementCsv(doc: StatementDocument): string {
  return `\uFEFF${statementCsvRows(doc).map((row) => csvRecord(row.map(neutraliseFormula))).join('')}`;
}
