/**
 * Chargeback runs and statements as the console, the CLI and the exports see them. Plain data that crosses IPC and
 * HTTP as JSON; money and quantities are decimal strings, amounts in the rate card's currency rounded to its minor unit.
 */
import type { Granularity, UsageFilter, UsagePeriod } from './domain.ts';
import type { AdjustmentLine, AdjustmentStep, RatedLine, RatingResult, RoundingPolicy, UnratedUsage } from './rating.ts';

/** What a chargeback's rows are per. Rating is always per subscription and meter; the grouping only sums the lines. */
export type ChargebackGrouping = 'tenant' | 'subscription' | 'resourceGroup' | 'tag' | 'meter';

export const CHARGEBACK_GROUPINGS: readonly ChargebackGrouping[] = [
  'tenant', 'subscription', 'resourceGroup', 'tag', 'meter',
];

export interface ChargebackQuery {
  /** Whole UTC days (`to` excluded); a calendar month is the common case. */
  period: UsagePeriod;
  rateCardId: string;
  by: ChargebackGrouping;
  /** The tag whose values the rows are; required when `by` is 'tag'. */
  tagKey?: string;
  /** Stamp names whose usage counts ('(imported)' for usage imported without a stamp); absent or empty: all. */
  stamps?: string[];
  /**
   * Which synced usage to rate. A stamp synced both hourly and daily holds each hour's usage twice (once per
   * granularity), so a run rates one granularity only, never both. Absent: Hourly when the period has any hourly usage
   * in scope (the stamps asked for), else Daily when it has daily usage, else Hourly (nothing synced yet); chosen so,
   * Hourly is refused (INVALID_ARGUMENT) when a stamp in scope has daily usage in the period but no hourly usage,
   * which rating hourly usage would leave out.
   */
  granularity?: Granularity;
}

/**
 * The row that holds the adjustment lines (fees, markups, discounts, credits, taxes) no row of the grouping owns:
 * every adjustment when grouping by meter, resource group or tag, and the tenant-level ones when grouping by
 * subscription. With it, the rows always add up to the total.
 */
export const ADJUSTMENTS_ROW_KEY = '(adjustments)';

export interface ChargebackRow {
  /**
   * What chargebackLines takes back, and a UsageFilter value of the grouping's dimension: a lower-case tenant ID or
   * '(unknown tenant)', a subscription GUID, a lower-case resource group or '(no resource group)', a lower-case tag
   * value or '(untagged)', a meter ID; or ADJUSTMENTS_ROW_KEY.
   */
  key: string;
  label: string;
  /** The rated usage (rated and free lines; by resource group or tag, the group's share of each line). */
  usage: string;
  adjustments: string;
  total: string;
  /** Usage records of the group on unrated lines: not charged, and not charged at zero either. */
  unratedRecords: number;
  /** By meter only (one unit): the unrated quantity, in the meter's consumed unit. */
  unratedQuantity?: string;
}

export interface ChargebackTotals {
  usage: string;
  adjustments: string;
  total: string;
  unratedRecords: number;
}

export interface ChargebackResult {
  period: UsagePeriod;
  by: ChargebackGrouping;
  tagKey: string | null;
  stamps: string[];
  /** The granularity whose usage was rated (asked for, or chosen as ChargebackQuery.granularity says). */
  granularity: Granularity;
  currency: string;
  minorUnits: number;
  rounding: RoundingPolicy;
  /** The rate card and the versions whose time in effect overlaps the period. */
  rateCard: { id: string; name: string; versions: number[] };
  /** Largest total first. Their usage, adjustments and totals add up exactly to `totals`. */
  rows: ChargebackRow[];
  totals: ChargebackTotals;
  /** Unrated usage per meter and reason, for the whole run. */
  unrated: UnratedUsage[];
  adjustmentOrder: readonly AdjustmentStep[];
  adjustmentLines: AdjustmentLine[];
  /** Adjustments whose scope matched no subscription in the run. */
  unmatchedAdjustments: string[];
}

/** One rated line behind a chargeback row, with the group's part of it and where its usage records are. */
export interface ChargebackLine {
  groupKey: string;
  /** As rated: rate card version, unit price or tiers, conversion, the whole line's quantity and amount. */
  line: RatedLine;
  /** The group's part of the line: all of it, except by resource group or tag (a share of the line's quantity). */
  quantity: string;
  records: number;
  /** The group's part of the line's amount (apportioned by quantity, exactly); null when the line is unrated. */
  amount: string | null;
  /** The usage records behind this part: pass it to usage:records. */
  filter: UsageFilter;
}

export interface ChargebackLinesPage {
  rows: ChargebackLine[];
  total: number;
}

/** The other side of a what-if: another card, or one version of a card (draft or published) for the whole period. */
export interface WhatIfOther {
  rateCardId: string;
  version?: number;
}

export interface WhatIfSide {
  rateCardId: string;
  name: string;
  /** The versions that price the period; a single version when one was chosen. */
  versions: number[];
}

