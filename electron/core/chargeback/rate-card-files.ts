import type Database from 'better-sqlite3';
import type { RateCardFileFormat } from '../../shared/contract.ts';
import type { ExportResult } from '../../shared/domain.ts';
import type {
  Conversion, MeterPricing, MeterRate, RateCard, RateCardVersion, RoundingPolicy, Tier, ValidationProblem,
} from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { rateCardDraftSchema, rateCardFileSchema } from '../../shared/schemas.ts';
import { readCsv, type CsvRow } from '../exports/csv-reader.ts';
import { fileTimeStamp, writeExport, writeNewFile } from '../exports/export-file.ts';
import { auditExport } from '../exports/export-audit.ts';
import { csvRecord, isPlainDecimal, neutraliseFormula, restoreFormula } from '../exports/spreadsheet-safe.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import {
  addDraftVersion, findCurrency, isDecimalText, RatingDecimal, validateRateCard, validateRateCardVersion,
} from '../rating/index.ts';
import { appendAudit, type Actor } from './audit-log.ts';
import { cacheAuditSink, type AuditSink } from './audit-sink.ts';
import { canonicalJson } from './canonical-json.ts';
import { jsonPath, parseJsonFile, refuseImport } from './import-problems.ts';
import { getRateCard, insertRateCard, insertVersion } from './rate-cards.ts';

/**
 * Rate cards as files, to share between sites and to edit prices in a spreadsheet.
 *
 * JSON: `{"format": "stackmeter-rate-card", "version": 1, "card": RateCard}`, the whole card (or one version of it)
 * exactly as stored. Importing it creates the card with its versions as they are (a published version stays
 * published, with its date, so statements can be replayed elsewhere), keeping the file's ID when it is free. Into a
 * card of the same name (same currency and rounding required), versions identical to stored ones are skipped and the
 * others are added as drafts: publishing stays a decision made here, with a reason in the audit log.
 *
 * CSV: one version of one card, one row per meter rate, with a header row naming the columns (any order):
 *
 *   rate_card         card name; with currency, rounding_mode, rounding_point, effective_from and note on every row
 *                     (they must agree; blank cells are allowed)
 *   currency          ISO 4217 code, e.g. USD
 *   rounding_mode     half-up | half-even
 *   rounding_point    line | statement
 *   effective_from    YYYY-MM-DD: the day the version takes effect (00:00 UTC)
 *   note              free text about the version
 *   meter_id          the meter ID (any case, hyphens optional)
 *   meter_name        shown on statements beside the ID (optional)
 *   consumed_unit     the unit usage arrives in, e.g. GB*hours
 *   pricing_unit      the unit the price is per, e.g. GB*month
 *   conversion        none | factor | hours-of-month | fixed-hours (consumed → pricing unit)
 *   conversion_value  the divisor for factor (10000: per 10,000), hours per month for fixed-hours (730); else blank
 *   aggregation       subscription | tenant: whose monthly usage is added up before tiers, blocks and minimums
 *                     (blank: subscription)
 *   minimum_quantity  optional, in pricing units
 *   block_size        optional, in pricing units
 *   pricing           free | flat | graduated | volume; blank: listed without a price (unrated, never charged zero)
 *   tier_from         graduated and volume: where the tier starts; blank otherwise
 *   tier_to           graduated and volume: where it ends; blank on the last, open-ended tier
 *   unit_price        flat: the price; graduated and volume: the tier's price; blank for free and unrated
 *
 * A graduated or volume meter takes one row per tier with the same meter_id (its other meter columns repeated or
 * left blank); rows may be in any order. Numbers use a dot and no thousands separators; what a spreadsheet writes as
 * 1E+4 is read as 10000, and a decimal comma is accepted in a semicolon-separated file. The file is written with a
 * byte order mark, CRLF line ends, and text that a spreadsheet would run as a formula prefixed with an apostrophe
 * (removed again on import). Importing a CSV adds its version as a draft to the card of that name, or creates the
 * card. A file is checked whole before anything is written; every error names the line and column (CSV) or the JSON
 * path, and on any error nothing is written.
 */

export const RATE_CARD_FILE_FORMAT = 'stackmeter-rate-card';

