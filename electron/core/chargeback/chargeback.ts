import type Database from 'better-sqlite3';
import {
  ADJUSTMENTS_ROW_KEY, type ChargebackGrouping, type ChargebackLine, type ChargebackLinesPage, type ChargebackQuery,
  type ChargebackResult, type ChargebackRow, type WhatIfOther, type WhatIfResult, type WhatIfRow, type WhatIfSide,
} from '../../shared/chargeback.ts';
import type { Adjustment, RateCard, RatedLine, RatingResult } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { formatAmount, formatDecimal, RatingDecimal, roundTo, ZERO, type Dec } from '../rating/decimal.ts';
import { splitExactly } from '../rating/index.ts';
import { itemFilter, lineKey, type GroupShare, type ResourceGrouping } from './aggregate.ts';
import { meterLabels, subscriptionLabels, tenantKey, tenantLabels } from './names.ts';
import { getRateCard } from './rate-cards.ts';
import { periodOf, ratePeriod, type Run } from './rating-run.ts';

/**
 * Chargeback runs: a period's usage rated with a rate card, in rows per tenant, subscription, resource group, tag value
 * or meter. The rating is always the same (per subscription and meter, tiers aggregated per subscription or tenant and
 * month as the card says), so the grouping never changes a price: rows only add up the rated lines, and by resource
 * group or tag each line's amount is apportioned to its groups by their share of its quantity, exactly (the parts add
 * up to the line to the minor unit). Adjustment lines no row owns go to the ADJUSTMENTS_ROW_KEY row, so the rows
 * always add up to the total. Unrated usage is counted per row (records) and never priced, not even at zero.
 */

function resourceGrouping(query: ChargebackQuery): ResourceGrouping | null {
  if (query.by === 'resourceGroup') return { by: 'resourceGroup' };
  if (query.by !== 'tag') return null;
  const tagKey = query.tagKey?.trim();
  if (!tagKey) throw new StackmeterError('INVALID_ARGUMENT', 'tagKey is required when grouping by tag.');
  return { by: 'tag', tagKey };
}

function runOf(db: Database.Database, card: RateCard, query: ChargebackQuery, adjustments: readonly Adjustment[]):
Run {
  return ratePeriod(db, {
    card, period: query.period, stamps: query.stamps, adjustments, granularity: query.granularity,
    grouping: resourceGrouping(query),
  });
}

/**
 * Splits a line's amount over its groups by quantity. Usage corrections can make a group's share negative (a
 * resource whose records are net negative within a line that is not); those parts get their own side of the split, so
 * the line still adds up exactly: the positive groups share the amount their quantity is worth, rounded half-even,
 * and the negative ones the rest.
 */
export function splitByQuantity(amount: Dec, quantities: readonly Dec[], minorUnits: number): Dec[] {
  if (quantities.every((q) => !q.isNegative() || q.isZero())) return splitExactly(amount, quantities, minorUnits);
  const positive = quantities.reduce((sum, q) => (q.isPositive() ? sum.plus(q) : sum), ZERO);
  const negative = quantities.reduce((sum, q) => (q.isNegative() ? sum.plus(q.negated()) : sum), ZERO);
  const net = positive.minus(negative);
  if (net.isZero()) return splitExactly(amount, quantities.map((q) => q.abs()), minorUnits);
  const positiveShare = roundTo(amount.times(positive).div(net), minorUnits, 'half-even');
  const ups = splitExactly(positiveShare, quantities.map((q) => (q.isPositive() ? q : ZERO)), minorUnits);
  const downs = splitExactly(amount.minus(positiveShare),
    quantities.map((q) => (q.isNegative() ? q.negated() : ZERO)), minorUnits);
  return ups.map((up, i) => (quantities[i]!.isNegative() ? downs[i]! : up));
}

/** A line's part in one group. */
interface LinePart {
  groupKey: string;
  line: RatedLine;
  quantity: string;
  records: number;
  amount: Dec | null;
  filter: ChargebackLine['filter'];
}

