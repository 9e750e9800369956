// The synthetic stamp: its tenants, subscriptions and resources, and the usage records they produce, enumerated in one
// deterministic order by reported time (what the API serves, page by page, resumable from a cursor) or by usage time
// (what tests compare a sync against).
//
// Reporting model. The record of usage hour [u, u+1) is reported at hour u + 2 + lag (one hour after the hour ends
// plus a lag of 0..3 hours chosen per resource and hour), so one reported hour returns usage of up to four usage hours.
// The daily record of usage day D (the exact sum of that day's hourly quantities) is reported 1 + lag hours after the
// day ends, i.e. always within day D + 1. A query's window [start, end) selects records whose reported time is in it.

import type { Granularity } from '../../shared/domain.ts';
import { buildStamp } from './build-stamp.ts';
import type {
  FabricModel, FabricOptions, RecordFragments, SimResource, StampResource, StampSubscription, StampTenant,
} from './model.ts';
import { formatQuantity } from './quantity.ts';
import { hashLabel, mix } from './random.ts';
import type { Stream } from './streams.ts';
import { DAY_MS, HOUR_MS, wireHour } from './time.ts';

export interface StampOptions {
  seed?: number;
  tenants?: number;
  scale?: number;
  historyDays?: number;
  /** The stamp's clock; usage exists up to the last whole hour before now. */
  now?: () => Date;
  fabric?: FabricOptions;
}

/** One usage record as the stamp serves it; times also given as ISO strings ending in Z. */
export interface StampRecord {
  granularity: Granularity;
  subscriptionId: string;
  /** The meter ID as sent (mixed case, as real stamps send it). */
  meterId: string;
  usageStart: string;
  usageEnd: string;
  usageStartMs: number;
  usageEndMs: number;
  /** When the record enters the usage system: a query whose reported window contains this instant returns it. */
  reportedAtMs: number;
  resourceUri: string;
  instanceData: string;
  /** The quantity's JSON number text exactly as sent, e.g. "16.46142589952" or "1.0" or "1.52587890625E-05". */
  quantity: string;
}

/** Position in the deterministic enumeration of a reported window; `null` once the window is exhausted. */
export interface Cursor {
  bucket: number;
  resource: number;
  lag: number;
  stream: number;
}

/** A reported-time window resolved to buckets (absolute hours for Hourly, absolute days for Daily). */
export interface WindowQuery {
  granularity: Granularity;
  startBucket: number;
  endBucket: number;
  /** Index of the subscription whose records are wanted, or -1 for all. */
  subscriptionIndex: number;
}

/** A subscription's resources: a half-open index range, and the hours between which any of them has usage. */
interface ResourceRange {
  lo: number;
  hi: number;
  firstHour: number;
  lastHour: number;
}

export type RecordVisitor = (
  stream: Stream, fragments: RecordFragments, res: SimResource, start: number, mantissa: number,
) => void;

// Reporting lag in hours: mostly none, sometimes up to three.
function lagFromHash(h: number): number {
  const p = h % 100;
  return p < 70 ? 0 : p < 85 ? 1 : p < 95 ? 2 : 3;
}

// Epoch day 0 (1970-01-01) was a Thursday.
function isBusinessHour(hour: number): boolean {
  const dow = (Math.floor(hour / 24) + 4) % 7;
  const hod = hour % 24;
  return dow >= 1 && dow <= 5 && hod >= 7 && hod < 19;
}

// `cutoff`: the first hour without usage because the resource's subscription was deleted (Infinity while it exists).
function resourceActive(res: SimResource, hour: number, cutoff: number): boolean {
  return hour >= res.createdHour && hour < res.deletedHour && hour < cutoff &&
    (!res.businessHoursOnly || isBusinessHour(hour));
}

export class SyntheticStamp {
  readonly seed: number;
  readonly region: string;
  readonly domain: string;
  /** The token audience (resource) the metadata endpoint advertises. */
  readonly audience: string;
  readonly providerSubscriptionId: string;
  readonly tenants: readonly StampTenant[];
  readonly subscriptions: readonly StampSubscription[];
  readonly fabric: FabricModel;
  /** Start of the usage history (midnight UTC), epoch ms. */
  readonly originMs: number;
  readonly now: () => Date;

