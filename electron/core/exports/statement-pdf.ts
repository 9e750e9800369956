import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { StatementDocument } from '../../shared/chargeback.ts';
import type { AdjustmentLine, RatedLine } from '../../shared/rating.ts';
import { findCurrency } from '../rating/currencies.ts';
import { formatDecimal, RatingDecimal } from '../rating/decimal.ts';
import {
  adjustmentLinesOfTenant, billedQuantityText, conversionText, formatMoney, formatQuantity, granularityText, kindText,
  linesOfTenant, NOT_CHARGED_UNRATED, periodText, stampsText, statementHashText, statementNames, statementTenantIds,
  statusText, sumDecimals, tenantTotals, tierBreakdownText, unitPriceText, unratedReasonText, versionsText,
  type StatementNames,
} from './statement-text.ts';

// Statements as printable A4 PDFs (pdfmake). statementPdfDefinition is a pure function from the statement to the
// document definition; renderStatementPdf lays it out. The bytes depend on nothing but the statement: the creation date
// is the statement's own (finalized, else created), pdfmake's file ID is derived from the document information, and the
// fonts are the Roboto files shipped inside pdfmake, read from its virtual file system (no system fonts, no network).

const GREY = '#5f6b7a';

/** One row of the key/value block at the top of a section; `fine` prints long values such as hashes smaller. */
function fact(name: string, value: string, fine = false): TableCell[] {
  return [
    { text: name, color: GREY },
    fine ? { text: value, fontSize: 7.5 } : { text: value },
  ];
}

function currencyText(doc: StatementDocument): string {
  const info = findCurrency(doc.rateCard.currency);
  const units = doc.result.minorUnits;
  const name = info ? `${info.name}, ` : '';
  return `${doc.rateCard.currency} (${name}${units} decimal${units === 1 ? '' : 's'})`;
}

function headerFacts(doc: StatementDocument, names: StatementNames, tenantId: string | null): Content {
  const r = doc.result;
  const rows: TableCell[][] = [
    fact('Tenant', names.tenant(tenantId)),
    fact('Tenant ID', tenantId ?? 'unknown (subscriptions without a directory tenant)'),
    fact('Statement', doc.id),
    fact('Kind', kindText(doc)),
    fact('Status', statusText(doc)),
    fact('Period', periodText(doc)),
    fact('Currency', currencyText(doc)),
    fact('Rate card', `${doc.rateCard.name} (${doc.rateCard.id}), version ${versionsText(doc.rateCard.versions)}`),
    fact('Rounding', `${r.rounding.mode}, ${r.rounding.point === 'line' ? 'per line' : 'once per statement'}`),
    fact('Stamps', stampsText(doc)),
    fact('Usage', granularityText(doc)),
    fact('Created', `${doc.createdAt} by ${doc.createdBy}`),
    fact('Input hash', doc.inputHash, true),
    fact('Statement hash', statementHashText(doc), doc.hash !== null),
  ];
  return {
    table: { widths: [80, '*'], body: rows },
    layout: 'noBorders',
    fontSize: 8.5,
    margin: [0, 4, 0, 10],
  };
}

function small(text: string): Content {
  return { text, fontSize: 6.5, color: GREY };
}

/**
 * A converted quantity for reading: a division such as GB*hours over the 672 hours of a month may not end (the engine
 * keeps 50 digits), so more than DISPLAY_DECIMALS decimals are shown rounded and marked '≈'. The exact value is in the
 * CSV and XLSX exports; amounts are never shortened.
 */
const DISPLAY_DECIMALS = 6;

function readableQuantity(quantity: string): string {
  const value = new RatingDecimal(quantity);
  if (value.decimalPlaces() <= DISPLAY_DECIMALS) return formatQuantity(quantity);
  return `≈ ${formatQuantity(formatDecimal(value.toDecimalPlaces(DISPLAY_DECIMALS)))}`;
}

function quantityCell(quantity: string | null, unit: string | null, note: string | null,
  show: (q: string) => string): TableCell {
  if (quantity === null) return { text: '—', color: GREY };
  const stack: Content[] = [{ text: `${show(quantity)} ${unit ?? ''}`.trim() }];
  if (note) stack.push(small(note));
  return { stack };
}

