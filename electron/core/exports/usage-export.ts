import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type {
  ExploreQuery, ExploreRow, ExploreTotals, ExportFormat, ExportResult, UsageDimension, UsageFilter,
} from '../../shared/domain.ts';
import { openExploreResult, type ExploreResult } from '../explore/explore.ts';
import { fileTimeStamp, syncFile, writeExport } from './export-file.ts';
import { csvRecord, neutraliseFormula, survivesDouble } from './spreadsheet-safe.ts';

/** Rows read from the grouped result per step: each step is one rowid range, and the writer drains in between. */
const BLOCK = 5000;

/** The exports folder the core uses when none is configured: `exports` beside the cache file. */
export function defaultExportDir(dbPath: string): string {
  return join(dirname(dbPath), 'exports');
}

/** Column headers of a dimension: its label, then its key where the key is another value (an ID). */
function dimensionHeaders(dim: UsageDimension, tagKey: string | undefined): string[] {
  switch (dim) {
    case 'stamp': return ['Stamp'];
    case 'tenant': return ['Tenant', 'Tenant ID'];
    case 'subscription': return ['Subscription', 'Subscription ID'];
    case 'resourceGroup': return ['Resource group'];
    case 'resource': return ['Resource', 'Resource ID'];
    case 'resourceType': return ['Resource type'];
    case 'location': return ['Location'];
    case 'tag': return [`Tag: ${tagKey ?? ''}`];
    case 'meter': return ['Meter', 'Meter ID'];
    case 'service': return ['Service'];
    case 'day': return ['Day'];
    case 'month': return ['Month'];
  }
}

const hasKeyColumn = (dim: UsageDimension): boolean => dimensionHeaders(dim, undefined).length === 2;

/** A row's cells as text, in header order: per dimension its label (and key), then records, quantity and unit. */
function rowCells(dims: UsageDimension[], row: ExploreRow): string[] {
  const cells = dims.flatMap((dim, i) => {
    const g = row.groups[i]!;
    return hasKeyColumn(dim) ? [g.label, g.key] : [g.label];
  });
  return [...cells, String(row.records), row.quantity ?? '', row.unit ?? ''];
}

function totalsCells(dims: UsageDimension[], totals: ExploreTotals): string[] {
  const width = dims.reduce((n, dim) => n + (hasKeyColumn(dim) ? 2 : 1), 0);
  const lead = ['Total', ...Array<string>(width - 1).fill('')];
  return [...lead, String(totals.records), totals.quantity ?? '', totals.unit ?? ''];
}


/** The query in words, for the XLSX About sheet. */
function describeQuery(query: ExploreQuery, now: Date): [string, string][] {
  const f: UsageFilter = query.filter;
  const lines: [string, string][] = [
    ['Exported', `${now.toISOString().slice(0, 19)}Z (UTC)`],
    ['Period', f.period ? `${f.period.from} to ${f.period.to} (end excluded)` : 'Everything cached'],
    ['Grouped by', query.groupBy.join(', ') + (query.groupBy.includes('tag') ? ` (tag key ${query.tagKey ?? ''})` : '')],
    ['Sorted by', query.sort ? `${query.sort.by}${query.sort.descending ? ', descending' : ''}` : 'quantity, descending'],
  ];
  const list = (name: string, values: string[] | undefined): void => {
    if (values && values.length > 0) lines.push([name, values.join(', ')]);
  };
  list('Stamps', f.stamps);
  list('Tenants', f.tenants);
  list('Subscriptions', f.subscriptions);
  list('Resource groups', f.resourceGroups);
  list('Resources', f.resources);
  list('Resource types', f.resourceTypes);
  list('Locations', f.locations);
  list('Meters', f.meters);
  list('Services', f.services);
  if (f.tag) lines.push(['Tag', f.tag.value === undefined ? f.tag.key : `${f.tag.key} = ${f.tag.value}`]);
  return lines;
}

/** Column widths (characters) for the XLSX sheet, which a streamed sheet needs before its first row. */
function columnWidths(headers: string[]): number[] {
  return headers.map((h) => {
    if (h === 'Resource ID') return 70;
    if (h.endsWith(' ID')) return 38;
    if (h === 'Records') return 12;
    if (h === 'Quantity') return 24;
    if (h === 'Day' || h === 'Month') return 12;
    return Math.max(16, Math.min(40, h.length + 4));
  });
}