export const RATE_CARD_CSV_COLUMNS = [
  'rate_card', 'currency', 'rounding_mode', 'rounding_point', 'effective_from', 'note',
  'meter_id', 'meter_name', 'consumed_unit', 'pricing_unit', 'conversion', 'conversion_value', 'aggregation',
  'minimum_quantity', 'block_size', 'pricing', 'tier_from', 'tier_to', 'unit_price',
] as const;

type Column = (typeof RATE_CARD_CSV_COLUMNS)[number];
const CARD_COLUMNS = ['rate_card', 'currency', 'rounding_mode', 'rounding_point', 'effective_from', 'note'] as const;
const METER_COLUMNS = [
  'meter_name', 'consumed_unit', 'pricing_unit', 'conversion', 'conversion_value', 'aggregation', 'minimum_quantity',
  'block_size', 'pricing',
] as const;

/** At most this many problems are listed in an error message. */
const NOTHING_WRITTEN = 'nothing was written';

function refuse(fileName: string, problems: string[]): never {
  return refuseImport(fileName, problems, NOTHING_WRITTEN);
}

function findVersion(card: RateCard, version: number): RateCardVersion {
  const found = card.versions.find((v) => v.version === version);
  if (!found) throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no version ${version}.`);
  return found;
}

// --- JSON ------------------------------------------------------------------------------------------------------------

/** The JSON file of a card, or of one of its versions; indented for people, with a final newline. */
export function rateCardJson(card: RateCard, version?: number): string {
  const exported = version === undefined ? card : { ...card, versions: [findVersion(card, version)] };
  return `${JSON.stringify({ format: RATE_CARD_FILE_FORMAT, version: 1, card: exported }, null, 2)}\n`;
}

/** Reads and checks a JSON rate card file: its shape (zod) and then its meaning (the rating engine). */
export function parseRateCardJson(text: string, fileName: string): RateCard {
  const parsed = rateCardFileSchema.safeParse(parseJsonFile(text, fileName, NOTHING_WRITTEN));
  if (!parsed.success) {
    refuse(fileName, parsed.error.issues.map((issue) => {
      const path = jsonPath(issue.path);
      return path === '' ? issue.message : `${path} ${issue.message}`;
    }));
  }
  const card = parsed.data.card;
  const problems = validateRateCard(card);
  if (problems.length > 0) refuse(fileName, problems.map((p) => `card.${p.path}: ${p.message}`));
  return card;
}

/** A version's content, without its number: what makes two versions the same. */
function versionContent(version: RateCardVersion): string {
  const { effectiveFrom, status, publishedAt, note, meters } = version;
  return canonicalJson({ effectiveFrom, status, publishedAt, note, meters });
}

function sameSettings(card: RateCard, currency: string, rounding: RoundingPolicy): string | null {
  if (card.currency !== currency) return `rate card "${card.name}" bills in ${card.currency}, the file in ${currency}`;
  if (card.rounding.mode !== rounding.mode || card.rounding.point !== rounding.point) {
    return `rate card "${card.name}" rounds ${card.rounding.mode} per ${card.rounding.point}, the file `
      + `${rounding.mode} per ${rounding.point}`;
  }
  return null;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function importJson(db: Database.Database, text: string, fileName: string, actor: Actor): RateCard {
  const file = parseRateCardJson(text, fileName);
  const existingId = db.prepare('SELECT id FROM rate_cards WHERE name = ?').pluck().get(file.name.trim()) as
    string | undefined;
  if (existingId === undefined) {
    const preferred = SLUG.test(file.id) && file.id.length <= 60 ? file.id : undefined;
    const id = insertRateCard(db, file, actor.at, preferred);
    appendAudit(db, {
      action: 'rate-card.import', subject: `rate-card:${id}`, reason: null,
      details: {
        fileName, format: 'json', created: true, fileId: file.id,
        versions: file.versions.map((v) => ({ version: v.version, status: v.status, effectiveFrom: v.effectiveFrom })),
      },
    }, actor.user, actor.at);
    return getRateCard(db, id);
  }
  let card = getRateCard(db, existingId);
  const mismatch = sameSettings(card, file.currency, file.rounding);
  if (mismatch) refuse(fileName, [mismatch]);
  const stored = new Set(card.versions.map(versionContent));
  const added: Array<{ version: number; fromVersion: number }> = [];
  for (const version of [...file.versions].sort((a, b) => a.version - b.version)) {
    if (stored.has(versionContent(version))) continue;
    card = addDraftVersion(card, { effectiveFrom: version.effectiveFrom, note: version.note, meters: version.meters });
    const draft = card.versions.at(-1)!;
    insertVersion(db, card.id, draft);
    added.push({ version: draft.version, fromVersion: version.version });
  }
  appendAudit(db, {
    action: 'rate-card.import', subject: `rate-card:${card.id}`, reason: null,
    details: { fileName, format: 'json', created: false, fileId: file.id, added },
  }, actor.user, actor.at);
  return getRateCard(db, card.id);
}

// --- CSV -------------------------------------------------------------------------------------------------------------

/** The CSV file of one version (text with a byte order mark) and how many data rows it has. */
export function rateCardCsv(card: RateCard, version: number): { text: string; rows: number } {
  const v = findVersion(card, version);
  const lines = [csvRecord(RATE_CARD_CSV_COLUMNS.map(neutraliseFormula))];
  for (const meter of v.meters) {
    const conversion = meter.conversion;
    const base: Record<Column, string> = {
      rate_card: card.name,
      currency: card.currency,
      rounding_mode: card.rounding.mode,
      rounding_point: card.rounding.point,
      effective_from: v.effectiveFrom,
      note: v.note ?? '',
      meter_id: meter.meterId,
      meter_name: meter.name ?? '',
      consumed_unit: meter.consumedUnit,
      pricing_unit: meter.pricingUnit,
      conversion: conversion.kind,
      conversion_value: conversion.kind === 'factor' ? conversion.divisor
        : conversion.kind === 'fixed-hours' ? conversion.hoursPerMonth : '',
      aggregation: meter.aggregation,
      minimum_quantity: meter.minimumQuantity ?? '',
      block_size: meter.blockSize ?? '',
      pricing: meter.pricing?.kind ?? '',
      tier_from: '',
      tier_to: '',
      unit_price: meter.pricing?.kind === 'flat' ? meter.pricing.unitPrice : '',
    };
    const rows = meter.pricing?.kind === 'graduated' || meter.pricing?.kind === 'volume'
      ? meter.pricing.tiers.map((t) => ({ ...base, tier_from: t.from, tier_to: t.to ?? '', unit_price: t.unitPrice }))
      : [base];
    for (const row of rows) lines.push(csvRecord(RATE_CARD_CSV_COLUMNS.map((c) => neutraliseFormula(row[c]))));
  }
  return { text: `\uFEFF${lines.join('')}`, rows: lines.length - 1 };
}

/** What a CSV file holds: one version of a card, and the lines its values came from (for error messages). */
export interface CsvRateCard {
  name: string;
  currency: string;
  rounding: RoundingPolicy;
  effectiveFrom: string;
  note: string | undefined;
  meters: MeterRate[];
}

interface Cell {
  line: number;
  column: Column;
  value: string;
}

/** The meter rows of one meter ID, and its tiers' lines in tier order. */
interface MeterRows {
  rows: Array<{ line: number; cells: Record<Column, string> }>;
  tierLines: number[];
}

/** A cell's text as the user meant it: trimmed, without the apostrophe export put before formula-like text. */
function cellText(raw: string | undefined): string {
  return restoreFormula((raw ?? '').trim());
}

/**
 * Reads a CSV rate card version: every problem is collected with its line and column, the version is then checked
 * by the rating engine, and BAD_INPUT lists them all; nothing is returned half-read.
 */
export function parseRateCardCsv(text: string, fileName: string): CsvRateCard {
  const { rows, delimiter } = readCsv(text, fileName);
  const problems: string[] = [];
  // Lines as a text editor counts them; where a cell holds a line break, the spreadsheet's row number too.
  const rowOf = new Map(rows.map((r) => [r.line, r.row]));
  const at = (line: number, column: string, message: string): void => {
    const row = rowOf.get(line);
    const where = row === undefined || row === line ? `line ${line}` : `line ${line} (row ${row})`;
    problems.push(`${where}, column ${column}: ${message}`);
  };
  const content = rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = content[0];
  if (!header) refuse(fileName, ['the file is empty; it needs a header row and one row per meter rate']);
  const index = headerIndex(header, problems);
  if (problems.length > 0) refuse(fileName, problems);

  const records = content.slice(1).map((row: CsvRow) => ({
    line: row.line,
    cells: Object.fromEntries(RATE_CARD_CSV_COLUMNS.map((c) => [c, cellText(row.cells[index.get(c)!])])) as
      Record<Column, string>,
  }));
  if (records.length === 0) refuse(fileName, ['the file has a header row but no meter rates']);

  // Card-level columns: the same value wherever one is given.
  const card = new Map<Column, Cell>();
  for (const record of records) {
    for (const column of CARD_COLUMNS) {
      const value = record.cells[column];
      if (value === '') continue;
      const first = card.get(column);
      if (!first) {
        card.set(column, { line: record.line, column, value });
      } else if (first.value !== value) {
        at(record.line, column, `"${value}" differs from "${first.value}" on line ${first.line}; a file holds one `
          + 'version of one rate card');
      }
    }
  }
  const required = (column: Column): Cell => {
    const cell = card.get(column);
    if (!cell) at(records[0]!.line, column, 'is empty on every row');
    return cell ?? { line: records[0]!.line, column, value: '' };
  };
  const name = required('rate_card');
  const currency = required('currency');
  if (currency.value !== '' && !findCurrency(currency.value)) {
    at(currency.line, 'currency', `"${currency.value}" is not an ISO 4217 currency code (upper case, e.g. USD or EUR)`);
  }
  const mode = oneOf(required('rounding_mode'), ['half-up', 'half-even'], at);
  const point = oneOf(required('rounding_point'), ['line', 'statement'], at);
  const effective = required('effective_from');
  if (effective.value !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(effective.value)) {
    at(effective.line, 'effective_from', `"${effective.value}" is not a date written YYYY-MM-DD (a spreadsheet may `
      + 'have reformatted it: format the column as text)');
  }

  // Meter rows, grouped by meter ID whatever their order.
  const meters = new Map<string, MeterRows>();
  for (const record of records) {
    const id = record.cells.meter_id;
    if (id === '') {
      at(record.line, 'meter_id', 'is empty; every row is a meter rate');
      continue;
    }
    const key = meterMatchKey(id);
    const group = meters.get(key) ?? { rows: [], tierLines: [] };
    group.rows.push(record);
    meters.set(key, group);
  }

  const number = (line: number, column: Column, value: string): string => {
    const normal = delimiter === ';' && /^-?\d+,\d+$/.test(value) ? value.replace(',', '.') : value;
    if (isPlainDecimal(normal)) return normal;
    if (isDecimalText(normal)) return new RatingDecimal(normal).toString();
    at(line, column, `"${value}" is not a number (write it with a dot and no thousands separators, e.g. 1234.5)`);
    return '0';
  };

  const rates: MeterRate[] = [];
  for (const group of meters.values()) {
    const first = group.rows[0]!;
    // A meter's own columns: given on any of its rows (blank elsewhere), the same wherever given.
    const meter = { ...first.cells };
    const given = new Map<Column, number>();
    for (const row of group.rows) {
      for (const column of METER_COLUMNS) {
        const value = row.cells[column];
        if (value === '') continue;
        const line = given.get(column);
        if (line === undefined) {
          meter[column] = value;
          given.set(column, row.line);
        } else if (value !== meter[column]) {
          at(row.line, column, `"${value}" differs from "${meter[column]}" for meter ${meter.meter_id} on line `
            + `${line}`);
        }
      }
    }
    const lineOf = (column: Column): number => given.get(column) ?? first.line;
    const conversion = readConversion(lineOf, meter, number, at);
    const pricing = readPricing(group, meter.pricing, lineOf('pricing'), number, at);
    const aggregation = meter.aggregation === '' ? 'subscription'
      : oneOf({ line: lineOf('aggregation'), column: 'aggregation', value: meter.aggregation },
        ['subscription', 'tenant'], at);
    rates.push({
      meterId: meter.meter_id,
      ...(meter.meter_name === '' ? {} : { name: meter.meter_name }),
      consumedUnit: meter.consumed_unit,
      pricingUnit: meter.pricing_unit,
      conversion,
      pricing,
      aggregation: aggregation === 'tenant' ? 'tenant' : 'subscription',
      ...(meter.minimum_quantity === '' ? {}
        : { minimumQuantity: number(lineOf('minimum_quantity'), 'minimum_quantity', meter.minimum_quantity) }),
      ...(meter.block_size === '' ? {} : { blockSize: number(lineOf('block_size'), 'block_size', meter.block_size) }),
    });
  }
  if (problems.length > 0) refuse(fileName, problems);

  const note = card.get('note')?.value;
  const groups = [...meters.values()];
  // What the console could not send through the contract (an ID with spaces, a name too long) is refused here too.
  if (name.value.length > 100) at(name.line, 'rate_card', 'is longer than 100 characters');
  const shape = rateCardDraftSchema.safeParse({ effectiveFrom: effective.value, note, meters: rates });
  for (const issue of shape.success ? [] : shape.error.issues) {
    const path = jsonPath(issue.path);
    const where = path === 'note' ? card.get('note')! : locate({ path, message: issue.message }, groups, effective);
    at(where.line, where.column, issue.message);
  }
  const version: RateCardVersion = {
    version: 1, effectiveFrom: effective.value, status: 'draft', publishedAt: null, meters: rates,
  };
  for (const problem of shape.success ? validateRateCardVersion(version) : []) {
    const where = locate(problem, groups, effective);
    at(where.line, where.column, problem.message);
  }
  if (problems.length > 0) refuse(fileName, problems);
  return {
    name: name.value, currency: currency.value, rounding: { mode: mode as RoundingPolicy['mode'], point:
      point as RoundingPolicy['point'] }, effectiveFrom: effective.value, note, meters: rates,
  };
}

/** Column positions by name; unknown, repeated and missing columns are problems on line of the header. */
function headerIndex(header: CsvRow, problems: string[]): Map<Column, number> {
  const index = new Map<Column, number>();
  header.cells.forEach((raw, i) => {
    const name = cellText(raw).toLowerCase();
    if (name === '') return;
    if (!(RATE_CARD_CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push(`line ${header.line}: unknown column "${cellText(raw)}" (the columns are `
        + `${RATE_CARD_CSV_COLUMNS.join(', ')})`);
    } else if (index.has(name as Column)) {
      problems.push(`line ${header.line}: column ${name} appears twice`);
    } else {
      index.set(name as Column, i);
    }
  });
  const missing = RATE_CARD_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) problems.push(`line ${header.line}: the header lacks the column(s) ${missing.join(', ')}`);
  return index;
}

type At = (line: number, column: string, message: string) => void;
type NumberReader = (line: number, column: Column, value: string) => string;

function oneOf(cell: Cell, allowed: readonly string[], at: At): string {
  if (cell.value !== '' && !allowed.includes(cell.value)) {
    at(cell.line, cell.column, `"${cell.value}" is not one of ${allowed.join(', ')}`);
  }
  return cell.value;
}

function readConversion(lineOf: (column: Column) => number, meter: Record<Column, string>, number: NumberReader,
  at: At): Conversion {
  const value = meter.conversion_value;
  const line = lineOf('conversion');
  const valueLine = lineOf('conversion_value');
  switch (meter.conversion) {
    case 'factor':
    case 'fixed-hours': {
      if (value === '') {
        at(line, 'conversion_value', meter.conversion === 'factor'
          ? 'is empty; a factor conversion needs the number the quantity is divided by (10000: per 10,000)'
          : 'is empty; a fixed-hours conversion needs the hours per month (e.g. 730)');
        return { kind: 'none' };
      }
      const n = number(valueLine, 'conversion_value', value);
      return meter.conversion === 'factor' ? { kind: 'factor', divisor: n } : { kind: 'fixed-hours', hoursPerMonth: n };
    }
    case 'none':
    case 'hours-of-month':
      if (value !== '') {
        at(valueLine, 'conversion_value', `is only for factor and fixed-hours conversions (got "${value}")`);
      }
      return { kind: meter.conversion };
    default:
      at(line, 'conversion', `"${meter.conversion}" is not one of none, factor, hours-of-month, fixed-hours`);
      return { kind: 'none' };
  }
}

/** The meter's pricing from its rows; `kind` is its pricing column as given on `kindLine`. */
function readPricing(group: MeterRows, kind: string, kindLine: number, number: NumberReader, at: At):
MeterPricing | null {
  const first = group.rows[0]!;
  const meterId = first.cells.meter_id;
  if (kind !== 'graduated' && kind !== 'volume') {
    for (const row of group.rows.slice(1)) {
      at(row.line, 'meter_id', `meter ${meterId} is already on line ${first.line}; only graduated and volume pricing `
        + 'take one row per tier');
    }
    for (const column of ['tier_from', 'tier_to'] as const) {
      if (first.cells[column] !== '') {
        at(first.line, column, `is only for graduated and volume pricing (got "${kind}")`);
      }
    }
  }
  const price = first.cells.unit_price;
  switch (kind) {
    case '':
    case 'free':
      if (price !== '') {
        at(first.line, 'unit_price', kind === '' ? 'is given but pricing is empty; write flat (or leave both empty '
          + 'for an unrated meter)' : 'must be empty for a free meter');
      }
      return kind === '' ? null : { kind: 'free' };
    case 'flat':
      if (price === '') at(first.line, 'unit_price', 'is empty; a flat price needs a unit price');
      return { kind: 'flat', unitPrice: price === '' ? '0' : number(first.line, 'unit_price', price) };
    case 'graduated':
    case 'volume': {
      const tiers = group.rows.map((row) => {
        if (row.cells.tier_from === '') {
          at(row.line, 'tier_from', 'is empty; every tier starts somewhere (0 for the first)');
        }
        if (row.cells.unit_price === '') at(row.line, 'unit_price', 'is empty; every tier needs a price');
        return {
          line: row.line,
          tier: {
            from: row.cells.tier_from === '' ? '0' : number(row.line, 'tier_from', row.cells.tier_from),
            to: row.cells.tier_to === '' ? null : number(row.line, 'tier_to', row.cells.tier_to),
            unitPrice: row.cells.unit_price === '' ? '0' : number(row.line, 'unit_price', row.cells.unit_price),
          } satisfies Tier,
        };
      }).sort((a, b) => tierOrder(a.tier, b.tier));
      group.tierLines = tiers.map((t) => t.line);
      return { kind, tiers: tiers.map((t) => t.tier) };
    }
    default:
      at(kindLine, 'pricing', `"${kind}" is not one of free, flat, graduated, volume (or empty: unrated)`);
      return null;
  }
}

/** Tiers in the order of where they start; an open-ended tier after a closed one that starts at the same place. */
function tierOrder(a: Tier, b: Tier): number {
  const from = new RatingDecimal(a.from).comparedTo(b.from);
  if (from !== 0) return from;
  return a.to === null ? (b.to === null ? 0 : 1) : b.to === null ? -1 : new RatingDecimal(a.to).comparedTo(b.to);
}

const FIELD_COLUMNS: Readonly<Record<string, Column>> = {
  meterId: 'meter_id',
  name: 'meter_name',
  consumedUnit: 'consumed_unit',
  pricingUnit: 'pricing_unit',
  conversion: 'conversion',
  'conversion.kind': 'conversion',
  'conversion.divisor': 'conversion_value',
  'conversion.hoursPerMonth': 'conversion_value',
  pricing: 'pricing',
  'pricing.kind': 'pricing',
  'pricing.unitPrice': 'unit_price',
  'pricing.tiers': 'pricing',
  aggregation: 'aggregation',
  minimumQuantity: 'minimum_quantity',
  blockSize: 'block_size',
};

const TIER_COLUMNS: Readonly<Record<string, Column>> = { from: 'tier_from', to: 'tier_to', unitPrice: 'unit_price' };

/** The line and column an engine problem (path relative to the version) is about. */
function locate(problem: ValidationProblem, groups: MeterRows[], effective: Cell): { line: number; column: string } {
  if (problem.path === 'effectiveFrom') return { line: effective.line, column: 'effective_from' };
  const meter = /^meters\[(\d+)\]\.?(.*)$/.exec(problem.path);
  const group = meter ? groups[Number(meter[1])] : undefined;
  if (!meter || !group) return { line: effective.line, column: 'rate_card' };
  const field = meter[2]!;
  const tier = /^pricing\.tiers\[(\d+)\]\.?(.*)$/.exec(field);
  if (tier) {
    const line = group.tierLines[Number(tier[1])] ?? group.rows[0]!.line;
    return { line, column: TIER_COLUMNS[tier[2]!] ?? 'pricing' };
  }
  return { line: group.rows[0]!.line, column: FIELD_COLUMNS[field] ?? 'meter_id' };
}

function importCsv(db: Database.Database, text: string, fileName: string, actor: Actor): RateCard {
  const file = parseRateCardCsv(text, fileName);
  const draft = { effectiveFrom: file.effectiveFrom, ...(file.note === undefined ? {} : { note: file.note }),
    meters: file.meters };
  const existingId = db.prepare('SELECT id FROM rate_cards WHERE name = ?').pluck()
    .get(file.name) as string | undefined;
  let id: string;
  let version: number;
  if (existingId === undefined) {
    id = insertRateCard(db, {
      name: file.name, currency: file.currency, rounding: file.rounding,
      versions: [{ version: 1, status: 'draft', publishedAt: null, ...draft }],
    }, actor.at);
    version = 1;
  } else {
    const card = getRateCard(db, existingId);
    const mismatch = sameSettings(card, file.currency, file.rounding);
    if (mismatch) refuse(fileName, [mismatch]);
    const added = addDraftVersion(card, draft).versions.at(-1)!;
    insertVersion(db, existingId, added);
    id = existingId;
    version = added.version;
  }
  appendAudit(db, {
    action: 'rate-card.import', subject: `rate-card:${id}`, reason: null,
    details: { fileName, format: 'csv', created: existingId === undefined, version, meters: file.meters.length },
  }, actor.user, actor.at);
  return getRateCard(db, id);
}

// --- Import and export -----------------------------------------------------------------------------------------------

/** Imports a rate card file in one transaction, audited; see the top of this file for what each format does. */
export function importRateCard(db: Database.Database, text: string, format: RateCardFileFormat, fileName: string,
  actor: Actor): RateCard {
  return db.transaction(() => (format === 'json'
    ? importJson(db, text, fileName, actor)
    : importCsv(db, text, fileName, actor))).immediate();
}

/**
 * Writes a card to the exports folder as `stackmeter-rate-card-<id>-<YYYYMMDD-HHMMSS>.json` (all versions, or the
 * one asked for) or `stackmeter-rate-card-<id>-v<n>-<YYYYMMDD-HHMMSS>.csv` (the version asked for, else the newest),
 * atomically, and records the export in the audit log. `rows`: meter rates written (CSV: rows, one per tier).
 */
export async function exportRateCard(db: Database.Database, id: string, format: RateCardFileFormat,
  version: number | undefined, dir: string, actor: Actor, audit: AuditSink = cacheAuditSink(db)): Promise<ExportResult> {
  const card = getRateCard(db, id);
  const chosen = format === 'csv' ? version ?? card.versions.at(-1)?.version : version;
  if (format === 'csv' && chosen === undefined) {
    throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no version to export yet.`);
  }
  const file = format === 'json'
    ? { text: rateCardJson(card, chosen), rows: (chosen === undefined ? card.versions : [findVersion(card, chosen)])
      .reduce((n, v) => n + v.meters.length, 0) }
    : rateCardCsv(card, chosen!);
  const base = `stackmeter-rate-card-${card.id}${format === 'csv' ? `-v${chosen}` : ''}-${fileTimeStamp(actor.at)}`;
  const written = await writeExport(dir, base, format, (temp) => writeNewFile(temp, file.text));
  return auditExport(audit, { subject: `rate-card:${card.id}`, details: { format, version: chosen ?? null } },
    { fileName: written.fileName, path: written.path, rows: file.rows, bytes: written.bytes }, actor);
}
