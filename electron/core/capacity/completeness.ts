import type Database from 'better-sqlite3';
import type { CapacityCompleteness } from '../../shared/capacity.ts';
import type { Granularity } from '../../shared/domain.ts';
import { completenessOf } from '../explore/completeness.ts';
import type { DayRange } from '../explore/period.ts';

const HOUR = 3600;
const DAY_HOURS = 24;

const dayText = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * Whether every hour of a report's period is in the cache for the stamp, from the completeness map (records per hour
 * and subscription, from the hourly-count rollup): an hour of the period counts as present when any subscription of
 * the stamp has a record in it (daily usage: when its day has one). Hours after the stamp's latest usage hour, or in
 * the future, are not reported yet rather than missing.
 */
export function capacityCompleteness(db: Database.Database, stamp: string, range: DayRange, granularity: Granularity,
  now: Date): CapacityCompleteness {
  const hours = (range.toDay - range.fromDay) * DAY_HOURS;
  const fromHour = range.fromDay * DAY_HOURS;
  const covered = new Uint8Array(hours);
  const map = completenessOf(db, { period: { from: dayText(range.fromDay), to: dayText(range.toDay) }, stamp }, now);
  for (const row of map.rows) {
    row.counts.forEach((n, i) => {
      if (n === 0) return;
      if (granularity === 'Daily') {
        const start = Math.floor(i / DAY_HOURS) * DAY_HOURS;
        covered.fill(1, start, start + DAY_HOURS);
      } else {
        covered[i] = 1;
      }
    });
  }
  const subscriptionGaps = map.gaps.filter((g) => g.subscriptionId !== null).length;
  const latestUsageHour = map.stamps[0]?.latestUsageHour ?? null;
  const syncedThrough = map.stamps[0]?.syncedThrough ?? null;
  // Reported up to the end of the latest usage hour (of its day, for daily usage), and never beyond now.
  const latest = latestUsageHour === null ? null : Date.parse(latestUsageHour) / 1000 / HOUR;
  const reportedEnd = latest === null ? fromHour
    : granularity === 'Daily' ? (Math.floor(latest / DAY_HOURS) + 1) * DAY_HOURS : latest + 1;
  const nowHour = Math.floor(now.getTime() / 1000 / HOUR);
  const reportedHours = Math.max(0, Math.min(reportedEnd, nowHour, fromHour + hours) - fromHour);
  let present = 0;
  for (let i = 0; i < reportedHours; i++) present += covered[i]!;
  const missingHours = reportedHours - present;
  const complete = missingHours === 0 && reportedHours === hours;
  const summary = reportedHours === 0
    ? 'No usage of this stamp is cached for the period: the report counts nothing as used.'
    : complete
      ? `Complete: all ${hours} hours of the period have usage records${subscriptionGaps > 0
        ? ` (${subscriptionGaps} gap(s) of single subscriptions, which may be resources stopped)` : ''}.`
      : `Incomplete: ${reportedHours} of ${hours} hours reported${missingHours > 0
        ? `, ${missingHours} of them without any usage record` : ''}; utilisation and allocation count only the `
        + 'usage cached.';
  return {
    hours, reportedHours, missingHours, subscriptionGaps, latestUsageHour, syncedThrough, complete, summary,
  };
}
