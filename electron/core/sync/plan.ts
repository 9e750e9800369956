import type { Granularity } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { UsageWindow } from '../azure/usage.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Parses `YYYY-MM-DD` or an ISO UTC time (Z or +00:00) into a Date; anything else is refused by name. */
export function parseUtc(value: string, field: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(/\+00:00$/, 'Z');
  const withZone = /Z$/.test(iso) ? iso : `${iso}Z`;
  const d = new Date(withZone);
  if (Number.isNaN(d.getTime())) {
    throw new StackmeterError('INVALID_ARGUMENT', `${field} "${value}" is not a UTC date or time (YYYY-MM-DD or YYYY-MM-DDTHH:00:00Z).`);
  }
  return d;
}

export interface SyncRange {
  from: Date;
  to: Date;
  /** True when `to` was moved back to the last complete hour (or day) because the API refuses ends in the future. */
  clamped: boolean;
}

/**
 * Checks a requested reported-time range against what the usage API accepts: hour-aligned (midnight for Daily), start
 * before end, end not in the future. A future end is clamped rather than refused, so "sync up to today" just works.
 */
export function resolveRange(fromText: string, toText: string, granularity: Granularity, now: Date): SyncRange {
  const from = parseUtc(fromText, 'from');
  let to = parseUtc(toText, 'to');
  const unit = granularity === 'Daily' ? DAY : HOUR;
  for (const [field, d] of [['from', from], ['to', to]] as const) {
    if (d.getTime() % unit !== 0) {
      throw new StackmeterError(
        'INVALID_ARGUMENT',
        `${field} ${d.toISOString()} is not aligned to ${granularity === 'Daily' ? 'midnight UTC' : 'a whole UTC hour'}, ` +
          `as the usage API requires for ${granularity} data.`,
      );
    }
  }
  const latest = new Date(Math.floor(now.getTime() / unit) * unit);
  const clamped = to > latest;
  if (clamped) to = latest;
  if (from >= to) {
    throw new StackmeterError(
      'INVALID_ARGUMENT',
      `Nothing to sync: from ${from.toISOString()} is not before to ${to.toISOString()}` +
        `${clamped ? ' (the end was moved back to the last complete period, as the API refuses ends in the future)' : ''}.`,
    );
  }
  return { from, to, clamped };
}

/** Splits a range into windows of at most one day, so that each query stays small and progress moves steadily. */
export function planWindows(range: SyncRange, granularity: Granularity): UsageWindow[] {
  const windows: UsageWindow[] = [];
  for (let start = range.from.getTime(); start < range.to.getTime(); ) {
    const end = Math.min(start + DAY - (start % DAY), range.to.getTime());
    windows.push({ start: new Date(start), end: new Date(end), granularity });
    start = end;
  }
  return windows;
}
