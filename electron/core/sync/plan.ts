import type { Granularity } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { UnitState, Watermark } from '../cache/sync-state.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** A never-synced subscriber is read this far back by an incremental sync. */
export const INITIAL_LOOKBACK_MS = 31 * DAY_MS;

/** The unit reported times are aligned to: an hour for Hourly data, a UTC day for Daily. */
export function periodMs(granularity: Granularity): number {
  return granularity === 'Daily' ? DAY_MS : HOUR_MS;
}

const alignDown = (t: number, unit: number): number => Math.floor(t / unit) * unit;

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
  /** The explicit start, or null for an incremental sync (each subscriber from its own watermark). */
  from: Date | null;
  to: Date;
  /** True when `to` was moved back to the last complete hour (or day) because the API refuses ends in the future. */
  clamped: boolean;
  /** The bounds as requested (aligned, not clamped), null where absent: what decides whether a run is the same. */
  requestedFrom: Date | null;
  requestedTo: Date | null;
}

/**
 * Checks a requested reported-time range against what the usage API accepts: hour-aligned (midnight for Daily), start
 * before end, end not in the future. A missing or future end becomes the last complete period, so "sync up to now"
 * just works; a missing start means incremental.
 */
export function resolveRange(
  fromText: string | undefined, toText: string | undefined, granularity: Granularity, now: Date,
): SyncRange {
  const unit = periodMs(granularity);
  const requestedFrom = fromText === undefined ? null : parseUtc(fromText, 'from');
  const requestedTo = toText === undefined ? null : parseUtc(toText, 'to');
  for (const [field, d] of [['from', requestedFrom], ['to', requestedTo]] as const) {
    if (d && d.getTime() % unit !== 0) {
      throw new StackmeterError(
        'INVALID_ARGUMENT',
        `${field} ${d.toISOString()} is not aligned to ${granularity === 'Daily' ? 'midnight UTC' : 'a whole UTC hour'}, ` +
          `as the usage API requires for ${granularity} data.`,
      );
    }
  }
  const latest = new Date(alignDown(now.getTime(), unit));
  const clamped = requestedTo !== null && requestedTo > latest;
  const to = requestedTo === null || clamped ? latest : requestedTo;
  if (requestedFrom && requestedFrom >= to) {
    throw new StackmeterError(
      'INVALID_ARGUMENT',
      `Nothing to sync: from ${requestedFrom.toISOString()} is not before to ${to.toISOString()}` +
        `${clamped ? ' (the end was moved back to the last complete period, as the API refuses ends in the future)' : ''}.`,
    );
  }
  return { from: requestedFrom, to, clamped, requestedFrom, requestedTo };
}

/** The end of the subscriber window that starts at `start`: the next UTC midnight, or the range's end. */
export function subscriberWindowEnd(start: number, rangeTo: number): number {
  return Math.min(alignDown(start, DAY_MS) + DAY_MS, rangeTo);
}

/** How many subscriber windows (at most one UTC day each) cover [from, to). */
export function subscriberWindowCount(from: number, to: number): number {
  if (to <= from) return 0;
  return (alignDown(to - 1, DAY_MS) - alignDown(from, DAY_MS)) / DAY_MS + 1;
}

export interface SweepSizing {
  /** The all-tenant window to start with (6 h for Hourly; a day, the smallest possible, for Daily). */
  initialMs: number;
  /** Windows are halved on a gateway timeout down to this (1 h for Hourly; a day for Daily). */
  minimumMs: number;
}

export function sweepSizing(granularity: Granularity, initialHours: number): SweepSizing {
  if (granularity === 'Daily') return { initialMs: DAY_MS, minimumMs: DAY_MS };
  return { initialMs: Math.max(1, Math.min(24, initialHours)) * HOUR_MS, minimumMs: HOUR_MS };
}

