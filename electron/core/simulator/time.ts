// Time helpers. Inside the simulator a time is an absolute hour number (hours since 1970-01-01T00:00Z) or an absolute
// day number; the wire uses ISO 8601 with "+00:00" as the real stamp does.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `2019-12-10T18:00:00+00:00` for an absolute hour. */
export function wireHour(hour: number): string {
  return `${new Date(hour * HOUR_MS).toISOString().slice(0, 19)}+00:00`;
}

/** Hours in the calendar month (UTC) that contains the given absolute hour: 672, 696, 720 or 744. */
export function hoursInMonthOf(hour: number): number {
  const d = new Date(hour * HOUR_MS);
  const days = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return days * 24;
}

// Accepted forms: 2024-05-01T13:00:00Z, ...+00:00, ...-00:00, fractional seconds (2019-12-10T19:00:00.0000000+00:00),
// and a "+" that arrived unencoded in a query string and was therefore decoded to a space (as PowerShell sends it).
const WIRE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:?\d{2})?$/i;

/** Parses a reported-time query value to epoch milliseconds; null when it is not an ISO 8601 UTC-convertible time. */
export function parseWireTime(value: string): number | null {
  const m = WIRE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const check = new Date(ms);
  // Reject values Date.UTC would silently roll over (2024-02-30, 25:00).
  if (
    check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi)
  ) {
    return null;
  }
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  return ms + fracMs - offsetMinutes * 60_000;
}
