import type { UsagePeriod } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';

const DAY = 86400;
const HOUR = 3600;

/** A usage period in Unix seconds: from inclusive, to exclusive. */
export interface SecondsRange {
  from: number;
  to: number;
}

/** A period of whole UTC days, as Unix days (usage_start / 86400): fromDay inclusive, toDay exclusive. */
export interface DayRange {
  fromDay: number;
  toDay: number;
}

/**
 * How a whole-day range reads from the rollups: whole calendar months from usage_monthly (YYYYMM, inclusive bounds) and
 * the days outside them from usage_daily, so a long range costs a few month rows per key plus at most two partial months
 * of day rows.
 */
export interface RollupPlan {
  months: { from: number; to: number } | null;
  days: DayRange[];
}

function parseTime(text: string, field: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text.replace(/\+00:00$/, 'Z');
  const ms = Date.parse(/Z$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new StackmeterError('INVALID_ARGUMENT', `${field} "${text}" is not a UTC date or hour.`);
  const seconds = ms / 1000;
  if (seconds % HOUR !== 0) {
    throw new StackmeterError('INVALID_ARGUMENT', `${field} "${text}" is not on the hour; usage is kept per hour.`);
  }
  return seconds;
}

/** Checks a period and returns it in seconds; INVALID_ARGUMENT naming the field when it is malformed or empty. */
export function periodSeconds(period: UsagePeriod, field = 'period'): SecondsRange {
  const from = parseTime(period.from, `${field}.from`);
  const to = parseTime(period.to, `${field}.to`);
  if (to <= from) {
    throw new StackmeterError('INVALID_ARGUMENT', `${field}.to (${period.to}) must be after ${field}.from (${period.from}).`);
  }
  return { from, to };
}

/** A period the rollups can answer: whole UTC days, else INVALID_ARGUMENT saying so. */
export function periodDays(period: UsagePeriod, field = 'period'): DayRange {
  const { from, to } = periodSeconds(period, field);
  if (from % DAY !== 0 || to % DAY !== 0) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${field} must start and end at UTC midnight (whole days, e.g. 2026-11-01 to 2026-12-01) for this view.`);
  }
  return { fromDay: from / DAY, toDay: to / DAY };
}

/** YYYYMM of a Unix day. */
export function monthOfDay(day: number): number {
  const date = new Date(day * DAY * 1000);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}

/** The Unix day a YYYYMM month starts on. */
export function firstDayOfMonth(month: number): number {
  return Date.UTC(Math.floor(month / 100), (month % 100) - 1, 1) / 1000 / DAY;
}

/** The YYYYMM after this one. */
export function nextMonth(month: number): number {
  return month % 100 === 12 ? month + 89 : month + 1;
}

/** Splits whole days into the calendar months they cover entirely and the edge days around them. */
export function rollupPlan(range: DayRange): RollupPlan {
  const { fromDay, toDay } = range;
  let firstWhole = monthOfDay(fromDay);
  if (firstDayOfMonth(firstWhole) < fromDay) firstWhole = nextMonth(firstWhole);
  // The first month that does not fit entirely before toDay.
  let end = firstWhole;
  while (firstDayOfMonth(nextMonth(end)) <= toDay) end = nextMonth(end);
  if (end === firstWhole) return { months: null, days: [range] };
  const monthsFrom = firstDayOfMonth(firstWhole);
  const monthsTo = firstDayOfMonth(end);
  const days: DayRange[] = [];
  if (fromDay < monthsFrom) days.push({ fromDay, toDay: monthsFrom });
  if (monthsTo < toDay) days.push({ fromDay: monthsTo, toDay });
  return { months: { from: firstWhole, to: previousMonth(end) }, days };
}

function previousMonth(month: number): number {
  return month % 100 === 1 ? month - 89 : month - 1;
}
