import { daysInMonth, daysOverlapping, monthOf, parseDate } from './calendar.ts';
import { formatAmount, RatingDecimal, roundTo, ZERO, type Dec } from './decimal.ts';
import { splitExactly } from './split.ts';
import type {
  Adjustment, AdjustmentLine, AdjustmentScope, AdjustmentStep, AdjustmentType, CreditApplication, PercentageAdjustment,
  RateCard, RatedLine, SubscriptionRef,
} from '../../shared/rating.ts';
import { compareText } from './usage.ts';

/**
 * The order adjustments apply in, one step per type, with the sentence a statement prints for each. Within a step,
 * adjustments apply subscription scope first, then offer, tenant and all, each by ID. Every amount is rounded to the
 * currency's minor unit with the card's rounding mode where it is computed.
 */
export const ADJUSTMENT_ORDER: readonly AdjustmentStep[] = Object.freeze([
  {
    step: 0, type: 'price-override',
    description: 'Price overrides replace the rate card price of a meter before its usage is rated; the most specific '
      + 'applies (subscription, then tenant, then offer, then all).',
  },
  {
    step: 1, type: 'markup',
    description: 'Markups add their percentage of the rated usage of their scope.',
  },
  {
    step: 2, type: 'discount',
    description: 'Discounts subtract their percentage of the same rated usage (percentages are not compounded), never '
      + 'taking a scope below zero.',
  },
  {
    step: 3, type: 'recurring-fee',
    description: 'Recurring fees add their monthly amount, prorated by the days of the month they are active.',
  },
  {
    step: 4, type: 'one-time-fee',
    description: 'One-time fees add their amount in the month of their date.',
  },
  {
    step: 5, type: 'minimum-charge',
    description: 'Minimum monthly charges add a true-up line when the charges so far in the month are below the '
      + 'minimum.',
  },
  {
    step: 6, type: 'credit',
    description: 'Credits subtract their amount in the month of their date, never more than the charges so far; the '
      + 'rest is reported as unapplied.',
  },
  {
    step: 7, type: 'tax',
    description: 'Taxes add their percentage of the charges after credits; no tax is charged on another tax.',
  },
].map((step) => Object.freeze(step as AdjustmentStep)));

const STEP = new Map<AdjustmentType, number>(ADJUSTMENT_ORDER.map((s) => [s.type, s.step]));
const SCOPE_ORDER = { subscription: 0, offer: 1, tenant: 2, all: 3 } as const;

/** The subscriptions a statement covers, and their tenants, in a fixed order. */
export interface Population {
  subscriptions: SubscriptionRef[];
  tenants: Array<string | null>;
}

type Target =
  | { kind: 'subscription'; ref: SubscriptionRef }
  | { kind: 'tenant'; tenantId: string | null }
  | { kind: 'all' };

/** Running sums of one month, updated as each adjustment line is added. */
interface MonthState {
  usageBySubscription: Map<string, Dec>;
  usageByTenant: Map<string, Dec>;
  netBySubscription: Map<string, Dec>;
  netByTenant: Map<string, Dec>;
  usage: Dec;
  net: Dec;
}

const tenantKey = (tenantId: string | null): string => JSON.stringify(tenantId);
const get = (map: Map<string, Dec>, key: string): Dec => map.get(key) ?? ZERO;

function targetsOf(scope: AdjustmentScope, population: Population): Target[] {
  switch (scope.kind) {
    case 'all':
      return population.tenants.length > 0 ? [{ kind: 'all' }] : [];
    case 'tenant':
      return population.tenants.includes(scope.tenantId) ? [{ kind: 'tenant', tenantId: scope.tenantId }] : [];
    case 'subscription':
      return population.subscriptions.filter((s) => s.subscriptionId === scope.subscriptionId)
        .map((ref) => ({ kind: 'subscription', ref }));
    case 'offer':
      return population.subscriptions.filter((s) => s.offerId === scope.offerId)
        .map((ref) => ({ kind: 'subscription', ref }));
  }
}

