import type { MeterRow } from '../../../../electron/shared/domain.ts';
import type {
  AggregationScope, Conversion, MeterPricing, MeterRate, Tier, ValidationProblem,
} from '../../../../electron/shared/rating.ts';
import { compareDecimalStrings, parseDecimal } from '../../format/numbers.ts';

/**
 * The rate card editor's rows: every meter of the catalog joined with the draft's meter rates, flattened into the
 * text cells a grid edits, and back into MeterRates when the draft is saved. Cells hold what was typed (a price is
 * text until saved), so that a half-typed value is shown with its problem instead of being lost. The core's
 * validation problems arrive with paths into the saved draft ('meters[3].pricing.tiers[1].from') and are mapped onto
 * the row and column they are about.
 */

export type PricingKind = 'unrated' | MeterPricing['kind'];
export type ConversionKind = Conversion['kind'];

export const PRICING_KINDS: readonly { value: PricingKind; label: string; meaning: string }[] = [
  { value: 'unrated', label: 'unrated', meaning: 'No price: usage is shown as unrated, never charged at zero' },
  { value: 'free', label: 'free', meaning: 'Charged nothing, on purpose' },
  { value: 'flat', label: 'flat', meaning: 'One unit price' },
  { value: 'graduated', label: 'graduated', meaning: 'Each tier\'s part of the quantity at that tier\'s price' },
  { value: 'volume', label: 'volume', meaning: 'The whole quantity at the price of the tier it reaches' },
];

export const CONVERSION_KINDS: readonly { value: ConversionKind; label: string; meaning: string }[] = [
  { value: 'none', label: 'none', meaning: 'The consumed and pricing units are the same' },
  { value: 'factor', label: 'factor ÷', meaning: 'Divide by a number (requests → per 10,000: 10000)' },
  { value: 'hours-of-month', label: 'hours of month', meaning: 'Divide by the real hours of the usage\'s month' },
  { value: 'fixed-hours', label: 'fixed hours ÷', meaning: 'Divide by a stated number of hours per month (730)' },
];

export const AGGREGATIONS: readonly { value: AggregationScope; label: string }[] = [
  { value: 'subscription', label: 'subscription' },
  { value: 'tenant', label: 'tenant' },
];

/** A tier as the tiers dialog edits it: text cells; an empty `to` is the open-ended last tier. */
export interface TierText {
  from: string;
  to: string;
  unitPrice: string;
}

export interface RateRow {
  /** The meter ID as compared: lower case without hyphens. */
  key: string;
  meterId: string;
  name: string;
  /**
   * The name the card stores beside the ID (shown on statements): the card's own for a listed meter (null when it
   * has none), the catalog's for a meter the user puts on the card.
   */
  rateName: string | null;
  service: string;
  /** The unit the catalog gives the meter; null for a meter only the card lists. */
  catalogUnit: string | null;
  inCatalog: boolean;
  /** On the card (priced, free or explicitly unrated); a catalog meter the card does not list is unrated too. */
  listed: boolean;
  consumedUnit: string;
  pricingUnit: string;
  conversion: ConversionKind;
  /** The divisor (factor) or the hours per month (fixed hours); unused otherwise. */
  conversionValue: string;
  kind: PricingKind;
  unitPrice: string;
  tiers: TierText[];
  aggregation: AggregationScope;
  minimumQuantity: string;
  blockSize: string;
}

/** The grid columns a problem can be shown on. */
export type RateField =
  | 'name' | 'meterId' | 'consumedUnit' | 'pricingUnit' | 'conversion' | 'conversionValue' | 'kind' | 'unitPrice'
  | 'tiers' | 'aggregation' | 'minimumQuantity' | 'blockSize';

export const FIELD_LABELS: Record<RateField, string> = {
  name: 'Meter',
  meterId: 'Meter ID',
  consumedUnit: 'Consumed unit',
  pricingUnit: 'Pricing unit',
  conversion: 'Conversion',
  conversionValue: 'Conversion value',
  kind: 'Pricing',
  unitPrice: 'Unit price',
  tiers: 'Tiers',
  aggregation: 'Aggregation',
  minimumQuantity: 'Minimum',
  blockSize: 'Block',
};

export interface CellProblem {
  field: RateField;
  message: string;
  /**
   * Blocking problems are values the core cannot even store (text that is not a number): saving waits until they
   * are fixed. The others (a negative price, a missing conversion) are saved and reported by the core as well.
   */
  blocking: boolean;
  /** Where inside the field, for the tiers dialog: 'tiers[1].from'. */
  detail?: string;
}

/** Lower case without hyphens: how rate cards and the catalog compare meter IDs. */
export function meterKey(meterId: string): string {
  return meterId.trim().toLowerCase().replaceAll('-', '');
}

