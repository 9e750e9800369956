import type { Completeness, UsageGap } from '../../../electron/shared/domain.ts';
import { countText } from './numbers.ts';
import { formatUtc } from './time.ts';

const HOUR_MS = 3600 * 1000;

export interface StampVerdict {
  severity: 'success' | 'warn' | 'secondary';
  /** e.g. `Complete through 2026-10-04 00:00 UTC`, `1 stamp-wide gap (4 hours) · 2 subscription gaps (7 hours)`. */
  text: string;
  /** Stamp-wide gaps and subscription gaps outside them. */
  gaps: number;
}

/**
 * Whether a stamp's usage of the period can be charged. Gaps say no: hours in which the whole stamp is silent, and
 * subscriptions' own silences (those within a stamp-wide gap are that gap, not counted twice). Without gaps the usage is
 * complete up to the end of its latest hour, no further than its sync has reached and the period goes.
 */
export function stampVerdict(completeness: Completeness, stampName: string): StampVerdict {
  const stamp = completeness.stamps.find((s) => s.name === stampName);
  const gaps = completeness.gaps.filter((g) => g.stamp === stampName);
  const stampWide = gaps.filter((g) => g.subscriptionId === null);
  const own = gaps.filter((g) => g.subscriptionId !== null &&
    !stampWide.some((w) => Date.parse(w.from) <= Date.parse(g.from) && Date.parse(g.to) <= Date.parse(w.to)));
  if (stampWide.length + own.length > 0) {
    const parts = [];
    if (stampWide.length > 0) parts.push(counted(stampWide, 'stamp-wide gap', 'stamp-wide gaps'));
    if (own.length > 0) parts.push(counted(own, 'subscription gap', 'subscription gaps'));
    return { severity: 'warn', text: parts.join(' · '), gaps: stampWide.length + own.length };
  }
  if (!stamp?.latestUsageHour || !completeness.rows.some((r) => r.stamp === stampName)) {
    return { severity: 'secondary', text: 'No usage cached in this period', gaps: 0 };
  }
  // A daily record starts at midnight and covers the whole day.
  const daily = completeness.rows.every((r) => r.stamp !== stampName || isDaily(r.counts, completeness.from));
  const ends = [Date.parse(stamp.latestUsageHour) + (daily ? 24 : 1) * HOUR_MS,
    Date.parse(completeness.from) + completeness.hours * HOUR_MS];
  if (stamp.syncedThrough) ends.push(Date.parse(stamp.syncedThrough));
  return { severity: 'success', text: `Complete through ${formatUtc(new Date(Math.min(...ends)).toISOString())}`, gaps: 0 };
}

/** `2 stamp-wide gaps (5 hours)`. */
function counted(gaps: UsageGap[], one: string, many: string): string {
  const hours = gaps.reduce((n, g) => n + g.hours, 0);
  return `${countText(gaps.length, one, many)} (${countText(hours, 'hour', 'hours')})`;
}

/**
 * Daily usage starts at midnight: a row whose records all start at a UTC midnight holds daily usage (the core judges
 * its gaps day by day, the heat map draws it one cell per day).
 */
export function isDaily(counts: readonly number[], from: string): boolean {
  const firstHour = Date.parse(from) / HOUR_MS;
  let any = false;
  for (let hour = 0; hour < counts.length; hour++) {
    if ((counts[hour] ?? 0) === 0) continue;
    if ((firstHour + hour) % 24 !== 0) return false;
    any = true;
  }
  return any;
}
