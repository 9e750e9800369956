import type { StatementDifference } from '../../shared/chargeback.ts';
import type {
  AdjustmentLine, CreditApplication, RatedLine, RatingResult, StatementTotals, Totals, UnratedUsage,
} from '../../shared/rating.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { formatAmount, formatDecimal, RatingDecimal, ZERO, type Dec } from '../rating/decimal.ts';
import { canonicalJson } from './canonical-json.ts';
import { hashedResult } from './statement-hash.ts';

/**
 * Comparing and subtracting rating results: where a replay differs from the stored statement (paths into the
 * document, array elements matched by what identifies them rather than by position), and what a correction
 * statement holds (the recomputation minus what the statement and its earlier corrections already charged).
 */

const dec = (text: string | null): Dec => (text === null ? ZERO : new RatingDecimal(text));

/** What identifies a rated line: month, subscription, meter, version and status. */
export function ratedLineKey(line: RatedLine): string {
  return [line.month, line.subscriptionId, meterMatchKey(line.meterId), `v${line.rateCardVersion ?? '-'}`, line.status]
    .join('|');
}

export function adjustmentLineKey(line: AdjustmentLine): string {
  return [line.month, line.step, line.adjustmentId, line.tenantId ?? '(unknown tenant)', line.subscriptionId ?? '-']
    .join('|');
}

const unratedKey = (u: UnratedUsage): string => `${meterMatchKey(u.meterId)}|${u.reason}`;
const creditKey = (c: CreditApplication): string => `${c.adjustmentId}|${c.month}|${c.target}`;

/** Arrays compared element by element by key; any other array by position. */
const KEYED: Record<string, (item: never) => string> = {
  'result.lines': ratedLineKey,
  'result.adjustmentLines': adjustmentLineKey,
  'result.totals.byMonth': (t: { month: string }) => t.month,
  'result.totals.byTenant': (t: { tenantId: string | null }) => t.tenantId ?? '(unknown tenant)',
  'result.totals.bySubscription': (t: { subscriptionId: string }) => t.subscriptionId,
  'result.totals.byMeter': (t: { meterId: string }) => meterMatchKey(t.meterId),
  'result.unrated': unratedKey,
  'result.credits': creditKey,
};

const shown = (value: unknown): string | null =>
  (value === undefined ? null : typeof value === 'string' ? value : canonicalJson(value));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function diffValue(path: string, expected: unknown, actual: unknown, out: StatementDifference[]): void {
  const keyOf = KEYED[path];
  if (keyOf && Array.isArray(expected) && Array.isArray(actual)) {
    const before = new Map(expected.map((item) => [keyOf(item as never), item as unknown]));
    const after = new Map(actual.map((item) => [keyOf(item as never), item as unknown]));
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      diffValue(`${path}[${key}]`, before.get(key), after.get(key), out);
    }
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      diffValue(`${path}[${i}]`, expected[i], actual[i], out);
    }
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
      diffValue(`${path}.${key}`, expected[key], actual[key], out);
    }
    return;
  }
  if (shown(expected) !== shown(actual)) out.push({ path, expected: shown(expected), actual: shown(actual) });
}

/** Every place where two rating results differ (the card's name aside), as paths under 'result'. */
export function resultDifferences(expected: RatingResult, actual: RatingResult): StatementDifference[] {
  const out: StatementDifference[] = [];
  diffValue('result', hashedResult(expected), hashedResult(actual), out);
  return out;
}

/** Sums keyed values of several results in first-seen order. */
class Sums<T> {
  readonly entries = new Map<string, { item: T; values: Dec[] }>();

  add(key: string, item: T, values: Dec[]): void {
    const entry = this.entries.get(key);
    if (!entry) this.entries.set(key, { item, values });
    else entry.values = entry.values.map((v, i) => v.plus(values[i]!));
  }
}

const allZero = (values: Dec[]): boolean => values.every((v) => v.isZero());

/**
 * The recomputation minus the baseline (a statement and its finalized corrections): the lines, adjustment lines,
 * totals, unrated sums and credits that changed, with the changes as their numbers. A line's other fields (price,
 * tiers, conversion, version) are those of the recomputation, or of the line it reverses when it is gone; a line whose
 * status changed is reversed and added anew. The lines of the difference add up to its totals, as in any statement.
 */