function lineRow(line: RatedLine, names: StatementNames, minorUnits: number, showMonth: boolean): TableCell[] {
  const subscription: Content[] = [{ text: names.subscription(line.subscriptionId) }, small(line.subscriptionId)];
  if (showMonth) subscription.push(small(line.month));
  const price: Content[] = [{ text: unitPriceText(line) }];
  const tiers = tierBreakdownText(line, readableQuantity);
  if (tiers) price.push(small(tiers));
  if (line.rateCardVersion !== null) price.push(small(`rate card v${line.rateCardVersion}`));
  const amount: TableCell = line.amount === null
    ? { stack: [{ text: NOT_CHARGED_UNRATED, italics: true }, small(unratedReasonText(line.unratedReason))],
      alignment: 'right' }
    : { text: formatMoney(line.amount, minorUnits), alignment: 'right' };
  return [
    { stack: subscription },
    { stack: [{ text: line.meterName ?? '(no name)' }, small(line.meterId)] },
    // The consumed quantity is an exact sum of records, printed in full; the converted one may be an endless division.
    quantityCell(line.quantity, line.consumedUnit, null, formatQuantity),
    quantityCell(line.convertedQuantity, line.pricingUnit,
      [conversionText(line), billedQuantityText(line, readableQuantity)].filter((n) => n !== null).join('; ') || null,
      readableQuantity),
    { stack: price, alignment: 'right' },
    amount,
  ];
}

function linesTable(doc: StatementDocument, lines: RatedLine[], names: StatementNames): Content {
  if (lines.length === 0) return { text: 'No usage in this period.', italics: true, margin: [0, 0, 0, 8] };
  const r = doc.result;
  const showMonth = r.months.from !== r.months.to;
  const head = ['Subscription', 'Meter', 'Quantity', 'Priced quantity', `Unit price (${r.currency})`,
    `Amount (${r.currency})`].map((text, i) => ({ text, bold: true, alignment: i >= 4 ? 'right' : 'left' }));
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [88, 92, 70, 70, 55, 58],
      body: [head, ...lines.map((l) => lineRow(l, names, r.minorUnits, showMonth))] as TableCell[][],
    },
    layout: 'lightHorizontalLines',
    fontSize: 7.5,
    margin: [0, 0, 0, 8],
  };
}

function adjustmentRow(line: AdjustmentLine, names: StatementNames, minorUnits: number, showMonth: boolean):
  TableCell[] {
  const target = line.subscriptionId === null
    ? [{ text: 'whole tenant' }]
    : [{ text: names.subscription(line.subscriptionId) }, small(line.subscriptionId)];
  const detail: Content[] = [{ text: line.detail }];
  if (showMonth) detail.push(small(line.month));
  return [
    { text: String(line.step) },
    { stack: [{ text: line.label }, small(`${line.type} ${line.adjustmentId}`)] },
    { stack: target },
    { stack: detail },
    { text: formatMoney(line.amount, minorUnits), alignment: 'right' },
  ];
}

function adjustmentsTable(doc: StatementDocument, lines: AdjustmentLine[], names: StatementNames): Content {
  if (lines.length === 0) return { text: 'No adjustments.', italics: true, margin: [0, 0, 0, 8] };
  const r = doc.result;
  const head = ['Step', 'Adjustment', 'Applies to', 'Detail', `Amount (${r.currency})`]
    .map((text, i) => ({ text, bold: true, alignment: i === 4 ? 'right' : 'left' }));
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [20, 96, 96, '*', 58],
      body: [head, ...lines.map((l) => adjustmentRow(l, names, r.minorUnits, r.months.from !== r.months.to))] as
        TableCell[][],
    },
    layout: 'lightHorizontalLines',
    fontSize: 7.5,
    margin: [0, 0, 0, 8],
  };
}

