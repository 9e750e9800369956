import type { Granularity } from '../../shared/domain.ts';
import type { ArmClient } from './arm.ts';
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

/** The operator API path for one subscriber (or all of them) and one reported-time window. */
export function subscriberUsagePath(providerSubscriptionId: string, window: UsageWindow, subscriberId?: string): string {
  const params = new URLSearchParams({
    'api-version': USAGE_API_VERSION,
    reportedStartTime: wireTime(window.start),
    reportedEndTime: wireTime(window.end),
    aggregationGranularity: window.granularity,
  });
  if (subscriberId) params.set('subscriberId', subscriberId);
  return `/subscriptions/${providerSubscriptionId}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?${params}`;
}

export interface FetchedPage extends UsagePage {
  /** 1-based page number within the window. */
  index: number;
}

/** Follows a usage query's nextLink chain, yielding each page parsed; a missing nextLink ends the chain. */
export async function* usagePages(arm: ArmClient, firstPath: string, what: string, signal?: AbortSignal): AsyncGenerator<FetchedPage> {
  let next: string | null = firstPath;
  for (let index = 1; next; index++) {
    const source = `${what}, page ${index}`;
    const page = parseUsagePage(await arm.get(next, source, signal), source);
    yield { ...page, index };
    next = page.nextLink;
  }
}