async function writeCsv(path: string, headers: string[], result: ExploreResult): Promise<number> {
  const file = await open(path, 'wx');
  try {
    // The byte order mark makes Excel read the file as UTF-8 (names with accents, tag values in any script).
    await file.write(`\uFEFF${csvRecord(headers.map(neutraliseFormula))}`);
    let rows = 0;
    for (let block = result.read(0, BLOCK); block.length > 0; block = result.read(rows, BLOCK)) {
      await file.write(block.map((r) => csvRecord(rowCells(result.dims, r).map(neutraliseFormula))).join(''));
      rows += block.length;
    }
    await file.write(csvRecord(totalsCells(result.dims, result.totals).map(neutraliseFormula)));
    await file.sync();
    return rows;
  } finally {
    await file.close();
  }
}

/**
 * A cell value for the XLSX sheet. Quantities are exact decimals: a number cell only when the double a spreadsheet
 * stores reads back as the same decimal, else text, so no sum is silently rounded (17-digit sums keep every digit).
 */
function xlsxCell(text: string, header: string): string | number {
  if ((header === 'Records' || header === 'Quantity') && survivesDouble(text)) return Number(text);
  return neutraliseFormula(text);
}

async function writeXlsx(path: string, headers: string[], result: ExploreResult, query: ExploreQuery, now: Date):
  Promise<number> {
  const stream = createWriteStream(path, { flags: 'wx' });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Stackmeter';
  workbook.created = now;
  const sheet = workbook.addWorksheet('Usage', { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths = columnWidths(headers);
  sheet.columns = headers.map((header, i) => ({ header: neutraliseFormula(header), key: `c${i}`, width: widths[i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const cells = (texts: string[]): (string | number)[] => texts.map((t, i) => xlsxCell(t, headers[i]!));
  let rows = 0;
  for (let block = result.read(0, BLOCK); block.length > 0; block = result.read(rows, BLOCK)) {
    for (const r of block) sheet.addRow(cells(rowCells(result.dims, r))).commit();
    rows += block.length;
    // Let the zip stream drain between blocks instead of holding the whole sheet in memory.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const total = sheet.addRow(cells(totalsCells(result.dims, result.totals)));
  total.font = { bold: true };
  total.commit();
  sheet.commit();

  const about = workbook.addWorksheet('About');
  about.columns = [{ header: 'Stackmeter usage export', key: 'a', width: 22 }, { header: '', key: 'b', width: 80 }];
  about.getRow(1).font = { bold: true };
  about.getRow(1).commit();
  const t = result.totals;
  const lines: [string, string | number][] = [
    ...describeQuery(query, now),
    ['Groups', t.groups],
    ['Records', t.records],
    ['Total quantity', t.quantity === null
      ? 'not summed: the meters have different units'
      : `${t.quantity} ${t.unit ?? ''}`.trim()],
  ];
  for (const [name, value] of lines) {
    about.addRow([name, typeof value === 'number' ? value : neutraliseFormula(value)]).commit();
  }
  about.commit();
  await workbook.commit();
  await finished(stream);
  await syncFile(path);
  return rows;
}

export interface ExportOptions {
  /** The exports folder (created when missing). */
  dir: string;
  now: Date;
}

/**
 * Writes the whole explorer result of a query (every group, in the query's order, then a totals row) to
 * `<dir>/stackmeter-usage-<YYYYMMDD-HHMMSS>.<csv|xlsx>` (UTC time; `-2`, `-3`... when the name is taken).
 *
 * CSV: UTF-8 with a byte order mark, CRLF line ends and RFC 4180 quoting, which Excel opens as it is. XLSX: a "Usage"
 * sheet with a bold, frozen header row, and an "About" sheet with the filter, grouping, period and export time; it is
 * streamed, so a million groups never sit in memory. In both, text that a spreadsheet would run as a formula is
 * neutralised (see spreadsheet-safe.ts). The file is written under a temporary name in the same folder and only named
 * when complete, so a crash leaves no half file behind.
 */
export async function exportUsage(db: Database.Database, query: ExploreQuery, format: ExportFormat,
  options: ExportOptions): Promise<ExportResult> {
  const result = openExploreResult(db, query);
  const headers = [...result.dims.flatMap((d) => dimensionHeaders(d, query.tagKey)), 'Records', 'Quantity', 'Unit'];
  const base = `stackmeter-usage-${fileTimeStamp(options.now)}`;
  try {
    const written = await writeExport(options.dir, base, format, (temp) => (format === 'csv'
      ? writeCsv(temp, headers, result)
      : writeXlsx(temp, headers, result, query, options.now)));
    return { fileName: written.fileName, path: written.path, rows: written.value, bytes: written.bytes };
  } finally {
    result.release();
  }
}