/** The decimals the contract accepts as text: digits, an optional point and a leading minus. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text.trim());
}

const tierText = (tier: Tier): TierText => ({ from: tier.from, to: tier.to ?? '', unitPrice: tier.unitPrice });

function conversionValueOf(conversion: Conversion): string {
  if (conversion.kind === 'factor') return conversion.divisor;
  if (conversion.kind === 'fixed-hours') return conversion.hoursPerMonth;
  return '';
}

/** A catalog meter the card does not list: unrated, with the catalog's unit on both sides. */
function unlistedRow(meter: MeterRow): RateRow {
  return {
    key: meterKey(meter.meterId), meterId: meter.meterId, name: meter.name, rateName: meter.name,
    service: meter.service,
    catalogUnit: meter.unit, inCatalog: true, listed: false, consumedUnit: meter.unit, pricingUnit: meter.unit,
    conversion: 'none', conversionValue: '', kind: 'unrated', unitPrice: '', tiers: [], aggregation: 'subscription',
    minimumQuantity: '', blockSize: '',
  };
}

/** A meter rate of the card as a row, named by the catalog when it knows the meter. */
function rowOfRate(rate: MeterRate, meter: MeterRow | undefined): RateRow {
  const pricing = rate.pricing;
  return {
    key: meterKey(rate.meterId),
    meterId: meter?.meterId ?? rate.meterId,
    name: meter?.name ?? rate.name ?? rate.meterId,
    rateName: rate.name ?? null,
    service: meter?.service ?? '',
    catalogUnit: meter?.unit ?? null,
    inCatalog: meter !== undefined,
    listed: true,
    consumedUnit: rate.consumedUnit,
    pricingUnit: rate.pricingUnit,
    conversion: rate.conversion.kind,
    conversionValue: conversionValueOf(rate.conversion),
    kind: pricing === null ? 'unrated' : pricing.kind,
    unitPrice: pricing?.kind === 'flat' ? pricing.unitPrice : '',
    tiers: pricing?.kind === 'graduated' || pricing?.kind === 'volume' ? pricing.tiers.map(tierText) : [],
    aggregation: rate.aggregation,
    minimumQuantity: rate.minimumQuantity ?? '',
    blockSize: rate.blockSize ?? '',
  };
}

const byServiceAndName = (a: RateRow, b: RateRow): number =>
  a.service.localeCompare(b.service) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key);

/**
 * One row per meter: those of the catalog (listed on the card or not) by service and name, then the meters only the
 * card lists (not in this catalog), in the card's order.
 */
export function buildRows(catalog: readonly MeterRow[], meters: readonly MeterRate[]): RateRow[] {
  const known = new Map(catalog.map((m) => [meterKey(m.meterId), m]));
  const listed = new Map(meters.map((rate) => [meterKey(rate.meterId), rate]));
  const rows: RateRow[] = [];
  const seen = new Set<string>();
  for (const [key, meter] of known) {
    const rate = listed.get(key);
    rows.push(rate ? rowOfRate(rate, meter) : unlistedRow(meter));
    seen.add(key);
  }
  rows.sort(byServiceAndName);
  for (const rate of meters) {
    const key = meterKey(rate.meterId);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(rowOfRate(rate, undefined));
  }
  return rows;
}

function conversionOf(row: RateRow): Conversion {
  const value = row.conversionValue.trim();
  switch (row.conversion) {
    case 'factor':
      return { kind: 'factor', divisor: value };
    case 'fixed-hours':
      return { kind: 'fixed-hours', hoursPerMonth: value };
    case 'hours-of-month':
      return { kind: 'hours-of-month' };
    case 'none':
      return { kind: 'none' };
  }
}

function pricingOf(row: RateRow): MeterPricing | null {
  switch (row.kind) {
    case 'unrated':
      return null;
    case 'free':
      return { kind: 'free' };
    case 'flat':
      return { kind: 'flat', unitPrice: row.unitPrice.trim() };
    case 'graduated':
    case 'volume':
      return {
        kind: row.kind,
        tiers: row.tiers.map((t) => ({ from: t.from.trim(), to: t.to.trim() === '' ? null : t.to.trim(),
          unitPrice: t.unitPrice.trim() })),
      };
  }
}

/** The meter rate a row stands for, as the contract takes it. */
function rateOfRow(row: RateRow): MeterRate {
  const rate: MeterRate = {
    meterId: row.meterId,
    consumedUnit: row.consumedUnit.trim(),
    pricingUnit: row.pricingUnit.trim(),
    conversion: conversionOf(row),
    pricing: pricingOf(row),
    aggregation: row.aggregation,
  };
  if (row.rateName !== null && row.rateName.trim() !== '') rate.name = row.rateName.trim();
  if (row.minimumQuantity.trim() !== '') rate.minimumQuantity = row.minimumQuantity.trim();
  if (row.blockSize.trim() !== '') rate.blockSize = row.blockSize.trim();
  return rate;
}

