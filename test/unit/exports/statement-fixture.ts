// A statement rated by the real engine for the export tests: three tenants (one unknown), flat, graduated (tenant
// aggregation), volume, free, block-rounded and overridden meters, two kinds of unrated usage, and every kind of
// adjustment. Meter IDs are real Azure Stack Hub meters from the catalog.
import type { StatementDocument } from '../../../electron/shared/chargeback.ts';
import { rateStatement, type Adjustment, type MeterRate, type RateCard } from '../../../electron/core/rating/index.ts';

export const METER = {
  baseVm: 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5',
  blockBlob: '09f8879e-87e9-4305-a572-4b7be209f857',
  blobTransactions: '43daf82b-4618-444a-b994-40c23f7cd438',
  diskS4: '380874f9-300c-48e0-95a0-d2d9a21ade8f',
  staticIp: 'f271a8a388c44d93956a063e1d2fa80b',
  windowsVm: '9cd92d4c-bafd-4492-b278-bedc2de8232a',
  vmSizeHours: '6dab500f-a4fd-49c4-956d-229bb9c8c793',
  tableCapacity: 'b4438d5d-453b-4ee1-b42a-dc72e377f1e4',
} as const;

export const TENANT_A = '6f1c2a3b-0000-4000-8000-00000000000a';
export const TENANT_B = '6f1c2a3b-0000-4000-8000-00000000000b';
export const SUB = {
  a1: '11111111-1111-4111-8111-111111111111',
  a2: '22222222-2222-4222-8222-222222222222',
  b1: '33333333-3333-4333-8333-333333333333',
  u1: '44444444-4444-4444-8444-444444444444',
} as const;

/** A display name that a spreadsheet would run as a formula if it were written as it is. */
export const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

function meter(meterId: string, name: string, unit: string, extra: Partial<MeterRate>): MeterRate {
  return {
    meterId, name, consumedUnit: unit, pricingUnit: unit, conversion: { kind: 'none' }, pricing: null,
    aggregation: 'subscription', ...extra,
  };
}

export const CARD: RateCard = {
  id: 'rc-standard', name: 'Standard prices (examples)', currency: 'EUR',
  rounding: { mode: 'half-up', point: 'line' },
  versions: [{
    version: 1, effectiveFrom: '2025-01-01', status: 'published', publishedAt: '2024-12-20T10:00:00Z',
    meters: [
      meter(METER.baseVm, 'Base VM Size Hours', 'Virtual core hours',
        { pricing: { kind: 'flat', unitPrice: '0.0125' } }),
      meter(METER.blockBlob, 'BlockBlobCapacity', 'GB*hours', {
        pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' }, aggregation: 'tenant',
        pricing: {
          kind: 'graduated', tiers: [
            { from: '0', to: '100', unitPrice: '0.05' }, { from: '100', to: null, unitPrice: '0.03' },
          ],
        },
      }),
      meter(METER.blobTransactions, 'BlobTransactions', 'Requests count in 10,000s',
        { pricing: { kind: 'flat', unitPrice: '0.004' } }),
      meter(METER.diskS4, 'S4', 'Count of Disks*month', {
        pricing: {
          kind: 'volume', tiers: [
            { from: '0', to: '10', unitPrice: '1.50' }, { from: '10', to: null, unitPrice: '1.20' },
          ],
        },
      }),
      meter(METER.staticIp, 'Static IP Address Usage', 'IP addresses', { pricing: { kind: 'free' } }),
      // Listed without a price: its usage is unrated ('no-price').
      meter(METER.windowsVm, 'Windows VM Size Hours', 'Virtual core hours', {}),
      meter(METER.tableCapacity, 'TableCapacity', 'GB*hours', {
        pricingUnit: 'GB*month', conversion: { kind: 'fixed-hours', hoursPerMonth: '730' }, blockSize: '1',
        pricing: { kind: 'flat', unitPrice: '0.07' },
      }),
    ],
  }],
};