function describeTarget(target: Target): string {
  if (target.kind === 'all') return 'all tenants';
  if (target.kind === 'tenant') return target.tenantId === null ? 'the unknown tenant' : `tenant ${target.tenantId}`;
  return `subscription ${target.ref.subscriptionId}`;
}

/** What each adjustment does to a month: lines and credit applications, in the order they were applied. */
interface Output {
  lines: AdjustmentLine[];
  credits: CreditApplication[];
}

interface Context {
  card: RateCard;
  minorUnits: number;
  population: Population;
  month: string;
  state: MonthState;
  out: Output;
}

function round(ctx: Context, value: Dec): Dec {
  return roundTo(value, ctx.minorUnits, ctx.card.rounding.mode);
}

function money(ctx: Context, value: Dec): string {
  return formatAmount(value, ctx.minorUnits);
}

function initialState(month: string, lines: readonly RatedLine[]): MonthState {
  const state: MonthState = {
    usageBySubscription: new Map(), usageByTenant: new Map(), netBySubscription: new Map(), netByTenant: new Map(),
    usage: ZERO, net: ZERO,
  };
  for (const line of lines) {
    if (line.month !== month || line.amount === null) continue;
    const amount = new RatingDecimal(line.amount);
    const tenant = tenantKey(line.tenantId);
    const subscription = get(state.usageBySubscription, line.subscriptionId);
    state.usageBySubscription.set(line.subscriptionId, subscription.plus(amount));
    state.usageByTenant.set(tenant, get(state.usageByTenant, tenant).plus(amount));
    state.usage = state.usage.plus(amount);
  }
  state.netBySubscription = new Map(state.usageBySubscription);
  state.netByTenant = new Map(state.usageByTenant);
  state.net = state.usage;
  return state;
}

function cloneState(state: MonthState): MonthState {
  return {
    usageBySubscription: new Map(state.usageBySubscription), usageByTenant: new Map(state.usageByTenant),
    netBySubscription: new Map(state.netBySubscription), netByTenant: new Map(state.netByTenant),
    usage: state.usage, net: state.net,
  };
}

function usageOf(state: MonthState, target: Target): Dec {
  if (target.kind === 'all') return state.usage;
  if (target.kind === 'tenant') return get(state.usageByTenant, tenantKey(target.tenantId));
  return get(state.usageBySubscription, target.ref.subscriptionId);
}

function netOf(state: MonthState, target: Target): Dec {
  if (target.kind === 'all') return state.net;
  if (target.kind === 'tenant') return get(state.netByTenant, tenantKey(target.tenantId));
  return get(state.netBySubscription, target.ref.subscriptionId);
}

/** The most a reduction can take from a target without taking it, or its tenant, below zero. */
function capOf(state: MonthState, target: Target): Dec {
  const own = netOf(state, target);
  const cap = target.kind === 'subscription'
    ? RatingDecimal.min(own, get(state.netByTenant, tenantKey(target.ref.tenantId))) : own;
  return RatingDecimal.max(cap, ZERO);
}

/** A charge worked out for one target, before it becomes lines. */
interface Charge {
  amount: Dec;
  base: Dec | null;
  percent: string | null;
  detail: string;
  /** For an 'all' target: what the tenants' shares are weighted by. */
  weights: 'usage' | 'net';
  /** Whether the charge takes away (discount, credit): an 'all' share is then capped at the tenant's net. */
  reduces: boolean;
}

