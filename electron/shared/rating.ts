// The data the rating engine reads and writes, shared with the console (plain types, no Node). Every amount, price,
// percentage and quantity is a decimal string: the engine never turns them into JS numbers, and what it writes back
// can be stored and compared byte for byte.

// --- Rate cards ------------------------------------------------------------------------------------------------------

/** 'half-up' rounds a tie away from zero (2.345 → 2.35); 'half-even' to the even neighbour (2.345 → 2.34). */
export type RoundingMode = 'half-up' | 'half-even';

/**
 * Where usage charges are rounded to the currency's minor unit. 'line': every rated line on its own. 'statement': a
 * tenant's usage of one month is summed at full precision, rounded once, and the rounded sum is apportioned to its
 * lines (largest remainder), so the lines still add up to it.
 */
export type RoundingPoint = 'line' | 'statement';

export interface RoundingPolicy {
  mode: RoundingMode;
  point: RoundingPoint;
}

/**
 * How a quantity in the consumed unit becomes a quantity in the pricing unit: always a division.
 * - none: the two units are the same.
 * - factor: divide by `divisor` (requests → per 10,000 requests: 10000).
 * - hours-of-month: divide by the real hours of the usage's month (GB*hours → GB*month: 672 in February 2025, 744
 *   in March).
 * - fixed-hours: divide by a stated number of hours per month, whatever the month (730 in most public price lists).
 */
export type Conversion =
  | { kind: 'none' }
  | { kind: 'factor'; divisor: string }
  | { kind: 'hours-of-month' }
  | { kind: 'fixed-hours'; hoursPerMonth: string };

/**
 * One price band, in pricing units. Bands run from 0 without gaps or overlaps: each band starts where the previous one
 * ends, and only the last is open (`to: null`). A band covers quantities above `from` up to and including `to` (the
 * first band includes 0), which decides where a volume-tiered quantity that sits exactly on a boundary falls.
 */
export interface Tier {
  from: string;
  to: string | null;
  unitPrice: string;
}

/**
 * - free: the meter is charged nothing, on purpose; its lines say so.
 * - flat: one unit price.
 * - graduated: each band's part of the quantity at that band's price (the first 100 at 0.10, the next 400 at 0.08...).
 * - volume: the whole quantity at the price of the band it reaches.
 */
export type MeterPricing =
  | { kind: 'free' }
  | { kind: 'flat'; unitPrice: string }
  | { kind: 'graduated'; tiers: Tier[] }
  | { kind: 'volume'; tiers: Tier[] };

/** Whose usage is added up, per month, before tiers, blocks and minimums apply: each subscription's or the tenant's. */
export type AggregationScope = 'subscription' | 'tenant';

export interface MeterRate {
  /** Any spelling of the meter ID; compared as the meter catalog does (lower case, without hyphens). */
  meterId: string;
  /** Shown on statements beside the ID. */
  name?: string;
  /** The unit usage arrives in, e.g. 'GB*hours'. */
  consumedUnit: string;
  /** The unit the price is per, e.g. 'GB*month'. When it differs from consumedUnit, a conversion is required. */
  pricingUnit: string;
  conversion: Conversion;
  /** null: the meter is listed but has no price yet, so its usage is unrated (never silently charged at zero). */
  pricing: MeterPricing | null;
  aggregation: AggregationScope;
  /** When the aggregated quantity is above zero but below this, this is charged instead (in pricing units). */
  minimumQuantity?: string;
  /** The aggregated quantity is rounded up to a whole number of these (in pricing units) before pricing. */
  blockSize?: string;
}

export type VersionStatus = 'draft' | 'published';

export interface RateCardVersion {
  /** 1, 2, 3... in the order the versions were created. */
  version: number;
  /** YYYY-MM-DD: the version prices usage that starts on or after 00:00 UTC of this day (until the next version). */
  effectiveFrom: string;
  status: VersionStatus;
  /** ISO 8601 instant of publication; null while a draft. */
  publishedAt: string | null;
  note?: string;
  meters: MeterRate[];
}