/** The draft's meters (the listed rows, in grid order) and, by index, the row each came from. */
export function draftMeters(rows: readonly RateRow[]): { meters: MeterRate[]; keys: string[] } {
  const listed = rows.filter((row) => row.listed);
  return { meters: listed.map(rateOfRow), keys: listed.map((row) => row.key) };
}

interface DecimalRule {
  /** Empty text is allowed (an optional field). */
  optional?: boolean;
  min: 'zero' | 'positive';
  /** What to ask for when the field is empty and required. */
  missing: string;
}

/** The problem of one number cell, or null. Text that is not a number blocks saving; a bad sign does not. */
function decimalProblem(text: string, rule: DecimalRule): { message: string; blocking: boolean } | null {
  const value = text.trim();
  if (value === '') return rule.optional ? null : { message: rule.missing, blocking: true };
  if (!isDecimalText(value)) {
    return { message: `"${value}" is not a number: write digits with a point, such as 12.5.`, blocking: true };
  }
  const parts = parseDecimal(value);
  const zero = parts !== null && parts.integer === '0' && parts.fraction === '';
  if (parts?.negative) return { message: `Must not be negative (got ${value}).`, blocking: false };
  if (rule.min === 'positive' && zero) return { message: `Must be above zero (got ${value}).`, blocking: false };
  return null;
}

const sameUnit = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/\s+/g, '') === b.toLowerCase().replace(/\s+/g, '');

/** Problems of a tier table as the user types: numbers, negative values, gaps, overlaps and an open last tier. */
export function tierProblems(tiers: readonly TierText[]): CellProblem[] {
  const problems: CellProblem[] = [];
  const add = (detail: string, problem: { message: string; blocking: boolean }): void => {
    problems.push({ field: 'tiers', detail, ...problem });
  };
  if (tiers.length === 0) add('tiers', { message: 'Tiered pricing needs at least one tier.', blocking: false });
  tiers.forEach((tier, index) => {
    const at = `tiers[${index}]`;
    const n = index + 1;
    const from = decimalProblem(tier.from, { min: 'zero', missing: `Enter where tier ${n} starts.` });
    if (from) add(`${at}.from`, from);
    const last = index === tiers.length - 1;
    // An empty `to` is an open-ended tier, which only the last one may be.
    const to = decimalProblem(tier.to, { min: 'zero', optional: true, missing: '' });
    if (to) add(`${at}.to`, to);
    if (!last && tier.to.trim() === '') {
      add(`${at}.to`, { message: `Enter where tier ${n} ends: only the last tier is open-ended.`, blocking: false });
    }
    if (last && tier.to.trim() !== '') {
      add(`${at}.to`, { message: 'Leave the last tier\'s end empty, so that every quantity has a price.',
        blocking: false });
    }
    const price = decimalProblem(tier.unitPrice, { min: 'zero', missing: `Enter tier ${n}'s unit price.` });
    if (price) add(`${at}.unitPrice`, price);
    const numbers = !from && !to;
    if (numbers && tier.to.trim() !== '' && compareDecimalStrings(tier.to, tier.from) <= 0) {
      add(`${at}.to`, { message: `Tier ${n} must end above where it starts (${tier.from.trim()}).`, blocking: false });
    }
    if (index === 0 && !from && compareDecimalStrings(tier.from, '0') !== 0) {
      add(`${at}.from`, { message: 'The first tier must start at 0.', blocking: false });
    }
    const previous = tiers[index - 1];
    if (!previous || from || !isDecimalText(previous.to)) return;
    const order = compareDecimalStrings(tier.from, previous.to);
    if (order < 0) {
      add(`${at}.from`, { message: `Overlap: tier ${n} starts at ${tier.from.trim()}, inside tier ${index} (which `
        + `ends at ${previous.to.trim()}).`, blocking: false });
    } else if (order > 0) {
      add(`${at}.from`, { message: `Gap: tier ${n} starts at ${tier.from.trim()} but tier ${index} ends at `
        + `${previous.to.trim()}.`, blocking: false });
    }
  });
  return problems;
}

