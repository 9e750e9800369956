import { StackmeterError } from '../../shared/result.ts';

// Calendar arithmetic on UTC months and days. Times are whole milliseconds since the epoch (integers, exact in a JS
// number); only money and quantities must stay out of JS numbers.

const DAY_MS = 86_400_000;
const MONTH_TEXT = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
// An ISO 8601 instant with a UTC offset: Azure Stack Hub writes +00:00, everything else Z.
const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isMonthText(text: unknown): text is string {
  return typeof text === 'string' && MONTH_TEXT.test(text);
}

/** YYYY-MM-DD that names a real day (2025-02-29 is refused). */
export function isDateText(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATE_TEXT.exec(text);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

export function isInstantText(text: unknown): text is string {
  return typeof text === 'string' && INSTANT_TEXT.test(text) && !Number.isNaN(Date.parse(text));
}

/** 00:00 UTC of a YYYY-MM-DD day, in ms; INVALID_ARGUMENT naming `path` otherwise. */
export function parseDate(text: unknown, path: string): number {
  if (!isDateText(text)) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${path} must be a date written YYYY-MM-DD, not ${JSON.stringify(text)}.`);
  }
  return Date.parse(`${text}T00:00:00Z`);
}

/** An ISO 8601 instant with an offset, or a YYYY-MM-DD day (its 00:00 UTC), in ms. */
export function parseInstant(text: unknown, path: string): number {
  if (isDateText(text)) return Date.parse(`${text}T00:00:00Z`);
  if (!isInstantText(text)) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${path} must be an ISO 8601 UTC time such as 2025-02-10T05:00:00Z, not ${JSON.stringify(text)}.`);
  }
  return Date.parse(text);
}

export function parseMonth(text: unknown, path: string): string {
  if (!isMonthText(text)) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${path} must be a month written YYYY-MM, not ${JSON.stringify(text)}.`);
  }
  return text;
}

/** 00:00 UTC on the first day of a YYYY-MM month, in ms. */
export function monthStart(month: string): number {
  return Date.parse(`${month}-01T00:00:00Z`);
}

export function nextMonth(month: string): string {
  return monthOf(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1));
}

/** The YYYY-MM month an instant (ms) falls in. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = nextMonth(month)) months.push(month);
  return months;
}

export function daysInMonth(month: string): number {
  return (monthStart(nextMonth(month)) - monthStart(month)) / DAY_MS;
}

export function hoursInMonth(month: string): number {
  return daysInMonth(month) * 24;
}

/** Whole days of [fromMs, toMs) inside the month (both bounds at 00:00 UTC; toMs null = open). */
export function daysOverlapping(month: string, fromMs: number, toMs: number | null): number {
  const start = Math.max(monthStart(month), fromMs);
  const end = Math.min(monthStart(nextMonth(month)), toMs ?? Number.POSITIVE_INFINITY);
  return end > start ? Math.ceil((end - start) / DAY_MS) : 0;
}

/** An instant as ISO 8601 UTC without milliseconds (2025-02-10T05:00:00Z). */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