export interface RateCard {
  id: string;
  name: string;
  /** ISO 4217 code; its minor unit is what amounts are rounded to. */
  currency: string;
  rounding: RoundingPolicy;
  versions: RateCardVersion[];
}

/** A problem found by validation, with the path of the field it is about (e.g. 'versions[1].meters[0].pricing'). */
export interface ValidationProblem {
  path: string;
  message: string;
}

// --- Adjustments -----------------------------------------------------------------------------------------------------

/**
 * Who an adjustment applies to. 'offer' applies to each subscription on the offer as if it had been given to that
 * subscription. 'all' applies to the statement as a whole; its amount is computed once and split across tenants.
 */
export type AdjustmentScope =
  | { kind: 'all' }
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'offer'; offerId: string };

interface AdjustmentCommon {
  /** Unique among the adjustments of a rating; lines cite it. */
  id: string;
  label: string;
  scope: AdjustmentScope;
}

/** Charges one meter at this flat unit price (per pricing unit of the card) instead of the card's price or tiers. */
export interface PriceOverride extends AdjustmentCommon {
  type: 'price-override';
  meterId: string;
  unitPrice: string;
}

/** A percentage of the rated usage: added for a markup, subtracted for a discount. '12.5' means 12.5 %. */
export interface PercentageAdjustment extends AdjustmentCommon {
  type: 'markup' | 'discount';
  percent: string;
}

/** A fixed monthly amount from `from` (YYYY-MM-DD) until `to` (exclusive; null: open), prorated by days. */
export interface RecurringFee extends AdjustmentCommon {
  type: 'recurring-fee';
  monthlyAmount: string;
  from: string;
  to: string | null;
}

export interface OneTimeFee extends AdjustmentCommon {
  type: 'one-time-fee';
  amount: string;
  /** YYYY-MM-DD; the fee is charged in this date's month. */
  date: string;
}

/** The least a scope is charged for a month; a true-up line makes up the difference. */
export interface MinimumCharge extends AdjustmentCommon {
  type: 'minimum-charge';
  monthlyAmount: string;
}

export interface Credit extends AdjustmentCommon {
  type: 'credit';
  amount: string;
  /** YYYY-MM-DD; the credit is applied in this date's month. */
  date: string;
}

export interface Tax extends AdjustmentCommon {
  type: 'tax';
  percent: string;
}

export type Adjustment =
  | PriceOverride | PercentageAdjustment | RecurringFee | OneTimeFee | MinimumCharge | Credit | Tax;

export type AdjustmentType = Adjustment['type'];

/** What importing a list of adjustments did, by adjustment ID. */
export interface AdjustmentsImportResult {
  added: string[];
  /** Stored adjustments with the same ID, replaced by the file's. */
  replaced: string[];
  /** Identical to what was stored: nothing saved, nothing audited. */
  unchanged: string[];
}

// --- Rating input ----------------------------------------------------------------------------------------------------

/**
 * Usage summed per subscription, meter and month (and split where a rate card version takes effect mid-month, see
 * versionSegments). Several items with the same subscription, meter, month and version are added together.
 */
export interface UsageItem {
  /** The subscription's directory tenant; null when unknown (it is rated and totalled as the unknown tenant). */
  tenantId: string | null;
  subscriptionId: string;
  offerId?: string | null;
  meterId: string;
  /** ISO 8601 UTC start of the earliest usage in the sum; it selects the rate card version. */
  usageStart?: string;
  /** ISO 8601 UTC end (exclusive) of the latest usage in the sum; when given, no version may take effect inside. */
  usageEnd?: string;
  /** YYYY-MM of the sum; required when usageStart is absent (the version is then the one in effect all month). */
  month?: string;
  /** Exact decimal string in the meter's consumed unit. */
  quantity: string;
  /** How many usage records the sum covers. */
  records: number;
}

/** A subscription the statement covers even if it has no usage (fees and minimum charges still apply to it). */
export interface SubscriptionRef {
  subscriptionId: string;
  tenantId: string | null;
  offerId: string | null;
}

