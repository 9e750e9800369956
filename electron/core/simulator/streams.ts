// A meter stream is one resource's usage of one meter: a pure function from an absolute usage hour to the hourly
// quantity (an integer mantissa at the stream's decimal scale), or -1 when the meter reports nothing that hour.
// Streams never see floats on the way out: daily records are the exact integer sum of the hourly mantissas.

import { MAX_HOURLY_MANTISSA, pow10 } from './quantity.ts';
import { mix } from './random.ts';
import { hoursInMonthOf } from './time.ts';

export interface Stream {
  /** The meter ID exactly as the stamp sends it (case and hyphens vary by resource provider). */
  readonly meterId: string;
  readonly scale: number;
  readonly hourly: (hour: number) => number;
}

/** A whole-number quantity every hour (VM hours, vCPUs, IP addresses, MB of a database...). */
export function constantStream(meterId: string, quantity: number): Stream {
  return { meterId, scale: 0, hourly: () => quantity };
}

// Hours in the month of an absolute day, memoised: disk meters ask for it on every record.
const monthHoursByDay = new Map<number, number>();
function monthHours(hour: number): number {
  const day = Math.floor(hour / 24);
  let h = monthHoursByDay.get(day);
  if (h === undefined) {
    h = hoursInMonthOf(hour);
    monthHoursByDay.set(day, h);
  }
  return h;
}

/**
 * Monthly meters (Disks*month, GB*month) are reported every hour as amount / (hours in that calendar month), rounded
 * to `scale` decimals: an S10 disk reports 1/744 per hour in December.
 */
export function monthlyStream(meterId: string, amount: number, scale: number): Stream {
  const byMonthLength = new Map<number, number>();
  for (const h of [672, 696, 720, 744]) byMonthLength.set(h, Math.round((amount * pow10(scale)) / h));
  return { meterId, scale, hourly: (hour) => byMonthLength.get(monthHours(hour)) as number };
}

/**
 * A capacity that grows slowly from `base` (mantissa) by `slope` per hour since `since`, with a little hourly jitter,
 * capped so that a daily sum stays a safe integer.
 */
export function growingStream(
  meterId: string, scale: number, key: number, base: number, slope: number, jitter: number, since: number,
): Stream {
  const cap = MAX_HOURLY_MANTISSA - jitter;
  return {
    meterId,
    scale,
    hourly: (hour) => Math.min(cap, base + Math.floor(slope * (hour - since))) + (mix(key, hour) % jitter),
  };
}

function isDaytime(hour: number): boolean {
  const hod = hour % 24;
  return hod >= 7 && hod < 19;
}

/**
 * Activity meters (transactions, ingress, egress) report only in hours with traffic: `percent` of daytime hours and a
 * third of that at night, each with an amount in [min, max] (mantissas).
 */
export function sparseStream(
  meterId: string, scale: number, key: number, percent: number, min: number, max: number,
): Stream {
  const night = Math.max(1, Math.floor(percent / 3));
  const span = max - min + 1;
  return {
    meterId,
    scale,
    hourly: (hour) => {
      const h = mix(key, hour);
      if (h % 100 >= (isDaytime(hour) ? percent : night)) return -1;
      return min + (mix(h, 0x5bd1e995) % span);
    },
  };
}
