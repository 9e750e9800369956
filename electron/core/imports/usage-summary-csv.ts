import type { Granularity } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { UsageRecord } from '../azure/usage-record.ts';
import { readCsv, type CsvRow } from '../exports/csv-reader.ts';
import { decodeEmbeddedObject, tagValues } from '../resources/instance-data.ts';
import { dateReader, detectDateFormat, type DateReader } from './culture-dates.ts';
import { granularityOfPeriod, type ImportedUsage } from './imported-usage.ts';

/**
 * Microsoft's usage summary CSV (Usagesummary.ps1): PowerShell's Export-Csv of one object per usage record with the
 * columns UsageStartTime, UsageEndTime, MeterName, Quantity, resourceType, location, resourceGroup, resourceName,
 * subowner, tags, MeterId, additionalInfo, subscription, resourceUri. Export-Csv writes every value with ToString() in
 * the exporting machine's culture: dates in its short date + long time format, and numbers with its decimal separator
 * (a decimal comma even when the delimiter is a comma; `-UseCulture` also makes the delimiter a semicolon). MeterName
 * and the resource type/group/name columns are derived data and are not read; the cache derives them itself.
 */
export interface UsageSummaryOptions {
  /** A .NET date pattern (e.g. `d/M/yyyy HH:mm:ss`) when the dates cannot be told apart from the file alone. */
  dateFormat?: string;
}

