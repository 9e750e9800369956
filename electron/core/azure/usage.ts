import type { Granularity } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { ArmClient, GetOptions } from './arm.ts';
import { backoffDelay, sleep, type RetryEvent, type RetryPolicy } from './retry.ts';
import { parseUsagePage, type UsagePage } from './usage-record.ts';

export const USAGE_API_VERSION = '2015-06-01-preview';

export interface UsageWindow {
  /** Reported-time start, inclusive, hour-aligned (midnight for Daily). */
  start: Date;
  /** Reported-time end, exclusive. */
  end: Date;
  granularity: Granularity;
}

/** `YYYY-MM-DDTHH:00:00Z`: the form the usage API accepts for both granularities. */
export function wireTime(d: Date): string {
  return `${d.toISOString().slice(0, 13)}:00:00Z`;
}

function windowParams(window: UsageWindow): URLSearchParams {
  return new URLSearchParams({
    'api-version': USAGE_API_VERSION,
    reportedStartTime: wireTime(window.start),
    reportedEndTime: wireTime(window.end),
    aggregationGranularity: window.granularity,
  });
}

/**
 * The operator API path for one subscriber, or for all of them when `subscriberId` is absent (the all-tenant query,
 * which times out on real stamps unless the window is small).
 */
export function subscriberUsagePath(providerSubscriptionId: string, window: UsageWindow, subscriberId?: string): string {
  const params = windowParams(window);
  if (subscriberId) params.set('subscriberId', subscriberId);
  return `/subscriptions/${providerSubscriptionId}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?${params}`;
}

/** The tenant API path: one subscription's own usage, with the resource details (instanceData) included. */
export function tenantUsagePath(subscriptionId: string, window: UsageWindow): string {
  const params = windowParams(window);
  params.set('showDetails', 'true');
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Commerce/usageAggregates?${params}`;
}

export interface PageFetchOptions {
  signal?: AbortSignal;
  /** How often a malformed or truncated page is fetched again before the page is given up. */
  retry: RetryPolicy;
  /** Attempts for a malformed page (a body cut short by a proxy or a dropped connection); default 3. */
  malformedAttempts?: number;
  onRetry?: (event: RetryEvent) => void;
  get?: GetOptions;
}

/**
 * Fetches and parses one usage page. A body that is not a well-formed page (cut short, garbled) is fetched again a few
 * times, because bodies do get cut on the way; a page that stays malformed fails with API, naming the page and why.
 */
export async function fetchUsagePage(arm: ArmClient, url: string, what: string, options: PageFetchOptions): Promise<UsagePage> {
  const attempts = options.malformedAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const body = await arm.get(url, what, options.signal, options.get);
    try {
      return parseUsagePage(body, what);
    } catch (err) {
      if (!(err instanceof StackmeterError) || err.code !== 'BAD_INPUT') throw err;
      if (attempt >= attempts) {
        throw new StackmeterError('API', `${err.message} (malformed ${attempts} times in a row)`, { cause: err });
      }
      const delayMs = backoffDelay(options.retry, attempt);
      options.onRetry?.({ what, attempt, reason: err.message, delayMs });
      await sleep(delayMs, options.signal);
    }
  }
}
