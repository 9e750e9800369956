import { meterMatchKey } from '../meters/catalog.ts';
import { StackmeterError } from '../../shared/result.ts';
import { formatInstant, monthOf, monthStart, nextMonth, parseDate, parseInstant, parseMonth } from './calendar.ts';
import { convertQuantity } from './conversion.ts';
import { formatAmount, formatDecimal, parseDecimal, RatingDecimal, roundTo, ZERO, type Dec } from './decimal.ts';
import { billableQuantity, priceQuantity, type PricedQuantity } from './pricing.ts';
import { roundPreservingSum, splitExactly } from './split.ts';
import type {
  MeterPricing, MeterRate, PriceOverride, RateCard, RateCardVersion, RatedLine, SubscriptionRef, UnratedReason,
  UsageItem,
} from '../../shared/rating.ts';
import { versionAt } from './versions.ts';

/** A usage sum after checking, keyed by month, subscription, meter and the version that prices it. */
export interface PreparedUsage {
  month: string;
  tenantId: string | null;
  subscriptionId: string;
  offerId: string | null;
  meterKey: string;
  meterId: string;
  startMs: number;
  records: number;
  quantity: Dec;
  version: RateCardVersion | null;
}

/** Sorts texts by code unit, never by locale, so that every machine orders lines the same way; null first. */
export function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function bad(message: string): StackmeterError {
  return new StackmeterError('INVALID_ARGUMENT', message);
}

function effectiveStarts(published: readonly RateCardVersion[]): number[] {
  return published.map((v) => parseDate(v.effectiveFrom, 'effectiveFrom'));
}

/**
 * Checks every usage item (errors name the item's index and field), finds the version in effect at its start, and adds
 * up items with the same month, subscription, meter and version. The result does not depend on the order of the items.
 */
export function prepareUsage(items: readonly UsageItem[], published: readonly RateCardVersion[],
  months: ReadonlySet<string>, subscriptions: Map<string, SubscriptionRef>): PreparedUsage[] {
  const starts = effectiveStarts(published);
  const checked = items.map((item, index): PreparedUsage => {
    const at = `usage[${index}]`;
    if (typeof item.subscriptionId !== 'string' || item.subscriptionId === '') {
      throw bad(`${at}.subscriptionId must be a subscription ID.`);
    }
    if (typeof item.meterId !== 'string' || item.meterId.trim() === '') throw bad(`${at}.meterId must be a meter ID.`);
    if (item.tenantId !== null && typeof item.tenantId !== 'string') throw bad(`${at}.tenantId must be text or null.`);
    const offerId = item.offerId ?? null;
    if (offerId !== null && typeof offerId !== 'string') throw bad(`${at}.offerId must be text or null.`);
    if (!Number.isInteger(item.records) || item.records < 0) {
      throw bad(`${at}.records must be a whole number of records, not ${JSON.stringify(item.records)}.`);
    }
    const quantity = parseDecimal(item.quantity, `${at}.quantity`);
    if (quantity.isNegative() && !quantity.isZero()) {
      throw bad(`${at}.quantity must not be negative (${item.quantity}).`);
    }

    let month: string;
    let startMs: number;
    if (item.usageStart !== undefined) {
      startMs = parseInstant(item.usageStart, `${at}.usageStart`);
      month = monthOf(startMs);
      if (item.month !== undefined && parseMonth(item.month, `${at}.month`) !== month) {
        throw bad(`${at}.month (${item.month}) is not the month of its usageStart (${item.usageStart}).`);
      }
    } else if (item.month !== undefined) {
      month = parseMonth(item.month, `${at}.month`);
      startMs = monthStart(month);
      const inside = starts.find((ms) => ms > startMs && ms < monthStart(nextMonth(month)));
      if (inside !== undefined) {
        throw bad(`${at} covers the whole of ${month}, but a rate card version takes effect on `
          + `${formatInstant(inside).slice(0, 10)}; sum the usage before and after that day separately, `
          + 'with usageStart.');
      }
    } else {
      throw bad(`${at} needs usageStart or month, to know which rate card version prices it.`);
    }
    if (item.usageEnd !== undefined) {
      const endMs = parseInstant(item.usageEnd, `${at}.usageEnd`);
      if (endMs <= startMs || endMs > monthStart(nextMonth(month))) {
        throw bad(`${at}.usageEnd (${item.usageEnd}) must be after usageStart and within ${month}.`);
      }
      const inside = starts.find((ms) => ms > startMs && ms < endMs);
      if (inside !== undefined) {
        throw bad(`${at} spans a rate card version taking effect on ${formatInstant(inside).slice(0, 10)}; `
          + 'sum the usage before and after that day separately.');
      }
    }
    if (!months.has(month)) throw bad(`${at} is usage of ${month}, outside the months being rated.`);

    const known = subscriptions.get(item.subscriptionId);
    if (known && (known.tenantId !== item.tenantId || known.offerId !== offerId)) {
      throw bad(`${at}: subscription ${item.subscriptionId} is given tenant ${String(item.tenantId)} and offer `
        + `${String(offerId)}, but elsewhere tenant ${String(known.tenantId)} and offer ${String(known.offerId)}.`);
    }
    subscriptions.set(item.subscriptionId, { subscriptionId: item.subscriptionId, tenantId: item.tenantId, offerId });
    return {
      month, tenantId: item.tenantId, subscriptionId: item.subscriptionId, offerId,
      meterKey: meterMatchKey(item.meterId), meterId: item.meterId.trim(),
      startMs, records: item.records, quantity, version: versionAt(published, startMs),
    };
  });
  return mergeUsage(checked);
}

