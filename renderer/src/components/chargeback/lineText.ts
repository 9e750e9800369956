import type { Conversion, RatedLine, UnratedUsage } from '../../../../electron/shared/rating.ts';
import { formatPrice } from '../../format/money.ts';
import { countText } from '../../format/numbers.ts';

/** How rated lines read in the console's tables: the conversion, the price and why a line is unrated. */

/** The conversion a line was rated with, in words: 'none', '÷ 744 (hours of 2026-03)', '÷ 10,000'. */
export function conversionText(conversion: Conversion | null, divisor: string | null, month?: string): string {
  if (conversion === null) return '';
  switch (conversion.kind) {
    case 'none':
      return 'none';
    case 'factor':
      return `÷ ${formatPrice(divisor ?? conversion.divisor)}`;
    case 'hours-of-month':
      return `÷ ${formatPrice(divisor)} (hours of ${month ?? 'the month'})`;
    case 'fixed-hours':
      return `÷ ${formatPrice(divisor ?? conversion.hoursPerMonth)} (fixed hours)`;
  }
}

export const UNRATED_REASONS: Record<NonNullable<RatedLine['unratedReason']>, string> = {
  'no-version': 'no published version in effect',
  'meter-not-on-card': 'meter not on the card',
  'no-price': 'meter listed without a price',
};

/** The line's status with the reason of an unrated one: 'rated', 'free', 'unrated: meter not on the card'. */
export function statusText(line: Pick<RatedLine, 'status' | 'unratedReason' | 'overrideId'>): string {
  if (line.status === 'unrated') {
    return line.unratedReason ? `unrated: ${UNRATED_REASONS[line.unratedReason]}` : 'unrated';
  }
  return line.overrideId ? `${line.status} (override ${line.overrideId})` : line.status;
}

/** The unit price a line was charged, or how the tiers priced it. */
export function priceText(line: Pick<RatedLine, 'unitPrice' | 'pricing' | 'aggregate'>): string {
  if (line.unitPrice !== null) return formatPrice(line.unitPrice);
  if (line.pricing === 'graduated') {
    const tiers = line.aggregate?.tiers.length ?? 0;
    return `${tiers} ${tiers === 1 ? 'tier' : 'tiers'}`;
  }
  return '';
}

/** The tier charges of a line's aggregate, one per line of a tooltip. */
export function tiersTooltip(line: Pick<RatedLine, 'aggregate' | 'pricingUnit'>): string {
  const aggregate = line.aggregate;
  if (!aggregate) return '';
  const head = `${aggregate.scope} aggregate: ${aggregate.quantity} → billable ${aggregate.billableQuantity} `
    + `${line.pricingUnit ?? ''}`.trim();
  const tiers = aggregate.tiers.map((t) => `tier ${t.tier} (${t.from}–${t.to ?? '∞'}): ${t.quantity} × ${t.unitPrice} `
    + `= ${t.amount}`);
  return [head, ...tiers].join('\n');
}

const WHY: Record<UnratedUsage['reason'], string> = {
  'no-version': 'with no published version in effect',
  'meter-not-on-card': 'not on the card',
  'no-price': 'listed without a price',
};

/**
 * Unrated usage in one sentence: how many records of how many meters, and why ('30 meters not on the card, 1 listed
 * without a price').
 */
export function unratedSummary(unrated: readonly UnratedUsage[]): string {
  const records = unrated.reduce((n, u) => n + u.records, 0);
  const meters = new Set(unrated.map((u) => u.meterId)).size;
  const byReason = new Map<UnratedUsage['reason'], Set<string>>();
  for (const u of unrated) byReason.set(u.reason, (byReason.get(u.reason) ?? new Set()).add(u.meterId));
  const reasons = [...byReason].map(([reason, ids]) => `${countText(ids.size, 'meter', 'meters')} ${WHY[reason]}`);
  return `${countText(records, 'record', 'records')} of ${countText(meters, 'meter', 'meters')} are unrated: `
    + `${reasons.join(', ')}.`;
}