  private readonly resources: readonly SimResource[];
  private readonly ranges: readonly ResourceRange[];
  private readonly allResources: ResourceRange;
  private readonly subscriptionIndexById = new Map<string, number>();
  /** Per subscription: the hour it was deleted at (usage stops, the lists drop it), Infinity while it exists. */
  private readonly deletedAtHour: number[];
  private readonly originHour: number;
  private readonly dailyLagKey: number;
  private readonly hourText: string[] = [];

  constructor(options: StampOptions = {}) {
    this.seed = options.seed ?? 1;
    this.now = options.now ?? (() => new Date());
    const historyDays = options.historyDays ?? 62;
    const originDay = Math.floor((this.now().getTime() - historyDays * DAY_MS) / DAY_MS);
    this.originHour = originDay * 24;
    this.originMs = this.originHour * HOUR_MS;
    const built = buildStamp({
      seed: this.seed,
      tenants: options.tenants ?? 6,
      scale: options.scale ?? 1,
      originHour: this.originHour,
      historyDays,
      fabric: options.fabric,
    });
    this.region = built.region;
    this.domain = built.domain;
    this.audience = built.audience;
    this.providerSubscriptionId = built.providerSubscriptionId;
    this.tenants = built.tenants;
    this.subscriptions = built.subscriptions;
    this.fabric = built.fabric;
    this.resources = built.resources;
    this.ranges = built.resourceRanges.map(({ lo, hi }) => {
      let firstHour = Infinity;
      let lastHour = -Infinity;
      for (let i = lo; i < hi; i++) {
        const r = built.resources[i] as SimResource;
        firstHour = Math.min(firstHour, r.createdHour);
        lastHour = Math.max(lastHour, r.deletedHour);
      }
      return { lo, hi, firstHour, lastHour };
    });
    this.allResources = { lo: 0, hi: this.resources.length, firstHour: this.originHour, lastHour: Infinity };
    built.subscriptions.forEach((s, i) => this.subscriptionIndexById.set(s.subscriptionId.toLowerCase(), i));
    this.deletedAtHour = built.subscriptions.map(() => Infinity);
    this.dailyLagKey = hashLabel(this.seed, 'daily-lag');
  }

  /** Every resource the stamp has had during its history, in enumeration order. */
  get resourceList(): StampResource[] {
    return this.resources.map((r) => r.info);
  }

  /** Index of a subscription of this stamp (case-insensitive), or -1. */
  subscriptionIndex(subscriptionId: string): number {
    return this.subscriptionIndexById.get(subscriptionId.toLowerCase()) ?? -1;
  }

  /**
   * Deletes a tenant subscription at a point in time (rounded down to the hour): from then on its resources have no
   * usage, the subscription lists no longer name it, and queries for it alone are refused as a real stamp refuses them,
   * while the usage it had before stays in all-tenant results.
   */
  deleteSubscription(subscriptionId: string, at: Date): void {
    const index = this.subscriptionIndex(subscriptionId);
    if (index < 0) throw new Error(`${subscriptionId} is not a subscription of this stamp`);
    this.deletedAtHour[index] = Math.floor(at.getTime() / HOUR_MS);
  }

  /** Whether the subscription (by index) has been deleted by now on the stamp's clock. */
  isDeleted(subscriptionIndex: number): boolean {
    const hour = this.deletedAtHour[subscriptionIndex] ?? Infinity;
    return hour * HOUR_MS <= this.now().getTime();
  }

  /** The subscriptions that exist now (the list Microsoft.Subscriptions.Admin returns). */
  currentSubscriptions(): StampSubscription[] {
    return this.subscriptions.filter((_, i) => !this.isDeleted(i));
  }

  /** End of the last whole usage hour before now (epoch ms): no usage exists after it. */
  latestUsageHourEndMs(): number {
    return Math.floor(this.now().getTime() / HOUR_MS) * HOUR_MS;
  }

  /** `2019-12-10T18:00:00+00:00`, memoised per absolute hour of the history. */
  wireHour(hour: number): string {
    const i = hour - this.originHour;
    let s = this.hourText[i];
    if (s === undefined) {
      s = wireHour(hour);
      if (i >= 0) this.hourText[i] = s;
    }
    return s;
  }

  /** The hour (absolute) at which the record of (resource, usage bucket) is reported. */
  reportedHour(res: SimResource, granularity: Granularity, start: number): number {
    if (granularity === 'Hourly') return start + 2 + lagFromHash(mix(res.key, start));
    return (start + 1) * 24 + 1 + lagFromHash(mix(this.dailyLagKey ^ res.key, start));
  }

