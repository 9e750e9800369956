import type Database from 'better-sqlite3';
import type { Granularity, UsagePeriod } from '../../shared/domain.ts';
import type { Adjustment, AdjustmentScope, RateCard, RatingResult } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { NO_VALUE } from '../explore/labels.ts';
import { monthOfDay, periodDays, type DayRange } from '../explore/period.ts';
import { rateStatement } from '../rating/index.ts';
import {
  aggregateUsage, chooseGranularity, dayText, monthText, type AggregatedUsage, type ResourceGrouping,
} from './aggregate.ts';

/**
 * One rating of a period's cached usage with a rate card: what chargeback runs and statements share. The usage is read
 * from the rollups (aggregate.ts) and rated by the engine in one call, per subscription and meter, whatever the rows
 * are grouped by afterwards.
 */

export interface RunSpec {
  card: RateCard;
  period: UsagePeriod;
  /** Stamp names (any case); empty or absent: every stamp and imports. */
  stamps?: readonly string[];
  adjustments: readonly Adjustment[];
  /** The usage to rate; absent: chosen as ChargebackQuery.granularity says (chooseGranularity). */
  granularity?: Granularity;
  /** Read the usage per resource group or tag value too (rows of a chargeback by those). */
  grouping?: ResourceGrouping | null;
}

export interface Run {
  /** The card as rated: only the published versions whose time in effect overlaps the period. */
  card: RateCard;
  /** YYYY-MM-DD, `to` excluded. */
  period: { from: string; to: string };
  range: DayRange;
  /** The stamps as the cache names them, sorted; [] for all. */
  stamps: string[];
  /** The granularity whose usage was rated. */
  granularity: Granularity;
  /** YYYY-MM, both included. */
  months: { from: string; to: string };
  /** As rated: scope IDs in lower case, sorted by ID. */
  adjustments: Adjustment[];
  usage: AggregatedUsage;
  /** The versions that price the period, ascending. */
  versions: number[];
  result: RatingResult;
}

/** Stamp names as the cache spells them, without duplicates, sorted; NOT_FOUND names one that does not exist. */
export function normaliseStamps(db: Database.Database, stamps: readonly string[] = []): string[] {
  const find = db.prepare<[string], string>('SELECT name FROM connections WHERE name = ?').pluck();
  const names = new Set<string>();
  for (const stamp of stamps) {
    const trimmed = stamp.trim();
    if (trimmed === '') continue;
    if (trimmed.toLowerCase() === NO_VALUE.stamp) {
      names.add(NO_VALUE.stamp);
      continue;
    }
    const name = find.get(trimmed);
    if (name === undefined) {
      throw new StackmeterError('NOT_FOUND', `There is no stamp named "${stamp}"; list connections to see the names.`);
    }
    names.add(name);
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Adjustments with the IDs of their scopes in lower case, the way the cache keys subscriptions, tenants and offers
 * (GUIDs and ARM IDs ignore case), sorted by ID so that the rating's input never depends on storage order.
 */
export function normaliseAdjustments(adjustments: readonly Adjustment[]): Adjustment[] {
  const scope = (s: AdjustmentScope): AdjustmentScope => {
    switch (s.kind) {
      case 'all': return s;
      case 'tenant': return { kind: 'tenant', tenantId: s.tenantId.trim().toLowerCase() };
      case 'subscription': return { kind: 'subscription', subscriptionId: s.subscriptionId.trim().toLowerCase() };
      case 'offer': return { kind: 'offer', offerId: s.offerId.trim().toLowerCase() };
    }
  };
  return adjustments.map((a) => ({ ...a, scope: scope(a.scope) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The card restricted to some of its published versions: how a statement is replayed with exactly the versions it was
 * priced with, whatever has been published since. NOT_FOUND when one of them is missing or not published.
 */
export function cardWithVersions(card: RateCard, versions: readonly number[]): RateCard {
  const kept = card.versions.filter((v) => v.status === 'published' && versions.includes(v.version));
  const missing = versions.filter((n) => !kept.some((v) => v.version === n));
  if (missing.length > 0) {
    throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no published version ${missing.join(', ')}.`);
  }
  return { ...card, versions: kept };
}

/** Checks a period (whole UTC days) and returns it as days and as the months the engine rates. */
export function periodOf(period: UsagePeriod): { period: { from: string; to: string }; range: DayRange;
  months: { from: string; to: string }; } {
  const range = periodDays(period);
  return {
    period: { from: dayText(range.fromDay), to: dayText(range.toDay) },
    range,
    months: { from: monthText(monthOfDay(range.fromDay)), to: monthText(monthOfDay(range.toDay - 1)) },
  };
}

/**
 * Reads a period's usage and rates it with a card and adjustments. The reads share one transaction, so that a sync
 * committing meanwhile is seen by all of them or by none.
 */
export function ratePeriod(db: Database.Database, spec: RunSpec): Run {
  const { period, range, months } = periodOf(spec.period);
  const stamps = normaliseStamps(db, spec.stamps);
  const adjustments = normaliseAdjustments(spec.adjustments);
  const { granularity, usage } = db.transaction(() => {
    const chosen = chooseGranularity(db, range, stamps, spec.granularity);
    return { granularity: chosen, usage: aggregateUsage(db, spec.card, range, stamps, chosen, spec.grouping ?? null) };
  })();
  const versions = [...new Set(usage.pieces.flatMap((p) => (p.version === null ? [] : [p.version])))]
    .sort((a, b) => a - b);
  const card = cardWithVersions(spec.card, versions);
  const result = rateStatement({
    card, months, usage: usage.items, subscriptions: usage.subscriptions, adjustments,
  });
  return { card, period, range, stamps, granularity, months, adjustments, usage, versions, result };
}