export interface RatingInput {
  card: RateCard;
  /** YYYY-MM, both inclusive. Usage outside these months is refused. */
  months: { from: string; to: string };
  usage: UsageItem[];
  subscriptions?: SubscriptionRef[];
  adjustments?: Adjustment[];
}

// --- Rating output ---------------------------------------------------------------------------------------------------

export type LineStatus = 'rated' | 'free' | 'unrated';

/**
 * Why a line is unrated: no published version was in effect at the usage's start, the version does not list the
 * meter, or it lists the meter without a price.
 */
export type UnratedReason = 'no-version' | 'meter-not-on-card' | 'no-price';

/** One band's share of an aggregated quantity; amount at full precision. */
export interface TierCharge {
  tier: number;
  from: string;
  to: string | null;
  quantity: string;
  unitPrice: string;
  amount: string;
}

/** The quantity that was priced: the usage of the line's aggregation scope for the month, after blocks and minimums. */
export interface PricedAggregate {
  scope: AggregationScope;
  /** Sum of the converted quantities of every line in the aggregate. */
  quantity: string;
  /** The quantity charged: rounded up to the block and raised to the minimum. */
  billableQuantity: string;
  tiers: TierCharge[];
  /** The aggregate's charge at full precision, before it is rounded and split across its lines by quantity. */
  exactAmount: string;
  /** How many lines (subscriptions) share it. */
  lines: number;
}

export interface RatedLine {
  month: string;
  tenantId: string | null;
  subscriptionId: string;
  offerId: string | null;
  meterId: string;
  meterName: string | null;
  /** Earliest usage start in the line (ISO 8601 UTC). */
  usageStart: string;
  records: number;
  /** In the consumed unit, exactly as summed. */
  quantity: string;
  consumedUnit: string | null;
  conversion: Conversion | null;
  /** The number the quantity was divided by, e.g. '672' for hours-of-month in February 2025. */
  conversionDivisor: string | null;
  /** In the pricing unit. */
  convertedQuantity: string | null;
  pricingUnit: string | null;
  status: LineStatus;
  unratedReason: UnratedReason | null;
  pricing: MeterPricing['kind'] | null;
  /** The adjustment whose price override was used instead of the card's price; null when the card's price was used. */
  overrideId: string | null;
  /** Flat and override: the price; volume: the price of the band reached; free: '0'; graduated: null (see tiers). */
  unitPrice: string | null;
  aggregate: PricedAggregate | null;
  /** This line's share of the aggregate's exact amount; null when unrated. */
  exactAmount: string | null;
  /** In minor units of the currency; null when unrated (not charged, and not zero either). */
  amount: string | null;
  currency: string;
  rateCardId: string;
  rateCardVersion: number | null;
}

export interface AdjustmentLine {
  month: string;
  /** Position of the adjustment's type in ADJUSTMENT_ORDER (0 = price override). */
  step: number;
  type: AdjustmentType;
  adjustmentId: string;
  label: string;
  tenantId: string | null;
  /** null: a tenant-level line (tenant and 'all' scopes), counted in the tenant's total but in no subscription's. */
  subscriptionId: string | null;
  /** The amount the line was computed from (usage for percentages, charges so far for true-ups, credits and tax). */
  base: string | null;
  /** The percentage, for markups, discounts and tax. */
  percent: string | null;
  /** How the amount came about, in words (proration days, the share of a split, a cap). */
  detail: string;
  amount: string;
  currency: string;
}

export interface Totals {
  usage: string;
  adjustments: string;
  total: string;
}

export interface StatementTotals extends Totals {
  byMonth: Array<{ month: string } & Totals>;
  byTenant: Array<{ tenantId: string | null } & Totals>;
  /** Subscription lines only: a tenant's tenant-level adjustment lines are in its byTenant total, not here. */
  bySubscription: Array<{ tenantId: string | null; subscriptionId: string } & Totals>;
  /** Rated and free lines; unrated usage is listed under `unrated`. */
  byMeter: Array<{ meterId: string; quantity: string; amount: string }>;
}