/** Half a sweep window, in whole hours, never below the minimum. */
export function halveSweepWindow(sizeMs: number, sizing: SweepSizing): number {
  return Math.max(sizing.minimumMs, alignDown(sizeMs / 2, HOUR_MS));
}

export function sweepWindowCount(from: number, to: number, sizeMs: number): number {
  return to <= from ? 0 : Math.ceil((to - from) / sizeMs);
}

export interface PlanInput {
  granularity: Granularity;
  /** The explicit start, or null: incremental. */
  from: number | null;
  to: number;
  overlapMs: number;
  /** The subscriptions the stamp lists now, in its order. */
  listed: string[];
  watermarks: ReadonlyMap<string, Watermark>;
  /** False for tenant connections: the tenant API has no all-tenant query, so deleted subscriptions cannot be read. */
  canSweep: boolean;
  /** Sweep the whole range for subscriptions the list does not name (deleted before they were ever seen). */
  sweepDeleted: boolean;
  sweepWindowMs: number;
}

/**
 * The units of a run: one per listed subscriber, from the explicit start or from its watermark less the overlap (31
 * days back when it has none), and, when some are needed, one all-tenant sweep that keeps the records of subscriptions
 * the list lacks. A subscription that was synced before but is missing now (deleted) is swept from its own watermark
 * less the overlap; it keeps being swept until its watermark is an overlap past the time it went missing, so that its
 * late rows land too. With `sweepDeleted`, the sweep covers the whole range.
 */
export function planUnits(input: PlanInput): UnitState[] {
  const unit = periodMs(input.granularity);
  // Where an incremental sync starts for a subscription: its watermark less the overlap, or 31 days back.
  const since = (wm: Watermark | undefined): number =>
    wm ? alignDown(wm.reportedTo - input.overlapMs, unit) : alignDown(input.to - INITIAL_LOOKBACK_MS, unit);
  const units: UnitState[] = input.listed.map((subscriptionId, i) => {
    const rangeFrom = Math.min(input.from ?? since(input.watermarks.get(subscriptionId)), input.to);
    return {
      unit: i,
      kind: 'subscriber',
      subscriptionId,
      subjects: [],
      rangeFrom,
      rangeTo: input.to,
      windowStart: rangeFrom,
      windowEnd: subscriberWindowEnd(rangeFrom, input.to),
      nextLink: null,
      page: 1,
      failedFrom: null,
      windows: subscriberWindowCount(rangeFrom, input.to),
      windowsDone: 0,
    };
  });
  if (!input.canSweep) return units;

  const listed = new Set(input.listed);
  const subjects: string[] = [];
  let sweepFrom = input.to;
  for (const wm of input.watermarks.values()) {
    if (listed.has(wm.subscriptionId)) continue;
    const missingSince = wm.missingSince ?? input.to;
    if (wm.reportedTo >= missingSince + input.overlapMs) continue; // its late rows have landed: retired
    const from = Math.max(input.from ?? since(wm), since(wm));
    if (from >= input.to) continue;
    subjects.push(wm.subscriptionId);
    sweepFrom = Math.min(sweepFrom, from);
  }
  if (input.sweepDeleted) {
    sweepFrom = Math.min(sweepFrom, input.from ?? Math.min(...units.map((u) => u.rangeFrom), since(undefined)));
  }
  if (sweepFrom < input.to && (subjects.length > 0 || input.sweepDeleted)) {
    subjects.sort();
    units.push({
      unit: units.length,
      kind: 'sweep',
      subscriptionId: null,
      subjects,
      rangeFrom: sweepFrom,
      rangeTo: input.to,
      windowStart: sweepFrom,
      windowEnd: Math.min(sweepFrom + input.sweepWindowMs, input.to),
      nextLink: null,
      page: 1,
      failedFrom: null,
      windows: sweepWindowCount(sweepFrom, input.to, input.sweepWindowMs),
      windowsDone: 0,
    });
  }
  return units;
}