/** Every line's parts per group of the query's grouping, in the engine's line order. */
function lineParts(run: Run, query: ChargebackQuery): LinePart[] {
  const { result, usage, stamps, granularity } = run;
  const parts: LinePart[] = [];
  for (const line of result.lines) {
    const key = lineKey(line.month, line.subscriptionId, line.meterId, line.rateCardVersion);
    const piece = usage.pieceOf.get(key)!;
    const amount = line.amount === null ? null : new RatingDecimal(line.amount);
    const whole = (groupKey: string): LinePart => ({
      groupKey, line, quantity: line.quantity, records: line.records, amount,
      filter: itemFilter(piece, line.subscriptionId, line.meterId, stamps, granularity),
    });
    switch (query.by) {
      case 'tenant': parts.push(whole(tenantKey(line.tenantId))); break;
      case 'subscription': parts.push(whole(line.subscriptionId)); break;
      case 'meter': parts.push(whole(line.meterId)); break;
      case 'resourceGroup':
      case 'tag': {
        const shares: GroupShare[] = usage.shares!.get(key)!;
        const amounts = amount === null ? null
          : splitByQuantity(amount, shares.map((s) => new RatingDecimal(s.quantity)), result.minorUnits);
        shares.forEach((share, i) => parts.push({
          groupKey: share.key, line, quantity: share.quantity, records: share.records, amount: amounts?.[i] ?? null,
          filter: itemFilter(piece, line.subscriptionId, line.meterId, stamps, granularity, query.by === 'tag'
            ? { tag: { key: query.tagKey!.trim(), value: share.key } }
            : { resourceGroups: [share.key] }),
        }));
        break;
      }
    }
  }
  return parts;
}

/** The row an adjustment line belongs to: its tenant, its subscription, or the adjustments row. */
function adjustmentRow(by: ChargebackGrouping, tenantId: string | null, subscriptionId: string | null): string {
  if (by === 'tenant') return tenantKey(tenantId);
  if (by === 'subscription' && subscriptionId !== null) return subscriptionId;
  return ADJUSTMENTS_ROW_KEY;
}

function labelsOf(db: Database.Database, run: Run, by: ChargebackGrouping, keys: string[]): Map<string, string> {
  switch (by) {
    case 'tenant': {
      const tenants = [...new Set(run.result.lines.map((l) => l.tenantId)
        .concat(run.result.adjustmentLines.map((l) => l.tenantId)))];
      const labels = tenantLabels(db, tenants);
      return new Map(tenants.map((t) => [tenantKey(t), labels.get(t)!]));
    }
    case 'subscription': return subscriptionLabels(db, keys);
    case 'meter': return meterLabels(db, keys);
    default: return run.usage.groupLabels;
  }
}