export interface UnratedUsage {
  meterId: string;
  reason: UnratedReason;
  lines: number;
  records: number;
  quantity: string;
}

/** How much of a credit was used in a month, and how much could not be (no charges left to credit). */
export interface CreditApplication {
  adjustmentId: string;
  month: string;
  /** Who it was applied to, in words: 'subscription …', 'tenant …', 'all tenants'. */
  target: string;
  amount: string;
  applied: string;
  unapplied: string;
}

export interface AdjustmentStep {
  step: number;
  type: AdjustmentType;
  description: string;
}

export interface RatingResult {
  rateCardId: string;
  rateCardName: string;
  currency: string;
  minorUnits: number;
  rounding: RoundingPolicy;
  months: { from: string; to: string };
  adjustmentOrder: readonly AdjustmentStep[];
  lines: RatedLine[];
  adjustmentLines: AdjustmentLine[];
  totals: StatementTotals;
  unrated: UnratedUsage[];
  credits: CreditApplication[];
  /** Adjustments whose scope matched no subscription of the statement (a typo, or a tenant without subscriptions). */
  unmatchedAdjustments: string[];
}

// --- Stored rate cards and the audit log -----------------------------------------------------------------------------

/** What a new card's first (draft) version starts from: no meters, the starter card's, or another card's latest. */
export type RateCardSource = 'empty' | 'starter' | { copyOf: string };

export interface RateCardInput {
  name: string;
  currency: string;
  rounding: RoundingPolicy;
  /** Default: 'empty'. */
  from?: RateCardSource;
}

/** A draft version as an editor saves it; the version number and status are the store's business. */
export interface RateCardDraft {
  effectiveFrom: string;
  note?: string;
  meters: MeterRate[];
}

/** A saved draft and what still stops it from being published (drafts may be unfinished). */
export interface SavedDraft {
  card: RateCard;
  /** The draft version these problems are about. */
  version: number;
  /** Paths relative to the version ('effectiveFrom', 'meters[2].pricing.unitPrice'). */
  problems: ValidationProblem[];
}

/** A rate card in a list: its settings and, per version, what an editor needs to choose one. */
export interface RateCardSummary {
  id: string;
  name: string;
  currency: string;
  rounding: RoundingPolicy;
  versions: Array<{
    version: number;
    effectiveFrom: string;
    status: VersionStatus;
    publishedAt: string | null;
    /** How many meters the version lists (priced, free or unrated). */
    meters: number;
  }>;
}

/** What an audit entry records. */
export type AuditAction =
  | 'rate-card.create'
  | 'rate-card.publish'
  | 'rate-card.draft'
  | 'rate-card.import'
  | 'adjustment.save'
  | 'adjustment.remove'
  | 'meter-override.save'
  | 'statement.create'
  | 'statement.finalize'
  | 'statement.correct'
  | 'statement.replay'
  | 'capacity-model.save'
  | 'export'
  | 'bundle.key-create'
  | 'bundle.trust'
  | 'bundle.import';

/**
 * One entry of the append-only audit log. `hash` is the SHA-256 (hex) of the canonical JSON of every other field
 * (seq, at, user, action, subject, reason, details, prevHash), and `prevHash` is the previous entry's hash (64 zeros
 * for the first), so that editing, removing or reordering any entry breaks the chain from there on.
 */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 UTC instant. */
  at: string;
  /** The OS user name of whoever made the change. */
  user: string;
  action: AuditAction;
  /** What the entry is about, e.g. 'rate-card:standard-1a2b' or 'statement:ST-202610-0001'. */
  subject: string;
  reason: string | null;
  /** Facts of the change (a version number, a file name...), as stored; null when there are none. */
  details: unknown;
  prevHash: string;
  hash: string;
}

/** The result of recomputing the audit chain. */
export interface AuditVerification {
  intact: boolean;
  /** How many entries were checked. */
  entries: number;
  /** The seq of the first entry that does not verify; null when intact. */
  brokenAt: number | null;
  /** What is wrong with it, in words; null when intact. */
  problem: string | null;
}
