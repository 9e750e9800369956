import { meterMatchKey } from '../meters/catalog.ts';
import { StackmeterError } from '../../shared/result.ts';
import { ADJUSTMENT_ORDER, applyAdjustments, type Population } from './adjustments.ts';
import { monthsBetween, parseMonth } from './calendar.ts';
import { currencyMinorUnits } from './currencies.ts';
import { formatAmount, formatDecimal, RatingDecimal, ZERO, type Dec } from './decimal.ts';
import type {
  AdjustmentLine, PriceOverride, RatedLine, RatingInput, RatingResult, StatementTotals, SubscriptionRef, Totals,
  UnratedUsage, ValidationProblem,
} from '../../shared/rating.ts';
import { compareText, prepareUsage, rateUsage, sortOverrides } from './usage.ts';
import { validateAdjustments, validateRateCardForRating } from './validate.ts';
import { publishedVersions } from './versions.ts';

function refuse(what: string, problems: ValidationProblem[]): StackmeterError {
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join(' ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return new StackmeterError('INVALID_ARGUMENT', `${what}: ${shown}${more}`);
}

function checkSubscriptions(refs: readonly SubscriptionRef[]): Map<string, SubscriptionRef> {
  const known = new Map<string, SubscriptionRef>();
  refs.forEach((ref, index) => {
    const at = `subscriptions[${index}]`;
    if (typeof ref.subscriptionId !== 'string' || ref.subscriptionId === '') {
      throw new StackmeterError('INVALID_ARGUMENT', `${at}.subscriptionId must be a subscription ID.`);
    }
    const seen = known.get(ref.subscriptionId);
    if (seen && (seen.tenantId !== ref.tenantId || seen.offerId !== ref.offerId)) {
      throw new StackmeterError('INVALID_ARGUMENT',
        `${at}: subscription ${ref.subscriptionId} is listed twice with different tenants or offers.`);
    }
    known.set(ref.subscriptionId, { subscriptionId: ref.subscriptionId, tenantId: ref.tenantId, offerId: ref.offerId });
  });
  return known;
}

function population(subscriptions: Map<string, SubscriptionRef>): Population {
  const sorted = [...subscriptions.values()].sort((a, b) =>
    compareText(a.tenantId, b.tenantId) || compareText(a.subscriptionId, b.subscriptionId));
  const tenants: Array<string | null> = [];
  for (const ref of sorted) {
    if (tenants.length === 0 || tenants.at(-1) !== ref.tenantId) tenants.push(ref.tenantId);
  }
  return { subscriptions: sorted, tenants };
}

/** Adds amounts into keyed buckets of usage and adjustments, kept in first-seen order. */
class Buckets<K> {
  private readonly entries = new Map<string, { key: K; usage: Dec; adjustments: Dec }>();

  add(id: string, key: K, usage: Dec, adjustments: Dec): void {
    const entry = this.entries.get(id) ?? { key, usage: ZERO, adjustments: ZERO };
    entry.usage = entry.usage.plus(usage);
    entry.adjustments = entry.adjustments.plus(adjustments);
    this.entries.set(id, entry);
  }

  list(minorUnits: number, compare: (a: K, b: K) => number): Array<K & Totals> {
    return [...this.entries.values()].sort((a, b) => compare(a.key, b.key)).map((e) => ({
      ...e.key,
      usage: formatAmount(e.usage, minorUnits),
      adjustments: formatAmount(e.adjustments, minorUnits),
      total: formatAmount(e.usage.plus(e.adjustments), minorUnits),
    }));
  }
}

const amountOf = (text: string | null): Dec => (text === null ? ZERO : new RatingDecimal(text));

function totalsOf(lines: readonly RatedLine[], adjustmentLines: readonly AdjustmentLine[], pop: Population,
  months: readonly string[], minorUnits: number): StatementTotals {
  const byMonth = new Buckets<{ month: string }>();
  const byTenant = new Buckets<{ tenantId: string | null }>();
  const bySubscription = new Buckets<{ tenantId: string | null; subscriptionId: string }>();
  for (const month of months) byMonth.add(month, { month }, ZERO, ZERO);
  for (const tenantId of pop.tenants) byTenant.add(JSON.stringify(tenantId), { tenantId }, ZERO, ZERO);
  for (const { tenantId, subscriptionId } of pop.subscriptions) {
    bySubscription.add(subscriptionId, { tenantId, subscriptionId }, ZERO, ZERO);
  }
  const meters = new Map<string, { meterId: string; quantity: Dec; amount: Dec }>();
  let usage = ZERO;
  for (const line of lines) {
    if (line.status === 'unrated') continue;
    const amount = amountOf(line.amount);
    usage = usage.plus(amount);
    byMonth.add(line.month, { month: line.month }, amount, ZERO);
    byTenant.add(JSON.stringify(line.tenantId), { tenantId: line.tenantId }, amount, ZERO);
    const { tenantId, subscriptionId } = line;
    bySubscription.add(subscriptionId, { tenantId, subscriptionId }, amount, ZERO);
    const key = meterMatchKey(line.meterId);
    const meter = meters.get(key) ?? { meterId: line.meterId, quantity: ZERO, amount: ZERO };
    meter.quantity = meter.quantity.plus(line.quantity);
    meter.amount = meter.amount.plus(amount);
    meters.set(key, meter);
  }
  let adjustments = ZERO;
  for (const line of adjustmentLines) {
    const amount = amountOf(line.amount);
    adjustments = adjustments.plus(amount);
    byMonth.add(line.month, { month: line.month }, ZERO, amount);
    byTenant.add(JSON.stringify(line.tenantId), { tenantId: line.tenantId }, ZERO, amount);
    if (line.subscriptionId !== null) {
      bySubscription.add(line.subscriptionId, { tenantId: line.tenantId, subscriptionId: line.subscriptionId }, ZERO,
        amount);
    }
  }
  return {
    usage: formatAmount(usage, minorUnits),
    adjustments: formatAmount(adjustments, minorUnits),
    total: formatAmount(usage.plus(adjustments), minorUnits),
    byMonth: byMonth.list(minorUnits, (a, b) => compareText(a.month, b.month)),
    byTenant: byTenant.list(minorUnits, (a, b) => compareText(a.tenantId, b.tenantId)),
    bySubscription: bySubscription.list(minorUnits, (a, b) =>
      compareText(a.tenantId, b.tenantId) || compareText(a.subscriptionId, b.subscriptionId)),
    byMeter: [...meters.entries()].sort(([a], [b]) => compareText(a, b)).map(([, m]) => ({
      meterId: m.meterId, quantity: formatDecimal(m.quantity), amount: formatAmount(m.amount, minorUnits),
    })),
  };
}

function unratedOf(lines: readonly RatedLine[]): UnratedUsage[] {
  const groups = new Map<string, { meterId: string; reason: UnratedUsage['reason']; lines: number; records: number;
    quantity: Dec; }>();
  for (const line of lines) {
    if (line.status !== 'unrated' || line.unratedReason === null) continue;
    const key = JSON.stringify([meterMatchKey(line.meterId), line.unratedReason]);
    const group = groups.get(key)
      ?? { meterId: line.meterId, reason: line.unratedReason, lines: 0, records: 0, quantity: ZERO };
    group.lines += 1;
    group.records += line.records;
    group.quantity = group.quantity.plus(line.quantity);
    groups.set(key, group);
  }
  return [...groups.entries()].sort(([a], [b]) => compareText(a, b))
    .map(([, g]) => ({ ...g, quantity: formatDecimal(g.quantity) }));
}

/**
 * Rates usage with a rate card and applies the adjustments: the whole chargeback computation for a run of months, as
 * one pure function. The same input, in any order, gives the same result byte for byte.
 */
export function rateStatement(input: RatingInput): RatingResult {
  const { card } = input;
  const cardProblems = validateRateCardForRating(card);
  if (cardProblems.length > 0) throw refuse(`Rate card "${String(card.name)}" cannot rate usage`, cardProblems);
  const minorUnits = currencyMinorUnits(card.currency);
  const from = parseMonth(input.months?.from, 'months.from');
  const to = parseMonth(input.months?.to, 'months.to');
  if (to < from) throw new StackmeterError('INVALID_ARGUMENT', `months.to (${to}) is before months.from (${from}).`);
  const months = monthsBetween(from, to);
  const adjustments = input.adjustments ?? [];
  const adjustmentProblems = validateAdjustments(adjustments);
  if (adjustmentProblems.length > 0) throw refuse('The adjustments cannot be applied', adjustmentProblems);

  const subscriptions = checkSubscriptions(input.subscriptions ?? []);
  const usage = prepareUsage(input.usage, publishedVersions(card), new Set(months), subscriptions);
  const overrides = sortOverrides(adjustments.filter((a): a is PriceOverride => a.type === 'price-override'));
  const lines = rateUsage(card, minorUnits, usage, overrides);
  const pop = population(subscriptions);
  const applied = applyAdjustments(card, minorUnits, months, pop, lines, adjustments);
  return {
    rateCardId: card.id,
    rateCardName: card.name,
    currency: card.currency,
    minorUnits,
    rounding: { mode: card.rounding.mode, point: card.rounding.point },
    months: { from, to },
    adjustmentOrder: ADJUSTMENT_ORDER,
    lines,
    adjustmentLines: applied.lines,
    totals: totalsOf(lines, applied.lines, pop, months, minorUnits),
    unrated: unratedOf(lines),
    credits: applied.credits,
    unmatchedAdjustments: applied.unmatched,
  };
}