  /**
   * Visits the records of a reported window in enumeration order, starting at `cursor`, at most `limit` of them.
   * Returns the cursor of the next record, or null when the window has no more. Work is proportional to the records
   * visited (plus the empty buckets skipped), never to the whole window.
   */
  scan(q: WindowQuery, cursor: Cursor | null, limit: number, visit: RecordVisitor): Cursor | null {
    const range = this.rangeOf(q.subscriptionIndex);
    if (range.lo === range.hi) return null;
    return q.granularity === 'Hourly'
      ? this.scanHourly(q, range, cursor, limit, visit)
      : this.scanDaily(q, range, cursor, limit, visit);
  }

  private rangeOf(subscriptionIndex: number): ResourceRange {
    return subscriptionIndex >= 0 ? this.ranges[subscriptionIndex] as ResourceRange : this.allResources;
  }

  /** Whether a cursor (e.g. from a continuation token) points at a resource and stream inside the query's range. */
  isValidCursor(q: WindowQuery, c: Cursor): boolean {
    const range = this.rangeOf(q.subscriptionIndex);
    if (c.resource < range.lo || c.resource >= range.hi) return false;
    const res = this.resources[c.resource] as SimResource;
    return c.stream < res.streams.length && c.lag <= 3 && c.bucket >= q.startBucket && c.bucket < q.endBucket;
  }

  private scanHourly(
    q: WindowQuery, range: ResourceRange, cursor: Cursor | null,
    limit: number, visit: RecordVisitor,
  ): Cursor | null {
    const resources = this.resources;
    // Skip reported hours that cannot hold a record of this range's resources.
    const end = Math.min(q.endBucket, range.lastHour + 5);
    let bucket = cursor ? cursor.bucket : Math.max(q.startBucket, range.firstHour + 2);
    let ri = cursor ? cursor.resource : range.lo;
    let lag = cursor ? cursor.lag : 0;
    let si = cursor ? cursor.stream : 0;
    let n = 0;
    for (; bucket < end; bucket++, ri = range.lo, lag = 0, si = 0) {
      for (; ri < range.hi; ri++, lag = 0, si = 0) {
        const res = resources[ri] as SimResource;
        if (bucket - 2 < res.createdHour || bucket - 5 >= res.deletedHour) continue;
        const cutoff = this.deletedAtHour[res.subscriptionIndex] as number;
        for (; lag < 4; lag++, si = 0) {
          const u = bucket - 2 - lag;
          if (!resourceActive(res, u, cutoff) || lagFromHash(mix(res.key, u)) !== lag) continue;
          const streams = res.streams;
          for (; si < streams.length; si++) {
            const stream = streams[si] as Stream;
            const m = stream.hourly(u);
            if (m < 0) continue;
            if (n === limit) return { bucket, resource: ri, lag, stream: si };
            visit(stream, res.fragments[si] as RecordFragments, res, u, m);
            n++;
          }
        }
      }
    }
    return null;
  }

  private scanDaily(
    q: WindowQuery, range: ResourceRange, cursor: Cursor | null,
    limit: number, visit: RecordVisitor,
  ): Cursor | null {
    const resources = this.resources;
    const end = Math.min(q.endBucket, Math.floor(range.lastHour / 24) + 2);
    let bucket = cursor ? cursor.bucket : Math.max(q.startBucket, Math.floor(range.firstHour / 24) + 1);
    let ri = cursor ? cursor.resource : range.lo;
    let si = cursor ? cursor.stream : 0;
    let n = 0;
    for (; bucket < end; bucket++, ri = range.lo, si = 0) {
      const day = bucket - 1;
      const h0 = day * 24;
      for (; ri < range.hi; ri++, si = 0) {
        const res = resources[ri] as SimResource;
        if (res.createdHour >= h0 + 24 || res.deletedHour <= h0) continue;
        const from = Math.max(h0, res.createdHour);
        const to = Math.min(h0 + 24, res.deletedHour);
        const cutoff = this.deletedAtHour[res.subscriptionIndex] as number;
        const streams = res.streams;
        for (; si < streams.length; si++) {
          const stream = streams[si] as Stream;
          let sum = 0;
          let any = false;
          for (let u = from; u < to; u++) {
            if (!resourceActive(res, u, cutoff)) continue;
            const m = stream.hourly(u);
            if (m >= 0) {
              sum += m;
              any = true;
            }
          }
          if (!any) continue;
          if (n === limit) return { bucket, resource: ri, lag: 0, stream: si };
          visit(stream, res.fragments[si] as RecordFragments, res, day, sum);
          n++;
        }
      }
    }
    return null;
  }