function usageKey(u: PreparedUsage): string {
  return JSON.stringify([u.month, u.subscriptionId, u.meterKey, u.version?.version ?? null]);
}

function mergeUsage(items: PreparedUsage[]): PreparedUsage[] {
  // Sorted on everything first, so that which item's start time and meter spelling survive, and the order of the
  // additions, are the same whatever order the caller passed them in.
  const sorted = items.map((item) => ({ item, key: usageKey(item) })).sort((a, b) =>
    compareText(a.key, b.key) || a.item.startMs - b.item.startMs || compareText(a.item.meterId, b.item.meterId)
    || a.item.quantity.comparedTo(b.item.quantity) || a.item.records - b.item.records);
  const merged = new Map<string, PreparedUsage>();
  for (const { item, key } of sorted) {
    const current = merged.get(key);
    if (!current) {
      merged.set(key, { ...item });
    } else {
      current.quantity = current.quantity.plus(item.quantity);
      current.records += item.records;
    }
  }
  return [...merged.values()];
}

const SCOPE_RANK = { subscription: 0, tenant: 1, offer: 2, all: 3 } as const;

/**
 * The price override that applies to a line, the most specific first: subscription, then tenant, then offer, then
 * all. `overrides` is sorted by that rank. Overridden usage is priced flat at the override's price and aggregated (for
 * blocks and minimums) apart from usage priced by the card.
 */
function overrideFor(overrides: readonly PriceOverride[], usage: PreparedUsage): PriceOverride | null {
  for (const override of overrides) {
    if (meterMatchKey(override.meterId) !== usage.meterKey) continue;
    const scope = override.scope;
    if (scope.kind === 'all'
      || (scope.kind === 'subscription' && scope.subscriptionId === usage.subscriptionId)
      || (scope.kind === 'tenant' && scope.tenantId === usage.tenantId)
      || (scope.kind === 'offer' && scope.offerId === usage.offerId)) return override;
  }
  return null;
}

export function sortOverrides(overrides: readonly PriceOverride[]): PriceOverride[] {
  return [...overrides].sort((a, b) => SCOPE_RANK[a.scope.kind] - SCOPE_RANK[b.scope.kind] || compareText(a.id, b.id));
}