function emit(ctx: Context, adjustment: Adjustment, tenantId: string | null, subscriptionId: string | null,
  charge: Charge, amount: Dec, detail: string): void {
  if (amount.isZero()) return;
  const { state } = ctx;
  if (subscriptionId !== null) {
    state.netBySubscription.set(subscriptionId, get(state.netBySubscription, subscriptionId).plus(amount));
  }
  const tenant = tenantKey(tenantId);
  state.netByTenant.set(tenant, get(state.netByTenant, tenant).plus(amount));
  state.net = state.net.plus(amount);
  ctx.out.lines.push({
    month: ctx.month,
    step: STEP.get(adjustment.type) ?? -1,
    type: adjustment.type,
    adjustmentId: adjustment.id,
    label: adjustment.label,
    tenantId,
    subscriptionId,
    base: charge.base === null ? null : money(ctx, charge.base),
    percent: charge.percent,
    detail,
    amount: money(ctx, amount),
    currency: ctx.card.currency,
  });
}

/**
 * Turns a charge into lines: one for a subscription or a tenant; for 'all', the amount split across the tenants by
 * their usage or charges so far in `weighed` (evenly when those are all zero), each share a tenant-level line. A
 * reducing share is capped at what the tenant has been charged so far.
 */
function apply(ctx: Context, adjustment: Adjustment, target: Target, charge: Charge, weighed: MonthState): void {
  if (target.kind === 'subscription') {
    emit(ctx, adjustment, target.ref.tenantId, target.ref.subscriptionId, charge, charge.amount, charge.detail);
    return;
  }
  if (target.kind === 'tenant') {
    emit(ctx, adjustment, target.tenantId, null, charge, charge.amount, charge.detail);
    return;
  }
  const { tenants } = ctx.population;
  const weights = tenants.map((tenant) => {
    const key = tenantKey(tenant);
    const weight = charge.weights === 'usage' ? get(weighed.usageByTenant, key) : get(weighed.netByTenant, key);
    return RatingDecimal.max(weight, ZERO);
  });
  const parts = splitExactly(charge.amount, weights, ctx.minorUnits);
  const by = charge.weights === 'usage' ? 'usage' : 'charges so far';
  tenants.forEach((tenantId, index) => {
    let part = parts[index];
    let note = `${charge.detail}; share of ${money(ctx, charge.amount)} split across ${tenants.length} tenant(s) `
      + `by ${by}`;
    if (charge.reduces) {
      const cap = capOf(ctx.state, { kind: 'tenant', tenantId });
      if (part.neg().gt(cap)) {
        part = cap.neg();
        note += `, capped at the tenant's charges so far (${money(ctx, cap)})`;
      }
    }
    emit(ctx, adjustment, tenantId, null, charge, part, note);
  });
}

function percentCharge(ctx: Context, adjustment: PercentageAdjustment, target: Target): Charge {
  const base = usageOf(ctx.state, target);
  const raw = round(ctx, base.times(adjustment.percent).div(100));
  const charge: Charge = {
    amount: raw, base, percent: adjustment.percent, weights: 'usage', reduces: false,
    detail: `${adjustment.percent}% of usage ${money(ctx, base)}`,
  };
  if (adjustment.type !== 'discount') return charge;
  charge.reduces = true;
  // An 'all' discount is capped per tenant when it is split; a subscription's or tenant's here.
  const cap = target.kind === 'all' ? raw : capOf(ctx.state, target);
  if (raw.gt(cap)) {
    charge.amount = cap.neg();
    charge.detail += `, capped at the charges so far (${money(ctx, cap)})`;
  } else {
    charge.amount = raw.neg();
  }
  return charge;
}