export function resultDifference(recomputed: RatingResult, baseline: readonly RatingResult[]): RatingResult {
  const m = recomputed.minorUnits;
  const lineValues = (l: RatedLine): Dec[] =>
    [dec(l.quantity), new RatingDecimal(l.records), dec(l.convertedQuantity), dec(l.amount), dec(l.exactAmount)];
  const base = new Sums<RatedLine>();
  for (const r of baseline) for (const l of r.lines) base.add(ratedLineKey(l), l, lineValues(l));
  const now = new Map(recomputed.lines.map((l) => [ratedLineKey(l), l]));
  const lines: RatedLine[] = [];
  for (const key of new Set([...now.keys(), ...base.entries.keys()])) {
    const after = now.get(key);
    const before = base.entries.get(key);
    const values = (after ? lineValues(after) : lineValues(before!.item).map(() => ZERO))
      .map((v, i) => v.minus(before?.values[i] ?? ZERO));
    if (allZero(values)) continue;
    const like = after ?? before!.item;
    const [quantity, records, converted, amount, exact] = values as [Dec, Dec, Dec, Dec, Dec];
    lines.push({
      ...like,
      quantity: formatDecimal(quantity),
      records: records.toNumber(),
      convertedQuantity: like.convertedQuantity === null ? null : formatDecimal(converted),
      amount: like.amount === null ? null : formatAmount(amount, m),
      exactAmount: like.exactAmount === null ? null : formatDecimal(exact),
    });
  }
  lines.sort((a, b) => compareLines(a, b));

  const baseAdjustments = new Sums<AdjustmentLine>();
  for (const r of baseline) {
    for (const l of r.adjustmentLines) baseAdjustments.add(adjustmentLineKey(l), l, [dec(l.amount)]);
  }
  const nowAdjustments = new Map(recomputed.adjustmentLines.map((l) => [adjustmentLineKey(l), l]));
  const adjustmentLines: AdjustmentLine[] = [];
  for (const key of new Set([...nowAdjustments.keys(), ...baseAdjustments.entries.keys()])) {
    const after = nowAdjustments.get(key);
    const before = baseAdjustments.entries.get(key);
    const was = before?.values[0] ?? ZERO;
    const is = after ? dec(after.amount) : ZERO;
    if (is.minus(was).isZero()) continue;
    const like = after ?? before!.item;
    adjustmentLines.push({
      ...like,
      amount: formatAmount(is.minus(was), m),
      detail: `Was ${formatAmount(was, m)}, now ${formatAmount(is, m)}.${after ? ` ${after.detail}` : ''}`,
    });
  }

  return {
    ...recomputed,
    lines,
    adjustmentLines,
    totals: totalsDifference(recomputed.totals, baseline.map((r) => r.totals), m),
    unrated: keyedDifference(recomputed.unrated, baseline.map((r) => r.unrated), unratedKey,
      (u) => [new RatingDecimal(u.lines), new RatingDecimal(u.records), dec(u.quantity)],
      (u, [lines, records, quantity]) => ({
        ...u, lines: lines!.toNumber(), records: records!.toNumber(), quantity: formatDecimal(quantity!),
      })),
    credits: keyedDifference(recomputed.credits, baseline.map((r) => r.credits), creditKey,
      (c) => [dec(c.amount), dec(c.applied), dec(c.unapplied)],
      (c, [amount, applied, unapplied]) => ({
        ...c, amount: formatAmount(amount!, m), applied: formatAmount(applied!, m),
        unapplied: formatAmount(unapplied!, m),
      })),
  };
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function compareLines(a: RatedLine, b: RatedLine): number {
  return compareText(a.month, b.month) || compareText(a.tenantId, b.tenantId)
    || compareText(a.subscriptionId, b.subscriptionId) || compareText(meterMatchKey(a.meterId), meterMatchKey(b.meterId))
    || (a.rateCardVersion ?? 0) - (b.rateCardVersion ?? 0) || compareText(a.status, b.status);
}

/** Recomputed minus baseline per key; entries that did not change are left out. */
function keyedDifference<T>(now: readonly T[], before: readonly (readonly T[])[], key: (item: T) => string,
  values: (item: T) => Dec[], build: (item: T, values: Dec[]) => T, keepZero = false): T[] {
  const base = new Sums<T>();
  for (const list of before) for (const item of list) base.add(key(item), item, values(item));
  const current = new Map(now.map((item) => [key(item), item]));
  const out: T[] = [];
  for (const k of new Set([...current.keys(), ...base.entries.keys()])) {
    const after = current.get(k);
    const b = base.entries.get(k);
    const like = after ?? b!.item;
    const diff = (after ? values(after) : values(like).map(() => ZERO)).map((v, i) => v.minus(b?.values[i] ?? ZERO));
    if (allZero(diff) && !keepZero) continue;
    out.push(build(like, diff));
  }
  return out;
}

function totalsDifference(now: StatementTotals, before: readonly StatementTotals[], m: number): StatementTotals {
  const totalValues = (t: Totals): Dec[] => [dec(t.usage), dec(t.adjustments), dec(t.total)];
  const withTotals = <T extends Totals>(t: T, [usage, adjustments, total]: Dec[]): T =>
    ({
      ...t, usage: formatAmount(usage!, m), adjustments: formatAmount(adjustments!, m), total: formatAmount(total!, m),
    });
  const [usage, adjustments, total] = before.reduce((sums, t) => totalValues(t).map((v, i) => sums[i]!.minus(v)),
    totalValues(now));
  return {
    usage: formatAmount(usage!, m),
    adjustments: formatAmount(adjustments!, m),
    total: formatAmount(total!, m),
    byMonth: keyedDifference(now.byMonth, before.map((t) => t.byMonth), (t) => t.month, totalValues, withTotals, true),
    byTenant: keyedDifference(now.byTenant, before.map((t) => t.byTenant), (t) => t.tenantId ?? '(unknown tenant)',
      totalValues, withTotals),
    bySubscription: keyedDifference(now.bySubscription, before.map((t) => t.bySubscription), (t) => t.subscriptionId,
      totalValues, withTotals),
    byMeter: keyedDifference(now.byMeter, before.map((t) => t.byMeter), (t) => meterMatchKey(t.meterId),
      (t) => [dec(t.quantity), dec(t.amount)],
      (t, [quantity, amount]) => ({ ...t, quantity: formatDecimal(quantity!), amount: formatAmount(amount!, m) })),
  };
}