export const ADJUSTMENTS: Adjustment[] = [
  { id: 'ovr-b-vm', label: 'Fabrikam VM price', scope: { kind: 'tenant', tenantId: TENANT_B }, type: 'price-override',
    meterId: METER.baseVm, unitPrice: '0.01' },
  { id: 'markup-a', label: 'Support markup', scope: { kind: 'tenant', tenantId: TENANT_A }, type: 'markup',
    percent: '10' },
  { id: 'disc-a1', label: 'Volume discount', scope: { kind: 'subscription', subscriptionId: SUB.a1 },
    type: 'discount', percent: '5' },
  { id: 'fee-b', label: 'Platform fee', scope: { kind: 'tenant', tenantId: TENANT_B }, type: 'recurring-fee',
    monthlyAmount: '50.00', from: '2025-02-15', to: null },
  { id: 'setup-a2', label: '-Setup fee', scope: { kind: 'subscription', subscriptionId: SUB.a2 },
    type: 'one-time-fee', amount: '25.00', date: '2025-02-03' },
  { id: 'min-u', label: 'Minimum charge', scope: { kind: 'subscription', subscriptionId: SUB.u1 },
    type: 'minimum-charge', monthlyAmount: '20.00' },
  { id: 'credit-b', label: 'Outage credit', scope: { kind: 'tenant', tenantId: TENANT_B }, type: 'credit',
    amount: '5.00', date: '2025-02-20' },
  { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '19' },
];

const usage = (tenantId: string | null, subscriptionId: string, meterId: string, quantity: string,
  records = 24) => ({ tenantId, subscriptionId, offerId: null, meterId, month: '2025-02', quantity, records });

export function statementDocument(overrides: Partial<StatementDocument> = {}): StatementDocument {
  const result = rateStatement({
    card: CARD,
    months: { from: '2025-02', to: '2025-02' },
    usage: [
      usage(TENANT_A, SUB.a1, METER.baseVm, '1344'),
      usage(TENANT_A, SUB.a1, METER.blockBlob, '26585.555691456838'),
      usage(TENANT_A, SUB.a2, METER.blockBlob, '80640'),
      usage(TENANT_A, SUB.a2, METER.blobTransactions, '12.3456'),
      usage(TENANT_A, SUB.a2, METER.staticIp, '672'),
      usage(TENANT_A, SUB.a2, METER.windowsVm, '336'),
      usage(TENANT_B, SUB.b1, METER.baseVm, '2688'),
      usage(TENANT_B, SUB.b1, METER.diskS4, '12'),
      usage(TENANT_B, SUB.b1, METER.tableCapacity, '100.5'),
      usage(null, SUB.u1, METER.baseVm, '96'),
      usage(null, SUB.u1, METER.vmSizeHours, '48'),
    ],
    subscriptions: [
      { subscriptionId: SUB.a1, tenantId: TENANT_A, offerId: null },
      { subscriptionId: SUB.a2, tenantId: TENANT_A, offerId: null },
      { subscriptionId: SUB.b1, tenantId: TENANT_B, offerId: null },
      { subscriptionId: SUB.u1, tenantId: null, offerId: null },
    ],
    adjustments: ADJUSTMENTS,
  });
  return {
    id: 'ST-202502-0001',
    kind: 'statement',
    correctsId: null,
    reason: null,
    status: 'finalized',
    period: { from: '2025-02-01', to: '2025-03-01' },
    stamps: ['azs-east'],
    granularity: 'Hourly',
    rateCard: { id: CARD.id, name: CARD.name, currency: CARD.currency, versions: [1] },
    createdAt: '2025-03-02T08:00:00Z',
    createdBy: 'operator',
    finalizedAt: '2025-03-03T09:30:00Z',
    finalizedBy: 'auditor',
    inputHash: 'a'.repeat(24) + '0123456789abcdef'.repeat(2) + 'b'.repeat(8),
    hash: '5e1f'.repeat(16),
    result,
    tenants: [
      {
        tenantId: TENANT_A, label: 'contoso.example',
        subscriptions: [{ subscriptionId: SUB.a1, label: 'Contoso Production' },
          { subscriptionId: SUB.a2, label: FORMULA_NAME }],
      },
      { tenantId: TENANT_B, label: 'fabrikam.example', subscriptions: [{ subscriptionId: SUB.b1, label: 'Fabrikam' }] },
      { tenantId: null, label: '(unknown tenant)', subscriptions: [{ subscriptionId: SUB.u1, label: 'Lab' }] },
    ],
    ...overrides,
  };
}
