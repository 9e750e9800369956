/**
 * Times: usage data is UTC, so the console shows UTC and offers the user's local time on hover (title attribute).
 */
import { userLocale } from './numbers.ts';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2024-05-01 13:00 UTC`; seconds are dropped because usage is hourly. Empty for null. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** `2024-05-01 13:00`, for columns whose header already says UTC. */
export function formatUtcCompact(iso: string | null | undefined): string {
  return formatUtc(iso).replace(/ UTC$/, '');
}

/** The UTC day of an instant, `2024-05-01`. */
export function formatUtcDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : utcDate(d);
}

/** A reported-time bound (`YYYY-MM-DD` or an ISO time) shown as a UTC date, with the hour when it is not midnight. */
export function formatUtcDay(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? day : `${day} ${pad(d.getUTCHours())}:00`;
}

/**
 * A reported-time range, short enough for a table cell: the end leaves out what it shares with the start (the year, or
 * the whole day), e.g. `2024-05-01 → 06-01`, `2024-05-01 13:00 → 17:00`. Ranges across years are written in full.
 */
export function formatUtcRange(from: string, to: string): string {
  const start = formatUtcDay(from);
  const end = formatUtcDay(to);
  const [startDay] = start.split(' ');
  const [endDay, endHour] = end.split(' ');
  if (!startDay || !endDay || startDay.slice(0, 4) !== endDay.slice(0, 4)) return `${start} → ${end}`;
  if (startDay === endDay && endHour) return `${start} → ${endHour}`;
  return `${start} → ${endDay.slice(5)}${endHour ? ` ${endHour}` : ''}`;
}

/** The same instant in the user's local time zone, for the hover title. */
export function localTitle(iso: string | null | undefined, locale = userLocale()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  return `Local time: ${text}`;
}

/** Elapsed time between two ISO times, e.g. `42 s`, `3 min 05 s`, `1 h 02 min`. Empty when not ended. */
export function formatDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return '';
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** `YYYY-MM-DD` of a Date in UTC. */
export function utcDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The default sync window: the last 31 days up to and including today (UTC), as the form shows it (`through` is an
 * inclusive date; see `exclusiveEnd`).
 */
export function defaultSyncRange(now: Date): { from: string; through: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: utcDate(new Date(today - 30 * DAY_MS)), through: utcDate(new Date(today)) };
}

/**
 * The contract's `to` is exclusive; the form asks for the last day to include, which people find natural. The core
 * clamps the end to the last whole hour, so "through today" syncs today's finished hours.
 */
export function exclusiveEnd(throughDate: string): string {
  const [y, m, d] = throughDate.split('-').map(Number);
  return utcDate(new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) + DAY_MS));
}