interface LineWork {
  usage: PreparedUsage;
  rate: MeterRate | null;
  override: PriceOverride | null;
  pricing: MeterPricing | null;
  unratedReason: UnratedReason | null;
  converted: Dec | null;
  divisor: Dec | null;
  amount: Dec | null;
  exactAmount: Dec | null;
  group: Group | null;
}

interface Group {
  key: string;
  tenantId: string | null;
  month: string;
  rate: MeterRate;
  pricing: MeterPricing;
  members: LineWork[];
  quantity: Dec;
  billable: Dec;
  priced: PricedQuantity;
  rounded: Dec;
}

function meterIndex(version: RateCardVersion,
  cache: Map<RateCardVersion, Map<string, MeterRate>>): Map<string, MeterRate> {
  let index = cache.get(version);
  if (!index) {
    index = new Map(version.meters.map((m) => [meterMatchKey(m.meterId), m]));
    cache.set(version, index);
  }
  return index;
}

/**
 * Rates usage sums with a card: converts each quantity to the pricing unit, adds up the aggregates that tiers, blocks
 * and minimums apply to, prices them, rounds at the card's rounding point and splits each aggregate's amount across its
 * lines by quantity (exactly, largest remainder). Returns lines sorted by month, tenant, subscription, meter, version.
 */
export function rateUsage(card: RateCard, minorUnits: number, usage: readonly PreparedUsage[],
  overrides: readonly PriceOverride[]): RatedLine[] {
  const indexes = new Map<RateCardVersion, Map<string, MeterRate>>();
  const works: LineWork[] = usage.map((u) => {
    const work: LineWork = {
      usage: u, rate: null, override: null, pricing: null, unratedReason: null, converted: null, divisor: null,
      amount: null, exactAmount: null, group: null,
    };
    if (!u.version) {
      work.unratedReason = 'no-version';
      return work;
    }
    work.rate = meterIndex(u.version, indexes).get(u.meterKey) ?? null;
    if (!work.rate) {
      work.unratedReason = 'meter-not-on-card';
      return work;
    }
    const { converted, divisor } = convertQuantity(u.quantity, work.rate.conversion, u.month);
    work.converted = converted;
    work.divisor = divisor;
    work.override = overrideFor(overrides, u);
    work.pricing = work.override ? { kind: 'flat', unitPrice: work.override.unitPrice } : work.rate.pricing;
    if (!work.pricing) work.unratedReason = 'no-price';
    return work;
  });
  works.sort((a, b) => compareLines(a.usage, b.usage));

  const groups = new Map<string, Group>();
  for (const work of works) {
    if (!work.rate || !work.pricing || !work.converted) continue;
    const u = work.usage;
    const who = work.rate.aggregation === 'tenant' ? ['tenant', u.tenantId] : ['subscription', u.subscriptionId];
    const key = JSON.stringify([u.month, u.version?.version, u.meterKey, work.override?.id ?? null, ...who]);
    let group = groups.get(key);
    if (!group) {
      group = {
        key, tenantId: u.tenantId, month: u.month, rate: work.rate, pricing: work.pricing, members: [],
        quantity: ZERO, billable: ZERO, priced: { amount: ZERO, unitPrice: null, tiers: [] }, rounded: ZERO,
      };
      groups.set(key, group);
    }
    group.members.push(work);
    group.quantity = group.quantity.plus(work.converted);
    work.group = group;
  }
  for (const group of groups.values()) {
    const { rate } = group;
    group.billable = billableQuantity(group.quantity,
      rate.minimumQuantity === undefined ? null : new RatingDecimal(rate.minimumQuantity),
      rate.blockSize === undefined ? null : new RatingDecimal(rate.blockSize));
    group.priced = priceQuantity(group.billable, group.pricing);
  }
  roundGroups([...groups.values()], card, minorUnits);
  for (const group of groups.values()) {
    const weights = group.members.map((m) => m.converted ?? ZERO);
    const parts = splitExactly(group.rounded, weights, minorUnits);
    group.members.forEach((member, index) => {
      member.amount = parts[index];
      member.exactAmount = group.members.length === 1 ? group.priced.amount
        : group.quantity.isZero() ? group.priced.amount.div(group.members.length)
          : group.priced.amount.times(weights[index]).div(group.quantity);
    });
  }
  return works.map((work) => toLine(work, card, minorUnits));
}