interface RowSum {
  key: string;
  usage: Dec;
  adjustments: Dec;
  unratedRecords: number;
  unratedQuantity: Dec;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function rowsOf(db: Database.Database, run: Run, query: ChargebackQuery, parts: LinePart[]): ChargebackRow[] {
  const { result } = run;
  const sums = new Map<string, RowSum>();
  const sum = (key: string): RowSum => {
    let row = sums.get(key);
    if (!row) {
      row = { key, usage: ZERO, adjustments: ZERO, unratedRecords: 0, unratedQuantity: ZERO };
      sums.set(key, row);
    }
    return row;
  };
  for (const part of parts) {
    const row = sum(part.groupKey);
    if (part.amount === null) {
      row.unratedRecords += part.records;
      row.unratedQuantity = row.unratedQuantity.plus(part.quantity);
    } else {
      row.usage = row.usage.plus(part.amount);
    }
  }
  for (const line of result.adjustmentLines) {
    const row = sum(adjustmentRow(query.by, line.tenantId, line.subscriptionId));
    row.adjustments = row.adjustments.plus(line.amount);
  }
  const keys = [...sums.keys()].filter((k) => k !== ADJUSTMENTS_ROW_KEY);
  const labels = labelsOf(db, run, query.by, keys);
  const adjustmentsLabel = query.by === 'subscription'
    ? 'Tenant-level adjustments (fees, markups, discounts, credits, taxes)'
    : 'Adjustments (fees, markups, discounts, credits, taxes)';
  const m = result.minorUnits;
  return [...sums.values()]
    .map((s) => ({ s, total: s.usage.plus(s.adjustments) }))
    .sort((a, b) => b.total.comparedTo(a.total) || compareText(a.s.key, b.s.key))
    .map(({ s, total }): ChargebackRow => ({
      key: s.key,
      label: s.key === ADJUSTMENTS_ROW_KEY ? adjustmentsLabel : labels.get(s.key) ?? s.key,
      usage: formatAmount(s.usage, m),
      adjustments: formatAmount(s.adjustments, m),
      total: formatAmount(total, m),
      unratedRecords: s.unratedRecords,
      ...(query.by === 'meter' ? { unratedQuantity: formatDecimal(s.unratedQuantity) } : {}),
    }));
}

function resultOf(db: Database.Database, run: Run, query: ChargebackQuery, parts: LinePart[]): ChargebackResult {
  const { result } = run;
  return {
    period: run.period,
    by: query.by,
    tagKey: query.by === 'tag' ? query.tagKey!.trim() : null,
    stamps: run.stamps,
    granularity: run.granularity,
    currency: result.currency,
    minorUnits: result.minorUnits,
    rounding: result.rounding,
    rateCard: { id: run.card.id, name: run.card.name, versions: run.versions },
    rows: rowsOf(db, run, query, parts),
    totals: {
      usage: result.totals.usage,
      adjustments: result.totals.adjustments,
      total: result.totals.total,
      unratedRecords: result.unrated.reduce((n, u) => n + u.records, 0),
    },
    unrated: result.unrated,
    adjustmentOrder: result.adjustmentOrder,
    adjustmentLines: result.adjustmentLines,
    unmatchedAdjustments: result.unmatchedAdjustments,
  };
}

/**
 * The last few runs per cache, keyed by everything they depend on: the query, the card, the adjustments and the
 * cache's data version. The console asks for a run and then for the lines behind its rows; those reuse the run.
 */
interface KeptRun {
  key: string;
  run: Run;
  parts: LinePart[];
}

const KEPT_RUNS = 3;
const kept = new WeakMap<Database.Database, KeptRun[]>();

function dataVersion(db: Database.Database): string {
  const changes = db.prepare('SELECT total_changes()').pluck().get() as number;
  return `${String(db.pragma('data_version', { simple: true }))}:${changes}`;
}

function computed(db: Database.Database, card: RateCard, query: ChargebackQuery,
  adjustments: readonly Adjustment[]): KeptRun {
  const key = JSON.stringify([dataVersion(db), query, card, adjustments]);
  const runs = kept.get(db) ?? [];
  const found = runs.find((r) => r.key === key);
  if (found) return found;
  const run = runOf(db, card, query, adjustments);
  const entry = { key, run, parts: lineParts(run, query) };
  kept.set(db, [entry, ...runs].slice(0, KEPT_RUNS));
  return entry;
}

/** A chargeback with a given card (stored or not): rows per group, totals, unrated usage and adjustment lines. */
export function chargebackWithCard(db: Database.Database, card: RateCard, query: ChargebackQuery,
  adjustments: readonly Adjustment[]): ChargebackResult {
  const { run, parts } = computed(db, card, query, adjustments);
  return resultOf(db, run, query, parts);
}

/** A chargeback with the stored card `query.rateCardId`. */
export function runChargeback(db: Database.Database, query: ChargebackQuery, adjustments: readonly Adjustment[]):
ChargebackResult {
  return chargebackWithCard(db, getRateCard(db, query.rateCardId), query, adjustments);
}

/**
 * The rated lines behind one row (its key, any case), largest amount first and unrated lines last, a block at a time.
 * Each carries the rate card version, price and conversion it was rated with, the row's part of it, and the filter
 * that lists its usage records. A row of adjustments only has no rated lines (they are the run's adjustmentLines).
 */
export function chargebackLines(db: Database.Database, query: ChargebackQuery, groupKey: string, offset: number,
  limit: number, adjustments: readonly Adjustment[]): ChargebackLinesPage {
  const { run, parts } = computed(db, getRateCard(db, query.rateCardId), query, adjustments);
  const wanted = query.by === 'meter' ? meterMatchKey(groupKey) : groupKey.trim().toLowerCase();
  const keyOf = (k: string): string => (query.by === 'meter' ? meterMatchKey(k) : k.toLowerCase());
  const mine = parts.filter((p) => keyOf(p.groupKey) === wanted);
  // A row of adjustments only (the adjustments row, a tenant with a fee but no usage) has no rated lines.
  const adjustmentsOnly = run.result.adjustmentLines
    .some((l) => keyOf(adjustmentRow(query.by, l.tenantId, l.subscriptionId)) === wanted);
  if (mine.length === 0 && !adjustmentsOnly) {
    throw new StackmeterError('NOT_FOUND', `No row "${groupKey}" in this chargeback by ${query.by}.`);
  }
  const order = mine.map((part, index) => ({ part, index })).sort((a, b) => {
    if (a.part.amount === null || b.part.amount === null) {
      return (a.part.amount === null ? 1 : 0) - (b.part.amount === null ? 1 : 0) || a.index - b.index;
    }
    return b.part.amount.comparedTo(a.part.amount) || a.index - b.index;
  });
  return {
    total: order.length,
    rows: order.slice(offset, offset + limit).map(({ part }) => ({
      groupKey: part.groupKey,
      line: part.line,
      quantity: part.quantity,
      records: part.records,
      amount: part.amount === null ? null : formatAmount(part.amount, run.result.minorUnits),
      filter: part.filter,
    })),
  };
}

/** One version of a card (draft or published) pricing the whole period: the B side of a what-if of two versions. */
function versionAlone(card: RateCard, version: number, periodStart: string): RateCard {
  const chosen = card.versions.find((v) => v.version === version);
  if (!chosen) throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no version ${version}.`);
  return {
    ...card,
    versions: [{
      ...chosen, effectiveFrom: periodStart, status: 'published',
      publishedAt: chosen.publishedAt ?? `${periodStart}T00:00:00Z`,
    }],
  };
}

function unratedByTenant(result: RatingResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of result.lines) {
    if (line.status !== 'unrated') continue;
    const key = tenantKey(line.tenantId);
    counts.set(key, (counts.get(key) ?? 0) + line.records);
  }
  return counts;
}

function percentOf(difference: Dec, base: Dec): string | null {
  return base.isZero() ? null : roundTo(difference.times(100).div(base), 2, 'half-even').toFixed(2);
}

/**
 * What the period's usage would cost per tenant with another card, or with one version of a card (a draft before it
 * is published, or an older version) pricing the whole period, against the query's card as published. Both sides
 * rate the same usage with the same adjustments; the cards must share a currency.
 */
export function whatIf(db: Database.Database, query: ChargebackQuery, other: WhatIfOther,
  adjustments: readonly Adjustment[]): WhatIfResult {
  const cardA = getRateCard(db, query.rateCardId);
  const stored = getRateCard(db, other.rateCardId);
  const cardB = other.version === undefined ? stored
    : versionAlone(stored, other.version, periodOf(query.period).period.from);
  if (cardA.currency !== cardB.currency) {
    throw new StackmeterError('INVALID_ARGUMENT', `"${cardA.name}" charges in ${cardA.currency} and "${cardB.name}" `
      + `in ${cardB.currency}; a what-if compares cards of the same currency.`);
  }
  const tenantQuery: ChargebackQuery = { ...query, by: 'tenant' };
  const a = computed(db, cardA, tenantQuery, adjustments).run;
  // Both sides rate the same granularity, even if a sync in between would change the choice.
  const b = computed(db, cardB, { ...tenantQuery, granularity: a.granularity }, adjustments).run;
  const m = a.result.minorUnits;
  const totals = (result: RatingResult): Map<string, Dec> =>
    new Map(result.totals.byTenant.map((t) => [tenantKey(t.tenantId), new RatingDecimal(t.total)]));
  const totalsA = totals(a.result);
  const totalsB = totals(b.result);
  const unratedA = unratedByTenant(a.result);
  const unratedB = unratedByTenant(b.result);
  const tenants = [...new Set([...a.result.totals.byTenant, ...b.result.totals.byTenant].map((t) => t.tenantId))];
  const labels = tenantLabels(db, tenants);
  const row = (amountA: Dec, amountB: Dec, unA: number, unB: number): Omit<WhatIfRow, 'key' | 'label'> => ({
    amountA: formatAmount(amountA, m), amountB: formatAmount(amountB, m),
    difference: formatAmount(amountB.minus(amountA), m), percent: percentOf(amountB.minus(amountA), amountA),
    unratedRecordsA: unA, unratedRecordsB: unB,
  });
  const rows = tenants.map((tenantId) => {
    const key = tenantKey(tenantId);
    const amountA = totalsA.get(key) ?? ZERO;
    const amountB = totalsB.get(key) ?? ZERO;
    return {
      difference: amountB.minus(amountA),
      row: {
        key, label: labels.get(tenantId)!, ...row(amountA, amountB, unratedA.get(key) ?? 0, unratedB.get(key) ?? 0),
      },
    };
  }).filter(({ row: r }) => !(new RatingDecimal(r.amountA).isZero() && new RatingDecimal(r.amountB).isZero()
    && r.unratedRecordsA === 0 && r.unratedRecordsB === 0))
    .sort((x, y) => y.difference.abs().comparedTo(x.difference.abs()) || compareText(x.row.label, y.row.label)
      || compareText(x.row.key, y.row.key))
    .map(({ row: r }) => r);
  const side = (run: Run): WhatIfSide => ({ rateCardId: run.card.id, name: run.card.name, versions: run.versions });
  const sumUnrated = (counts: Map<string, number>): number => [...counts.values()].reduce((x, y) => x + y, 0);
  return {
    period: a.period,
    currency: cardA.currency,
    a: side(a),
    b: side(b),
    rows,
    totals: row(new RatingDecimal(a.result.totals.total), new RatingDecimal(b.result.totals.total),
      sumUnrated(unratedA), sumUnrated(unratedB)),
  };
}
