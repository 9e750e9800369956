// Small builders for the rating tests: a published card with one version, and usage items.
import type {
  MeterRate, RateCard, RateCardVersion, RoundingPolicy, UsageItem,
} from '../../../electron/core/rating/index.ts';

export const LINE_HALF_UP: RoundingPolicy = { mode: 'half-up', point: 'line' };

export function flatMeter(meterId: string, unitPrice: string, extra: Partial<MeterRate> = {}): MeterRate {
  return {
    meterId, consumedUnit: 'Units', pricingUnit: 'Units', conversion: { kind: 'none' },
    pricing: { kind: 'flat', unitPrice }, aggregation: 'subscription', ...extra,
  };
}

export function published(version: number, effectiveFrom: string, meters: MeterRate[]): RateCardVersion {
  return { version, effectiveFrom, status: 'published', publishedAt: `${effectiveFrom}T00:00:00Z`, meters };
}

export function card(meters: MeterRate[], options: { rounding?: RoundingPolicy; currency?: string } = {}): RateCard {
  return {
    id: 'card-1', name: 'Standard', currency: options.currency ?? 'EUR', rounding: options.rounding ?? LINE_HALF_UP,
    versions: [published(1, '2025-01-01', meters)],
  };
}

/** Usage of one subscription for a whole month. */
export function usage(subscriptionId: string, meterId: string, quantity: string, month = '2025-02',
  tenantId: string | null = 't1', offerId: string | null = null): UsageItem {
  return { tenantId, subscriptionId, offerId, meterId, month, quantity, records: 1 };
}