/** The charge of one adjustment for one target in the context's month, or null when it has nothing to do then. */
function chargeFor(ctx: Context, adjustment: Adjustment, target: Target, taxBase: MonthState): Charge | null {
  const { month } = ctx;
  switch (adjustment.type) {
    case 'price-override':
      return null;
    case 'markup':
    case 'discount':
      return percentCharge(ctx, adjustment, target);
    case 'recurring-fee': {
      const days = daysOverlapping(month, parseDate(adjustment.from, 'from'),
        adjustment.to === null ? null : parseDate(adjustment.to, 'to'));
      if (days === 0) return null;
      const inMonth = daysInMonth(month);
      return {
        amount: round(ctx, new RatingDecimal(adjustment.monthlyAmount).times(days).div(inMonth)),
        base: null, percent: null, weights: 'net', reduces: false,
        detail: `${days} of ${inMonth} days of ${adjustment.monthlyAmount} a month`,
      };
    }
    case 'one-time-fee':
      if (monthOf(parseDate(adjustment.date, 'date')) !== month) return null;
      return {
        amount: round(ctx, new RatingDecimal(adjustment.amount)), base: null, percent: null, weights: 'net',
        reduces: false, detail: `one-time fee of ${adjustment.date}`,
      };
    case 'minimum-charge': {
      const base = netOf(ctx.state, target);
      const minimum = round(ctx, new RatingDecimal(adjustment.monthlyAmount));
      if (base.gte(minimum)) return null;
      return {
        amount: minimum.minus(base), base, percent: null, weights: 'net', reduces: false,
        detail: `true-up to the monthly minimum of ${money(ctx, minimum)}`,
      };
    }
    case 'credit': {
      if (monthOf(parseDate(adjustment.date, 'date')) !== month) return null;
      const credit = round(ctx, new RatingDecimal(adjustment.amount));
      const cap = capOf(ctx.state, target);
      const applied = RatingDecimal.min(credit, cap);
      const unapplied = credit.minus(applied);
      ctx.out.credits.push({
        adjustmentId: adjustment.id, month, target: describeTarget(target), amount: money(ctx, credit),
        applied: money(ctx, applied), unapplied: money(ctx, unapplied),
      });
      return {
        amount: applied.neg(), base: netOf(ctx.state, target), percent: null, weights: 'net', reduces: true,
        detail: unapplied.isZero() ? `credit of ${money(ctx, credit)}`
          : `credit of ${money(ctx, credit)}, of which ${money(ctx, unapplied)} could not be applied (no charges left)`,
      };
    }
    case 'tax': {
      const base = netOf(taxBase, target);
      return {
        amount: round(ctx, base.times(adjustment.percent).div(100)), base, percent: adjustment.percent,
        weights: 'net', reduces: false, detail: `${adjustment.percent}% of ${money(ctx, base)}`,
      };
    }
  }
}

function sortAdjustments(adjustments: readonly Adjustment[]): Adjustment[] {
  return [...adjustments].sort((a, b) => (STEP.get(a.type) ?? 0) - (STEP.get(b.type) ?? 0)
    || SCOPE_ORDER[a.scope.kind] - SCOPE_ORDER[b.scope.kind] || compareText(a.id, b.id));
}

/**
 * Applies the adjustments (already validated) to rated usage, month by month, in ADJUSTMENT_ORDER. Price overrides are
 * not applied here (rating used them); they only count towards `unmatched`.
 */
export function applyAdjustments(card: RateCard, minorUnits: number, months: readonly string[], population: Population,
  lines: readonly RatedLine[], adjustments: readonly Adjustment[]):
  { lines: AdjustmentLine[]; credits: CreditApplication[]; unmatched: string[] } {
  const ordered = sortAdjustments(adjustments);
  const targets = new Map(ordered.map((a) => [a.id, targetsOf(a.scope, population)]));
  const unmatched = ordered.filter((a) => targets.get(a.id)?.length === 0).map((a) => a.id).sort(compareText);
  const out: Output = { lines: [], credits: [] };
  for (const month of months) {
    const ctx: Context = { card, minorUnits, population, month, state: initialState(month, lines), out };
    let taxBase: MonthState | null = null;
    for (const adjustment of ordered) {
      // Taxes all see the charges as they stood after credits, not each other's lines.
      if (adjustment.type === 'tax') taxBase ??= cloneState(ctx.state);
      for (const target of targets.get(adjustment.id) ?? []) {
        const charge = chargeFor(ctx, adjustment, target, taxBase ?? ctx.state);
        if (charge) apply(ctx, adjustment, target, charge, taxBase ?? ctx.state);
      }
    }
  }
  return { lines: out.lines, credits: out.credits, unmatched };
}