export interface WhatIfRow {
  /** Lower-case tenant ID, or '(unknown tenant)'. */
  key: string;
  label: string;
  /** Totals (usage and adjustments) with A (the query's card) and with B. */
  amountA: string;
  amountB: string;
  /** B − A. */
  difference: string;
  /** The difference as a percentage of A, two decimals; null when A is zero. */
  percent: string | null;
  /** Records of the tenant that the card leaves unrated, with A and with B. */
  unratedRecordsA: number;
  unratedRecordsB: number;
}

export interface WhatIfResult {
  period: UsagePeriod;
  currency: string;
  a: WhatIfSide;
  b: WhatIfSide;
  /** Largest absolute difference first. */
  rows: WhatIfRow[];
  totals: Omit<WhatIfRow, 'key' | 'label'>;
}

export type StatementKind = 'statement' | 'correction';
export type StatementStatus = 'draft' | 'finalized';

export interface StatementInput {
  /** Whole UTC days, `to` excluded. */
  period: UsagePeriod;
  rateCardId: string;
  stamps?: string[];
  /** Which synced usage to rate; absent: chosen as ChargebackQuery.granularity says. Kept on the statement and hashed with its inputs. */
  granularity?: Granularity;
}

/**
 * A statement: the rating of a period's usage with a rate card, draft until finalized, then immutable. The shape is
 * fixed (the exports render it).
 */
export interface StatementDocument {
  /** e.g. 'ST-202610-0001' (corrections: 'ST-202610-0001-C1'). */
  id: string;
  kind: StatementKind;
  /** The finalized statement a correction amends. */
  correctsId: string | null;
  /** Why a correction was made. */
  reason: string | null;
  status: StatementStatus;
  /** YYYY-MM-DD, `to` exclusive (calendar month or custom range). */
  period: { from: string; to: string };
  /** Stamps whose usage is included ([] = all). */
  stamps: string[];
  /** The granularity whose usage was rated: one of the statement's inputs (hashed, and kept by replays). */
  granularity: Granularity;
  rateCard: { id: string; name: string; currency: string; versions: number[] };
  createdAt: string;
  createdBy: string;
  finalizedAt: string | null;
  finalizedBy: string | null;
  /** SHA-256 (hex) over the canonical JSON of the inputs: usage items, rate card version(s), adjustments, settings. */
  inputHash: string;
  /** SHA-256 (hex) over the inputs hash and the canonical JSON of the lines and totals; set when finalized. */
  hash: string | null;
  /** A correction's result holds only the differences: its lines and totals are what changed. */
  result: RatingResult;
  /** Names to print: tenant labels and subscription display names. */
  tenants: { tenantId: string | null; label: string; subscriptions: { subscriptionId: string; label: string }[] }[];
}

export interface StatementSummary {
  id: string;
  kind: StatementKind;
  correctsId: string | null;
  status: StatementStatus;
  period: { from: string; to: string };
  stamps: string[];
  rateCard: { id: string; name: string; currency: string; versions: number[] };
  total: string;
  currency: string;
  createdAt: string;
  createdBy: string;
  finalizedAt: string | null;
  hash: string | null;
}

/** One place where a recomputed statement differs from the stored one; values as JSON text, null where absent. */
export interface StatementDifference {
  /** e.g. 'result.lines[2026-10|<subscription>|<meter>|v1|rated].amount', 'result.totals.total', 'inputHash'. */
  path: string;
  expected: string | null;
  actual: string | null;
}

export interface ReplayResult {
  statementId: string;
  /** True when the recomputation gives the stored document's lines and totals and the same hash. */
  identical: boolean;
  /** The stored hash (a draft: the hash its stored content would have). */
  hash: string;
  recomputedHash: string;
  differences: StatementDifference[];
  /**
   * Finalized corrections made after this document (of a statement: all of its corrections; of a correction: the
   * later ones), oldest first: the differences may already be corrected there.
   */
  corrections: string[];
}

/** pdf: printable statement; csv and xlsx: its lines and totals; focus: a FOCUS 1.2 cost and usage CSV. */
export type StatementExportFormat = 'pdf' | 'csv' | 'xlsx' | 'focus';

export const STATEMENT_EXPORT_FORMATS: readonly StatementExportFormat[] = ['pdf', 'csv', 'xlsx', 'focus'];

/** PDF: one file per tenant (the default), or one file with a section per tenant. */
export type PdfLayout = 'per-tenant' | 'combined';

/**
 * A chargeback run as files: csv and xlsx hold its rows per group; pdf and focus are the statement the run would make,
 * computed as statements:create computes one but never saved, with the status draft (and a DRAFT watermark on PDF).
 */
export type ChargebackExportFormat = 'csv' | 'xlsx' | 'pdf' | 'focus';

export const CHARGEBACK_EXPORT_FORMATS: readonly ChargebackExportFormat[] = ['csv', 'xlsx', 'pdf', 'focus'];
