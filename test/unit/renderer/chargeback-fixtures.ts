import type {
  ChargebackResult, ChargebackRow, StatementDocument,
} from '../../../electron/shared/chargeback.ts';
import type { MeterRow } from '../../../electron/shared/domain.ts';
import type {
  AdjustmentLine, RateCard, RateCardSummary, RatedLine, RatingResult,
} from '../../../electron/shared/rating.ts';

/** Chargeback, statement and rate card data as the core returns them, for the console's tests. */

export const CONTOSO = '6f1e1f51-2c3b-4a8e-9d4e-0c1d2e3f4a5b';
export const FABRIKAM = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const SUB_DEV = '11111111-1111-1111-1111-111111111111';
export const VM_METER = 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5';
export const EGRESS_METER = '3023fef4-eca5-4d7b-87b3-cfbc061931e8';

export const ORDER = [
  { step: 0, type: 'price-override', description: 'Price overrides first.' },
  { step: 7, type: 'tax', description: 'Taxes last.' },
] as const;

export function catalogMeter(over: Partial<MeterRow> = {}): MeterRow {
  return {
    meterId: VM_METER, name: 'Base VM Size Hours', unit: 'Virtual core hours', service: 'Compute', records: 0,
    quantity: '0', firstUsage: null, lastUsage: null, known: true, ...over,
  };
}

export function rateCard(over: Partial<RateCard> = {}): RateCard {
  return {
    id: 'standard', name: 'Standard', currency: 'USD', rounding: { mode: 'half-up', point: 'line' },
    versions: [{
      version: 1, effectiveFrom: '2026-10-01', status: 'draft', publishedAt: null, meters: [{
        meterId: VM_METER, consumedUnit: 'Virtual core hours', pricingUnit: 'Virtual core hours',
        conversion: { kind: 'none' }, pricing: { kind: 'flat', unitPrice: '0.008' }, aggregation: 'subscription',
      }, {
        meterId: EGRESS_METER, consumedUnit: 'Egress in GB', pricingUnit: 'Egress in GB', conversion: { kind: 'none' },
        pricing: { kind: 'graduated', tiers: [
          { from: '0', to: '10240', unitPrice: '0.087' }, { from: '10240', to: null, unitPrice: '0.083' },
        ] },
        aggregation: 'tenant',
      }],
    }],
    ...over,
  };
}

export function summaryOf(card: RateCard): RateCardSummary {
  return {
    id: card.id, name: card.name, currency: card.currency, rounding: card.rounding,
    versions: card.versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom, status: v.status,
      publishedAt: v.publishedAt, meters: v.meters.length })),
  };
}

export function chargebackRow(over: Partial<ChargebackRow> = {}): ChargebackRow {
  return { key: CONTOSO, label: 'contoso.example', usage: '1234.50', adjustments: '0.00', total: '1234.50',
    unratedRecords: 0, ...over };
}

export function chargebackResult(over: Partial<ChargebackResult> = {}): ChargebackResult {
  return {
    period: { from: '2026-10-01', to: '2026-11-01' }, by: 'tenant', tagKey: null, stamps: [], granularity: 'Hourly',
    currency: 'USD',
    minorUnits: 2, rounding: { mode: 'half-up', point: 'line' },
    rateCard: { id: 'standard', name: 'Standard', versions: [1] },
    rows: [
      chargebackRow(),
      chargebackRow({ key: FABRIKAM, label: 'fabrikam.example', usage: '0.00', adjustments: '0.00', total: '0.00',
        unratedRecords: 744 }),
    ],
    totals: { usage: '1234.50', adjustments: '0.00', total: '1234.50', unratedRecords: 744 },
    unrated: [{ meterId: EGRESS_METER, reason: 'meter-not-on-card', lines: 1, records: 744, quantity: '12.5' }],
    adjustmentOrder: [...ORDER], adjustmentLines: [], unmatchedAdjustments: [],
    ...over,
  };
}

export function ratedLine(over: Partial<RatedLine> = {}): RatedLine {
  return {
    month: '2026-10', tenantId: CONTOSO, subscriptionId: SUB_DEV, offerId: null, meterId: VM_METER,
    meterName: 'Base VM Size Hours', usageStart: '2026-10-01T00:00:00Z', records: 744, quantity: '154312.5',
    consumedUnit: 'Virtual core hours', conversion: { kind: 'none' }, conversionDivisor: null,
    convertedQuantity: '154312.5', pricingUnit: 'Virtual core hours', status: 'rated', unratedReason: null,
    pricing: 'flat', overrideId: null, unitPrice: '0.008', aggregate: null, exactAmount: '1234.5',
    amount: '1234.50', currency: 'USD', rateCardId: 'standard', rateCardVersion: 1, ...over,
  };
}

export function adjustmentLine(over: Partial<AdjustmentLine> = {}): AdjustmentLine {
  return {
    month: '2026-10', step: 7, type: 'tax', adjustmentId: 'vat', label: 'VAT', tenantId: CONTOSO,
    subscriptionId: null, base: '1234.50', percent: '20', detail: '20 % of 1,234.50', amount: '246.90',
    currency: 'USD', ...over,
  };
}

export function ratingResult(over: Partial<RatingResult> = {}): RatingResult {
  return {
    rateCardId: 'standard', rateCardName: 'Standard', currency: 'USD', minorUnits: 2,
    rounding: { mode: 'half-up', point: 'line' }, months: { from: '2026-10', to: '2026-10' },
    adjustmentOrder: [...ORDER], lines: [ratedLine()], adjustmentLines: [],
    totals: {
      usage: '1234.50', adjustments: '0.00', total: '1234.50',
      byMonth: [{ month: '2026-10', usage: '1234.50', adjustments: '0.00', total: '1234.50' }],
      byTenant: [{ tenantId: CONTOSO, usage: '1234.50', adjustments: '0.00', total: '1234.50' }],
      bySubscription: [{ tenantId: CONTOSO, subscriptionId: SUB_DEV, usage: '1234.50', adjustments: '0.00',
        total: '1234.50' }],
      byMeter: [{ meterId: VM_METER, quantity: '154312.5', amount: '1234.50' }],
    },
    unrated: [], credits: [], unmatchedAdjustments: [],
    ...over,
  };
}

export function statementDocument(over: Partial<StatementDocument> = {}): StatementDocument {
  return {
    id: 'ST-202610-0001', kind: 'statement', correctsId: null, reason: null, status: 'draft',
    period: { from: '2026-10-01', to: '2026-11-01' }, stamps: [], granularity: 'Hourly',
    rateCard: { id: 'standard', name: 'Standard', currency: 'USD', versions: [1] },
    createdAt: '2026-11-02T09:00:00Z', createdBy: 'operator', finalizedAt: null, finalizedBy: null,
    inputHash: 'a'.repeat(64), hash: null, result: ratingResult(),
    tenants: [{ tenantId: CONTOSO, label: 'contoso.example',
      subscriptions: [{ subscriptionId: SUB_DEV, label: 'Dev' }] }],
    ...over,
  };
}