function totalsTable(doc: StatementDocument, tenantId: string | null, names: StatementNames): Content {
  const r = doc.result;
  const money = (amount: string): TableCell => ({ text: formatMoney(amount, r.minorUnits), alignment: 'right' });
  const rows: TableCell[][] = r.totals.bySubscription
    .filter((s) => s.tenantId === tenantId)
    .map((s) => [
      { stack: [{ text: names.subscription(s.subscriptionId) }, small(s.subscriptionId)] },
      money(s.usage), money(s.adjustments), money(s.total),
    ]);
  // Tenant and all-tenant adjustments (a share of a tax, a tenant's credit) belong to no subscription: their own row
  // makes the rows add up to the tenant's total.
  const tenantLevel = adjustmentLinesOfTenant(doc, tenantId).filter((a) => a.subscriptionId === null);
  if (tenantLevel.length > 0) {
    const sum = sumDecimals(tenantLevel.map((a) => a.amount));
    rows.push([{ text: 'Adjustments to the whole tenant', italics: true }, money('0'), money(sum), money(sum)]);
  }
  const t = tenantTotals(doc, tenantId);
  const bold = (amount: string): TableCell => ({ text: formatMoney(amount, r.minorUnits), alignment: 'right',
    bold: true });
  rows.push([{ text: `Total (${r.currency})`, bold: true }, bold(t.usage), bold(t.adjustments), bold(t.total)]);
  const head = ['', 'Usage', 'Adjustments', 'Total'].map((text, i) => ({ text, bold: true,
    alignment: i === 0 ? 'left' : 'right' }));
  return {
    table: { headerRows: 1, widths: ['*', 80, 80, 80], body: [head, ...rows] as TableCell[][] },
    layout: 'lightHorizontalLines',
    fontSize: 8.5,
    margin: [0, 0, 0, 8],
  };
}

/** The tenant's unrated usage per meter and unit: listed as not charged, never as zero. */
function unratedList(lines: RatedLine[]): Content[] {
  const unrated = lines.filter((l) => l.status === 'unrated');
  if (unrated.length === 0) return [];
  return [
    heading('Unrated usage (not charged)'),
    {
      text: 'This usage has no price on the rate card, so it is not charged; it is not a charge of zero either.',
      fontSize: 8, margin: [0, 0, 0, 4],
    },
    {
      ul: unrated.map((l) => `${l.meterName ?? l.meterId} (${l.meterId}), ${l.month}: `
        + `${formatQuantity(l.quantity)} ${l.consumedUnit ?? ''}`.trimEnd()
        + ` — ${NOT_CHARGED_UNRATED} (${unratedReasonText(l.unratedReason)})`),
      fontSize: 8,
      margin: [0, 0, 0, 8],
    },
  ];
}

function adjustmentOrder(doc: StatementDocument): Content[] {
  return [
    heading('Order in which adjustments apply'),
    { ol: doc.result.adjustmentOrder.map((s) => s.description), start: 0, fontSize: 7.5, margin: [0, 0, 0, 6] },
  ];
}

function notes(doc: StatementDocument): Content {
  const r = doc.result;
  const parts = [
    `Amounts are in ${r.currency}, rounded to ${r.minorUnits} decimals (${r.rounding.mode}, `
      + `${r.rounding.point === 'line' ? 'each line' : 'once per tenant and month, then apportioned to the lines'}); `
      + 'quantities are exact sums of the usage records.',
  ];
  if (r.unmatchedAdjustments.length > 0) {
    parts.push(`Adjustments that matched no subscription of this statement: ${r.unmatchedAdjustments.join(', ')}.`);
  }
  return { text: parts.join(' '), fontSize: 7, color: GREY, margin: [0, 6, 0, 0] };
}

/** A section heading; statementPdfDefinition moves one that would end a page to the next page. */
function heading(text: string): Content {
  return { text, style: 'h2', headlineLevel: 1 };
}

/** A small block (heading and content) that moves to the next page as a whole rather than being split. */
function keepTogether(content: Content[]): Content[] {
  return content.length === 0 ? [] : [{ stack: content, unbreakable: true }];
}

function tenantSection(doc: StatementDocument, names: StatementNames, tenantId: string | null, first: boolean):
  Content[] {
  const lines = linesOfTenant(doc, tenantId);
  const title = doc.kind === 'correction' ? 'Correction statement' : 'Chargeback statement';
  return [
    {
      text: `${title} — ${names.tenant(tenantId)}`, style: 'h1',
      ...(first ? {} : { pageBreak: 'before' as const }),
    },
    headerFacts(doc, names, tenantId),
    heading('Usage'),
    linesTable(doc, lines, names),
    heading('Adjustments'),
    adjustmentsTable(doc, adjustmentLinesOfTenant(doc, tenantId), names),
    ...keepTogether([heading('Totals'), totalsTable(doc, tenantId, names)]),
    ...keepTogether(unratedList(lines)),
    ...keepTogether(adjustmentOrder(doc)),
    notes(doc),
  ];
}

/**
 * The pdfmake document of a statement: one section per tenant in `tenantIds` (default: every tenant of the statement,
 * in its order), each starting on a new page. A4 portrait, page numbers "page x of y", a DRAFT watermark on drafts.
 */