const REQUIRED = ['UsageStartTime', 'UsageEndTime', 'Quantity', 'MeterId', 'subscription'] as const;
const OPTIONAL = ['resourceUri', 'location', 'tags', 'additionalInfo'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const QUANTITY = /^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$/;
/** How many problems an error lists; a wrong date format would otherwise produce one per row. */
const MAX_PROBLEMS = 20;

/**
 * Parses a whole usage summary CSV into records keyed exactly like synced ones. Every bad row is collected; if there is
 * any, BAD_INPUT lists up to 20 of them with their line and column, and nothing of the file is returned.
 */
export function parseUsageSummaryCsv(text: string, fileName: string, options: UsageSummaryOptions = {}): ImportedUsage {
  const { rows } = readCsv(text, fileName);
  // Windows PowerShell 5.1 without -NoTypeInformation writes `#TYPE System.Management.Automation.PSCustomObject` first.
  const start = rows[0]?.cells[0]?.startsWith('#TYPE') ? 1 : 0;
  const header = rows[start];
  if (!header) throw new StackmeterError('BAD_INPUT', `${fileName}: the file is empty`);
  const columns = columnIndexes(header, fileName);
  const problems = new Problems(fileName);

  const data: CsvRow[] = [];
  for (const row of rows.slice(start + 1)) {
    if (row.cells.length === 1 && row.cells[0]!.trim() === '') continue;
    if (row.cells.length !== header.cells.length) {
      problems.add(row.line, `has ${row.cells.length} fields, the header has ${header.cells.length}`);
    } else {
      data.push(row);
    }
  }
  const cell = (row: CsvRow, column: Column): string => {
    const i = columns.get(column);
    return i === undefined ? '' : row.cells[i]!.trim();
  };

  const reader = chooseDateReader(data, cell, options, fileName, problems);
  const decimalComma = usesDecimalComma(data, cell, problems);

  const records: UsageRecord[] = [];
  const granularities: Granularity[] = [];
  for (const row of data) {
    const problemsBefore = problems.count;
    const bad = (column: Column, complaint: string) => {
      const value = cell(row, column);
      problems.add(row.line, value === '' ? `${column} is empty` : `${column} ${show(value)} ${complaint}`);
    };
    const subscriptionId = cell(row, 'subscription');
    if (!GUID.test(subscriptionId)) bad('subscription', 'is not a subscription GUID');
    const meterId = cell(row, 'MeterId');
    if (meterId === '') bad('MeterId', 'is not a meter ID');
    const usageStart = reader ? reader.read(cell(row, 'UsageStartTime')) : null;
    const usageEnd = reader ? reader.read(cell(row, 'UsageEndTime')) : null;
    if (reader && usageStart === null) bad('UsageStartTime', `is not a date in the format ${reader.format}`);
    if (reader && usageEnd === null) bad('UsageEndTime', `is not a date in the format ${reader.format}`);
    let granularity: Granularity | null = null;
    if (usageStart !== null && usageEnd !== null) {
      granularity = granularityOfPeriod(usageEnd - usageStart);
      if (granularity === null) {
        problems.add(row.line, `UsageStartTime to UsageEndTime is ${usageEnd - usageStart} s, neither an hour nor a day`);
      }
    }
    const quantityText = exactQuantity(cell(row, 'Quantity'), decimalComma);
    if (quantityText === null) bad('Quantity', 'is not a number');
    const tags = decodeEmbeddedObject(cell(row, 'tags'));
    if ('problem' in tags) bad('tags', tags.problem);
    const additionalInfo = decodeEmbeddedObject(cell(row, 'additionalInfo'));
    if ('problem' in additionalInfo) bad('additionalInfo', additionalInfo.problem);

    if (problems.count > problemsBefore || usageStart === null || usageEnd === null) continue;
    if (granularity === null || quantityText === null || 'problem' in tags || 'problem' in additionalInfo) continue;
    records.push({
      subscriptionId: subscriptionId.toLowerCase(),
      meterId,
      usageStart,
      usageEnd,
      quantityText,
      resourceUri: cell(row, 'resourceUri'),
      location: cell(row, 'location') || null,
      tags: tags.value && tagValues(tags.value),
      additionalInfo: additionalInfo.value,
    });
    granularities.push(granularity);
  }
  problems.throwIfAny();
  return { records, granularities };
}

function columnIndexes(header: CsvRow, fileName: string): Map<Column, number> {
  const byName = new Map(header.cells.map((name, i) => [name.trim().toLowerCase(), i]));
  const columns = new Map<Column, number>();
  const missing: string[] = [];
  for (const column of [...REQUIRED, ...OPTIONAL]) {
    const i = byName.get(column.toLowerCase());
    if (i !== undefined) columns.set(column, i);
    else if ((REQUIRED as readonly string[]).includes(column)) missing.push(column);
  }
  if (missing.length > 0) {
    throw new StackmeterError('BAD_INPUT',
      `${fileName}: line ${header.line}: the header has no ${missing.join(', ')} column` +
      `${missing.length > 1 ? 's' : ''}; a usage summary CSV has ${REQUIRED.join(', ')} ` +
      `(found: ${header.cells.join(', ')})`);
  }
  return columns;
}

/**
 * The given format, else the one format that reads every UsageStartTime and UsageEndTime in the file. When day and
 * month are never above 12 the file cannot say which comes first, and guessing would shift usage by months: refuse
 * and ask for --date-format. Null when the dates cannot be read at all (the problems say why).
 */
function chooseDateReader(
  data: CsvRow[],
  cell: (row: CsvRow, column: Column) => string,
  options: UsageSummaryOptions,
  fileName: string,
  problems: Problems,
): DateReader | null {
  if (options.dateFormat !== undefined) return dateReader(options.dateFormat);
  const values = data.flatMap((row) => [cell(row, 'UsageStartTime'), cell(row, 'UsageEndTime')]).filter((v) => v);
  if (values.length === 0) return null;
  const detected = detectDateFormat(values);
  if (detected.kind === 'found') return detected.reader;
  if (detected.kind === 'ambiguous') {
    throw new StackmeterError('BAD_INPUT',
      `${fileName}: dates such as ${show(detected.example)} read as more than one format ` +
      `(${detected.formats.join(' or ')}) and no date in the file has a day above 12 to decide; ` +
      `give the format with --date-format, e.g. --date-format "${detected.formats[0]}"`);
  }
  if (detected.best === null) {
    const row = data.find((r) => cell(r, 'UsageStartTime') !== '')!;
    problems.add(row.line, `UsageStartTime ${show(cell(row, 'UsageStartTime'))} is in no date format Stackmeter ` +
      'recognises; give the format with --date-format (e.g. "M/d/yyyy h:mm:ss tt")');
    return null;
  }
  return detected.best;
}

/**
 * Whether quantities use a decimal comma. Export-Csv writes a double with the exporting culture's separator and never
 * groups thousands, so a comma in a quantity is a decimal comma; a file mixing both separators is refused.
 */
function usesDecimalComma(data: CsvRow[], cell: (row: CsvRow, column: Column) => string, problems: Problems): boolean {
  const comma = data.find((r) => cell(r, 'Quantity').includes(','));
  const point = data.find((r) => cell(r, 'Quantity').includes('.'));
  if (comma && point) {
    problems.add(point.line, `Quantity ${show(cell(point, 'Quantity'))} has a decimal point where line ${comma.line} ` +
      `(${show(cell(comma, 'Quantity'))}) has a decimal comma`);
  }
  return comma !== undefined && point === undefined;
}

/**
 * The quantity as decimal text with every digit the file holds (never via Number): a decimal comma becomes a point.
 * An exponent stays as written: the API itself sends .NET's `6.36465847492218E-06`, the cache stores that text and
 * the usage writer compares texts, so expanding it would make an import of a synced row look like a change.
 */
function exactQuantity(text: string, decimalComma: boolean): string | null {
  if (!QUANTITY.test(text) || (text.includes(',') && !decimalComma)) return null;
  return (decimalComma ? text.replace(',', '.') : text).replace(/^\+/, '');
}

/** Collected row problems; the error lists the first MAX_PROBLEMS and counts the rest. */
class Problems {
  readonly fileName: string;
  readonly listed: string[] = [];
  count = 0;

  constructor(fileName: string) {
    this.fileName = fileName;
  }

  add(line: number, message: string): void {
    this.count++;
    if (this.listed.length < MAX_PROBLEMS) this.listed.push(`line ${line}: ${message}`);
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const more = this.count - this.listed.length;
    throw new StackmeterError('BAD_INPUT',
      `${this.fileName}: ${this.count} problem${this.count > 1 ? 's' : ''}, nothing of the file was imported:\n  ` +
      this.listed.join('\n  ') + (more > 0 ? `\n  ... and ${more} more` : ''));
  }
}

function show(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}