/** Line rounding: each aggregate on its own. Statement rounding: once per tenant and month, then apportioned. */
function roundGroups(groups: Group[], card: RateCard, minorUnits: number): void {
  const { mode, point } = card.rounding;
  if (point === 'line') {
    for (const group of groups) group.rounded = roundTo(group.priced.amount, minorUnits, mode);
    return;
  }
  const statements = new Map<string, Group[]>();
  for (const group of [...groups].sort((a, b) => compareText(a.key, b.key))) {
    const key = JSON.stringify([group.tenantId, group.month]);
    const members = statements.get(key);
    if (members) members.push(group);
    else statements.set(key, [group]);
  }
  for (const members of statements.values()) {
    const parts = roundPreservingSum(members.map((g) => g.priced.amount), minorUnits, mode);
    members.forEach((group, index) => { group.rounded = parts[index]; });
  }
}

function compareLines(a: PreparedUsage, b: PreparedUsage): number {
  return compareText(a.month, b.month) || compareText(a.tenantId, b.tenantId)
    || compareText(a.subscriptionId, b.subscriptionId) || compareText(a.meterKey, b.meterKey)
    || (a.version?.version ?? 0) - (b.version?.version ?? 0);
}

function toLine(work: LineWork, card: RateCard, minorUnits: number): RatedLine {
  const { usage: u, rate, pricing, group } = work;
  const status = work.unratedReason ? 'unrated' : pricing?.kind === 'free' ? 'free' : 'rated';
  const text = (value: Dec | null): string | null => (value === null ? null : formatDecimal(value));
  return {
    month: u.month,
    tenantId: u.tenantId,
    subscriptionId: u.subscriptionId,
    offerId: u.offerId,
    meterId: u.meterId,
    meterName: rate?.name ?? null,
    usageStart: formatInstant(u.startMs),
    records: u.records,
    quantity: formatDecimal(u.quantity),
    consumedUnit: rate?.consumedUnit ?? null,
    conversion: rate ? structuredClone(rate.conversion) : null,
    conversionDivisor: text(work.divisor),
    convertedQuantity: text(work.converted),
    pricingUnit: rate?.pricingUnit ?? null,
    status,
    unratedReason: work.unratedReason,
    pricing: pricing?.kind ?? null,
    overrideId: work.override?.id ?? null,
    unitPrice: status === 'unrated' ? null : text(group?.priced.unitPrice ?? null),
    aggregate: status !== 'rated' || !group ? null : {
      scope: group.rate.aggregation,
      quantity: formatDecimal(group.quantity),
      billableQuantity: formatDecimal(group.billable),
      tiers: group.priced.tiers.map((t) => ({
        tier: t.tier, from: t.tierDef.from, to: t.tierDef.to, quantity: formatDecimal(t.quantity),
        unitPrice: t.tierDef.unitPrice, amount: formatDecimal(t.amount),
      })),
      exactAmount: formatDecimal(group.priced.amount),
      lines: group.members.length,
    },
    exactAmount: status === 'unrated' ? null : text(work.exactAmount ?? ZERO),
    amount: status === 'unrated' ? null : formatAmount(work.amount ?? ZERO, minorUnits),
    currency: card.currency,
    rateCardId: card.id,
    rateCardVersion: u.version?.version ?? null,
  };
}