/** What is wrong with a row as typed, before the core sees it. Rows not on the card have nothing to check. */
export function rowProblems(row: RateRow): CellProblem[] {
  if (!row.listed) return [];
  const problems: CellProblem[] = [];
  const check = (field: RateField, text: string, rule: DecimalRule): void => {
    const problem = decimalProblem(text, rule);
    if (problem) problems.push({ field, ...problem });
  };
  if (row.consumedUnit.trim() === '') {
    problems.push({ field: 'consumedUnit', message: 'Enter the unit usage arrives in.', blocking: false });
  }
  if (row.pricingUnit.trim() === '') {
    problems.push({ field: 'pricingUnit', message: 'Enter the unit the price is per.', blocking: false });
  }
  if (row.conversion === 'factor') {
    check('conversionValue', row.conversionValue, { min: 'positive', missing: 'Enter the number to divide by.' });
  } else if (row.conversion === 'fixed-hours') {
    check('conversionValue', row.conversionValue, { min: 'positive', missing: 'Enter the hours per month (730).' });
  } else if (row.conversion === 'none' && row.consumedUnit.trim() !== '' && row.pricingUnit.trim() !== ''
    && !sameUnit(row.consumedUnit, row.pricingUnit)) {
    problems.push({
      field: 'conversion', blocking: false,
      message: `Usage in ${row.consumedUnit.trim()} must be converted to ${row.pricingUnit.trim()}: choose a factor, `
        + 'the hours of the month or fixed hours.',
    });
  }
  if (row.kind === 'flat') check('unitPrice', row.unitPrice, { min: 'zero', missing: 'Enter the unit price.' });
  if (row.kind === 'graduated' || row.kind === 'volume') problems.push(...tierProblems(row.tiers));
  check('minimumQuantity', row.minimumQuantity, { min: 'positive', optional: true, missing: '' });
  check('blockSize', row.blockSize, { min: 'positive', optional: true, missing: '' });
  return problems;
}

const METER_PATH = /^(?:versions\[\d+\]\.)?meters\[(\d+)\](?:\.(.+))?$/;

/** The column a path inside one meter rate is shown on ('pricing.tiers[1].from' → tiers). */
export function fieldOfPath(rest: string | undefined): RateField {
  if (rest === undefined) return 'name';
  const [head, next] = rest.split('.');
  const base = head?.replace(/\[\d+\]$/, '') ?? '';
  switch (base) {
    case 'meterId':
    case 'consumedUnit':
    case 'pricingUnit':
    case 'aggregation':
    case 'minimumQuantity':
    case 'blockSize':
    case 'name':
      return base;
    case 'conversion':
      return next === 'divisor' || next === 'hoursPerMonth' ? 'conversionValue' : 'conversion';
    case 'pricing':
      if (next?.startsWith('tiers')) return 'tiers';
      return next === 'unitPrice' ? 'unitPrice' : 'kind';
    default:
      return 'name';
  }
}

export interface MappedProblems {
  /** Per row key, the problems on its cells. */
  cells: Map<string, CellProblem[]>;
  /** Problems about the version itself (its effective date, its note) or about no meter the grid shows. */
  general: ValidationProblem[];
}

/**
 * Puts the core's problems on the grid: `meters[i]` is the i-th meter of the saved draft, whose row is `keys[i]`
 * (draftMeters gives both); the rest of the path picks the column. A leading `versions[n].` (a whole card's path) is
 * read the same way.
 */
export function mapProblems(problems: readonly ValidationProblem[], keys: readonly string[]): MappedProblems {
  const cells = new Map<string, CellProblem[]>();
  const general: ValidationProblem[] = [];
  for (const problem of problems) {
    const match = METER_PATH.exec(problem.path);
    const key = match ? keys[Number(match[1])] : undefined;
    if (!match || key === undefined) {
      general.push({ ...problem, path: problem.path.replace(/^versions\[\d+\]\./, '') });
      continue;
    }
    const rest = match[2];
    const list = cells.get(key) ?? [];
    const detail = rest?.startsWith('pricing.tiers') ? rest.slice('pricing.'.length) : undefined;
    list.push({ field: fieldOfPath(rest), message: problem.message, blocking: false,
      ...(detail === undefined ? {} : { detail }) });
    cells.set(key, list);
  }
  return { cells, general };
}

/** The tier table of a row as text cells ready to edit; a new table starts with one open tier from 0. */
export function editableTiers(row: RateRow): TierText[] {
  return row.tiers.length > 0 ? row.tiers.map((t) => ({ ...t })) : [{ from: '0', to: '', unitPrice: '' }];
}

/** A short description of a row's price for the grid ('3 tiers from 0.087'). */
export function tiersSummary(tiers: readonly TierText[]): string {
  if (tiers.length === 0) return 'no tiers';
  const first = tiers[0]?.unitPrice.trim() ?? '';
  return `${tiers.length} ${tiers.length === 1 ? 'tier' : 'tiers'}${first ? ` from ${first}` : ''}`;
}
