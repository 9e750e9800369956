// The usage endpoints' logic: validating the query the way the real API does (documented 400 codes), resolving it to a
// reported-time window, and rendering one page of records as JSON text with a nextLink carrying a continuation token.

import type { Granularity } from '../../shared/domain.ts';
import { formatQuantity } from './quantity.ts';
import { mix } from './random.ts';
import type { SimResource } from './model.ts';
import type { Cursor, SyntheticStamp, WindowQuery } from './stamp.ts';
import { DAY_MS, HOUR_MS, parseWireTime } from './time.ts';

export const USAGE_API_VERSION = '2015-06-01-preview';

export type UsageApi = 'admin' | 'tenant';

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export interface ResolvedUsageQuery {
  window: WindowQuery;
  cursor: Cursor | null;
  /** Binds continuation tokens to the query they were issued for. */
  fingerprint: number;
}

function invalid(code: string, message: string): ApiError {
  return { status: 400, code, message };
}

function fingerprintOf(api: UsageApi, w: WindowQuery): number {
  let h = mix(api === 'admin' ? 1 : 2, w.granularity === 'Hourly' ? 3 : 4);
  h = mix(h, w.startBucket);
  h = mix(h, w.endBucket);
  return mix(h, w.subscriptionIndex + 1);
}

function encodeContinuationToken(fingerprint: number, c: Cursor): string {
  const text = `v1.${c.bucket}.${c.resource}.${c.lag}.${c.stream}.${fingerprint.toString(36)}`;
  return Buffer.from(text).toString('base64url');
}

function decodeContinuationToken(
  stamp: SyntheticStamp, token: string, fingerprint: number, w: WindowQuery,
): Cursor | null {
  const parts = Buffer.from(token, 'base64url').toString('latin1').split('.');
  if (parts.length !== 6 || parts[0] !== 'v1' || parts[5] !== fingerprint.toString(36)) return null;
  const [bucket = NaN, resource = NaN, lag = NaN, stream = NaN] = parts.slice(1, 5)
    .map((p) => (/^\d{1,9}$/.test(p) ? Number(p) : NaN));
  const cursor = { bucket, resource, lag, stream };
  if (!Object.values(cursor).every(Number.isInteger)) return null;
  return stamp.isValidCursor(w, cursor) ? cursor : null;
}

function parseGranularity(value: string | null): Granularity | null {
  // The documented default is Daily; values are matched without regard to case.
  if (value === null || value === '') return 'Daily';
  const v = value.toLowerCase();
  return v === 'hourly' ? 'Hourly' : v === 'daily' ? 'Daily' : null;
}

/**
 * Validates a usage query. `tenantSubscriptionIndex` is the tenant API's own subscription (ignored for the admin API,
 * where the optional `subscriberId` parameter selects one). Returns the window or the documented error.
 */
export function resolveUsageQuery(
  stamp: SyntheticStamp, api: UsageApi, params: URLSearchParams, tenantSubscriptionIndex: number, nowMs: number,
): ResolvedUsageQuery | ApiError {
  const apiVersion = params.get('api-version');
  if (!apiVersion) {
    return invalid('NoApiVersion', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  if (apiVersion !== USAGE_API_VERSION) {
    return invalid('InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported version is '${USAGE_API_VERSION}'.`);
  }
  const times: number[] = [];
  for (const name of ['reportedStartTime', 'reportedEndTime']) {
    const raw = params.get(name);
    if (raw === null || raw === '') return invalid('InvalidProperty', `The ${name} property is missing.`);
    const ms = parseWireTime(raw);
    if (ms === null) {
      return invalid('InvalidProperty', `The ${name} value '${raw}' is not a valid ISO 8601 UTC date and time.`);
    }
    times.push(ms);
  }
  const [start, end] = times as [number, number];
  const granularity = parseGranularity(params.get('aggregationGranularity'));
  if (!granularity) {
    const value = params.get('aggregationGranularity');
    return invalid('InvalidAggregationGranularity',
      `The aggregationGranularity '${value}' is invalid. Valid values are Daily and Hourly.`);
  }
  const unit = granularity === 'Hourly' ? HOUR_MS : DAY_MS;
  const boundary = granularity === 'Hourly' ? 'the start of an hour (UTC)' : 'UTC midnight';
  if (start % unit !== 0) {
    return invalid('InvalidProperty', `The reportedStartTime must be at ${boundary} for ${granularity} aggregation.`);
  }
  if (end % unit !== 0) {
    return invalid('InvalidProperty', `The reportedEndTime must be at ${boundary} for ${granularity} aggregation.`);
  }
  if (start >= end) {
    return invalid('InvalidProperty', 'The reportedStartTime must be earlier than the reportedEndTime.');
  }
  if (end > nowMs) {
    return invalid('RequestEndTimeIsInFuture',
      `The reportedEndTime ${new Date(end).toISOString()} is in the future; ` +
        'processing of that period is not complete.');
  }

  let subscriptionIndex = tenantSubscriptionIndex;
  if (api === 'admin') {
    const subscriberId = params.get('subscriberId');
    subscriptionIndex = -1;
    if (subscriberId) {
      subscriptionIndex = stamp.subscriptionIndex(subscriberId);
      // A deleted subscription is no longer a tenant of the provider: the stamp refuses it as it refuses a stranger.
      if (subscriptionIndex < 0 || stamp.isDeleted(subscriptionIndex)) {
        return invalid('SubscriberIdIsNotDirectTenant',
          `The subscription '${subscriberId}' is not a direct tenant of the provider subscription.`);
      }
    }
  }
  const window: WindowQuery = { granularity, startBucket: start / unit, endBucket: end / unit, subscriptionIndex };
  const fingerprint = fingerprintOf(api, window);
  const token = params.get('continuationToken');
  let cursor: Cursor | null = null;
  if (token) {
    cursor = decodeContinuationToken(stamp, token, fingerprint, window);
    if (!cursor) {
      return invalid('InvalidProperty', 'The continuationToken is not valid for this query; start again without it.');
    }
  }
  return { window, cursor, fingerprint };
}

export interface RenderedPage {
  body: string;
  records: number;
  next: Cursor | null;
}

/**
 * One page of at most `pageSize` records as JSON text, built by concatenating each stream's prepared fragments with
 * the times and the quantity text. `nextLinkFor` turns the next cursor into the full URL of the next page. `hidden`
 * leaves out records that are not visible yet (the `late` fault): such a page is shorter, as real pages can be.
 */
export function renderUsagePage(
  stamp: SyntheticStamp, api: UsageApi, q: ResolvedUsageQuery, pageSize: number, nextLinkFor: (token: string) => string,
  hidden?: (res: SimResource, start: number) => boolean,
): RenderedPage {
  const hourly = q.window.granularity === 'Hourly';
  const tenant = api === 'tenant';
  let body = '{"value":[';
  let records = 0;
  const next = stamp.scan(q.window, q.cursor, pageSize, (stream, f, res, start, mantissa) => {
    if (hidden?.(res, start)) return;
    const startHour = hourly ? start : start * 24;
    const endHour = hourly ? start + 1 : start * 24 + 24;
    body += (records === 0 ? '' : ',') + (tenant ? f.tenantHead : f.adminHead) + stamp.wireHour(startHour) +
      '","usageEndTime":"' + stamp.wireHour(endHour) + f.middle + formatQuantity(mantissa, stream.scale) + f.tail;
    records++;
  });
  body += ']';
  if (next) body += `,"nextLink":${JSON.stringify(nextLinkFor(encodeContinuationToken(q.fingerprint, next)))}`;
  body += '}';
  return { body, records, next };
}