export function statementPdfDefinition(doc: StatementDocument,
  tenantIds: ReadonlyArray<string | null> = statementTenantIds(doc)): TDocumentDefinitions {
  const names = statementNames(doc);
  const subject = tenantIds.length === 1 ? names.tenant(tenantIds[0] ?? null) : `${tenantIds.length} tenants`;
  const created = new Date(doc.finalizedAt ?? doc.createdAt);
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [40, 40, 40, 48],
    info: {
      title: `Statement ${doc.id} — ${subject}`,
      author: 'Stackmeter',
      subject: `Chargeback ${periodText(doc)}, ${doc.rateCard.currency}`,
      keywords: doc.hash ?? doc.inputHash,
      creator: 'Stackmeter',
      producer: 'Stackmeter',
      creationDate: created,
    },
    ...(doc.status === 'draft' ? { watermark: { text: 'DRAFT', opacity: 0.12, bold: true, fontSize: 110 } } : {}),
    footer: (currentPage: number, pageCount: number): Content => ({
      columns: [
        { text: `Statement ${doc.id}${doc.status === 'draft' ? ' (draft)' : ''}`, alignment: 'left' },
        { text: `page ${currentPage} of ${pageCount}`, alignment: 'right' },
      ],
      fontSize: 7,
      color: GREY,
      margin: [40, 16, 40, 0],
    }),
    // A heading left alone at the foot of a page goes to the next one, with the table it introduces.
    pageBreakBefore: (node, nodes) => node.headlineLevel === 1 && nodes.getFollowingNodesOnPage().length === 0,
    content: tenantIds.length === 0
      ? [{ text: `Statement ${doc.id} has no tenants.`, style: 'h1' }, headerFacts(doc, names, null)]
      : tenantIds.flatMap((id, i) => tenantSection(doc, names, id, i === 0)),
    styles: {
      h1: { fontSize: 14, bold: true, margin: [0, 0, 0, 2] },
      h2: { fontSize: 10, bold: true, margin: [0, 6, 0, 3], color: '#1f2a37' },
    },
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.1 },
  };
}

let fontsReady = false;

/**
 * pdfmake's Roboto fonts, base64 by file name, from the module pdfmake builds them into. Being code rather than files
 * beside pdfmake, they survive bundling the core into one file for Electron. The module has no type declarations: the
 * specifier is widened to string so that the compiler types the import as unknown instead of refusing it, and the
 * bundler still sees the literal.
 */
async function robotoFonts(): Promise<Record<string, string>> {
  const module = await import('pdfmake/build/vfs_fonts.js' as string) as { default: Record<string, string> };
  return module.default;
}

/**
 * Points pdfmake at the Roboto fonts it ships, loaded into its virtual file system, and forbids it every other file
 * and URL: a statement definition never asks for one, so anything else would be a bug or an injected reference.
 */
export async function preparePdfmake(): Promise<void> {
  if (fontsReady) return;
  const vfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } }).virtualfs;
  const fonts = await robotoFonts();
  for (const [name, base64] of Object.entries(fonts)) vfs.writeFileSync(name, Buffer.from(base64, 'base64'));
  pdfmake.setFonts({
    Roboto: {
      normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Italic.ttf',
      bolditalics: 'Roboto-MediumItalic.ttf',
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  fontsReady = true;
}

/** The PDF bytes of a statement (see statementPdfDefinition); the same statement always gives the same bytes. */
export async function renderStatementPdf(doc: StatementDocument,
  tenantIds: ReadonlyArray<string | null> = statementTenantIds(doc)): Promise<Buffer> {
  await preparePdfmake();
  return pdfmake.createPdf(statementPdfDefinition(doc, tenantIds)).getBuffer();
}

export interface TenantPdf {
  tenantId: string | null;
  label: string;
  bytes: Buffer;
}

/** One PDF per tenant of the statement, in the statement's order of tenants. */
export async function renderTenantPdfs(doc: StatementDocument): Promise<TenantPdf[]> {
  const names = statementNames(doc);
  const pdfs: TenantPdf[] = [];
  for (const tenantId of statementTenantIds(doc)) {
    pdfs.push({ tenantId, label: names.tenant(tenantId), bytes: await renderStatementPdf(doc, [tenantId]) });
  }
  return pdfs;
}