  private toRecord(
    granularity: Granularity, stream: Stream, res: SimResource, start: number, mantissa: number,
  ): StampRecord {
    const startMs = granularity === 'Hourly' ? start * HOUR_MS : start * DAY_MS;
    const endMs = startMs + (granularity === 'Hourly' ? HOUR_MS : DAY_MS);
    return {
      granularity,
      subscriptionId: res.info.subscriptionId,
      meterId: stream.meterId,
      usageStart: new Date(startMs).toISOString(),
      usageEnd: new Date(endMs).toISOString(),
      usageStartMs: startMs,
      usageEndMs: endMs,
      reportedAtMs: this.reportedHour(res, granularity, start) * HOUR_MS,
      resourceUri: res.info.resourceUri,
      instanceData: res.info.instanceData,
      quantity: formatQuantity(mantissa, stream.scale),
    };
  }

  private windowQuery(fromMs: number, toMs: number, granularity: Granularity, subscriberId?: string): WindowQuery {
    const unit = granularity === 'Hourly' ? HOUR_MS : DAY_MS;
    let subscriptionIndex = -1;
    if (subscriberId !== undefined) {
      subscriptionIndex = this.subscriptionIndex(subscriberId);
      if (subscriptionIndex < 0) throw new Error(`${subscriberId} is not a subscription of this stamp`);
    }
    return { granularity, startBucket: Math.ceil(fromMs / unit), endBucket: Math.ceil(toMs / unit), subscriptionIndex };
  }

  /**
   * Exactly the records a query of the reported window [fromMs, toMs) returns (all pages, in order). Buckets are
   * hours (Hourly) or UTC days (Daily); the bounds are rounded up to the bucket. No check of the clock is made.
   */
  *recordsForReportedRange(
    fromMs: number, toMs: number, granularity: Granularity, subscriberId?: string,
  ): Generator<StampRecord> {
    const q = this.windowQuery(fromMs, toMs, granularity, subscriberId);
    let cursor: Cursor | null = null;
    do {
      const batch: StampRecord[] = [];
      cursor = this.scan(q, cursor, 1000, (stream, _f, res, start, m) => {
        batch.push(this.toRecord(granularity, stream, res, start, m));
      });
      yield* batch;
    } while (cursor);
  }

  /**
   * Every record the stamp has for usage buckets starting in [fromMs, toMs) (hours for Hourly, UTC days for Daily),
   * limited to usage that exists by now (the bucket has ended). Ordered by bucket, then resource, then meter. A record
   * only becomes visible to the API once its `reportedAtMs` has passed.
   */
  *recordsForUsageRange(
    fromMs: number, toMs: number, granularity: Granularity, subscriberId?: string,
  ): Generator<StampRecord> {
    const q = this.windowQuery(fromMs, toMs, granularity, subscriberId);
    const hourly = granularity === 'Hourly';
    const lastHour = this.latestUsageHourEndMs() / HOUR_MS;
    const endBucket = Math.min(q.endBucket, hourly ? lastHour : Math.floor(lastHour / 24));
    const { lo, hi } = this.rangeOf(q.subscriptionIndex);
    const firstBucket = Math.max(q.startBucket, hourly ? this.originHour : this.originHour / 24);
    for (let bucket = firstBucket; bucket < endBucket; bucket++) {
      for (let ri = lo; ri < hi; ri++) {
        const res = this.resources[ri] as SimResource;
        const from = hourly ? bucket : bucket * 24;
        const to = from + (hourly ? 1 : 24);
        const cutoff = this.deletedAtHour[res.subscriptionIndex] as number;
        const batch: StampRecord[] = [];
        for (const stream of res.streams) {
          let sum = 0;
          let any = false;
          for (let u = from; u < to; u++) {
            if (!resourceActive(res, u, cutoff)) continue;
            const m = stream.hourly(u);
            if (m >= 0) {
              sum += m;
              any = true;
            }
          }
          if (any) batch.push(this.toRecord(granularity, stream, res, bucket, sum));
        }
        yield* batch;
      }
    }
  }
}
