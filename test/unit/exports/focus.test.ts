import { Decimal } from 'decimal.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FOCUS_COLUMNS, focusCsv, focusRows, type FocusRow } from '../../../electron/core/exports/focus.ts';
import { RatingDecimal } from '../../../electron/core/rating/index.ts';
import { parseCsvFields } from './csv.ts';
import { METER, statementDocument, SUB, TENANT_B } from './statement-fixture.ts';

/**
 * The column table of the FOCUS 1.2 specification (a copy of its column list, kept with the fixtures), read at test time
 * so that the export is checked against the specification's table and not against a list typed into the test.
 */
const REFERENCE = fileURLToPath(new URL('../../fixtures/focus-1.2-columns.md', import.meta.url));

interface SpecColumn {
  id: string;
  level: 'Mandatory' | 'Conditional' | 'Recommended';
  nullable: boolean;
}

function specColumns(): SpecColumn[] {
  const text = readFileSync(REFERENCE, 'utf8');
  const columns: SpecColumn[] = [];
  for (const line of text.split('\n')) {
    const m = /^\| \d+ \| `(\w+)` \| \w+ \| (Mandatory|Conditional|Recommended) \| (True|False) \|/.exec(line);
    if (m) columns.push({ id: m[1]!, level: m[2] as SpecColumn['level'], nullable: m[3] === 'True' });
  }
  return columns;
}

const SPEC = specColumns();
const MANDATORY = SPEC.filter((c) => c.level === 'Mandatory');
/** FOCUS 1.3 columns written beside their deprecated 1.2 counterparts (see the reference's "Newer versions"). */
const FOCUS_1_3 = ['ServiceProviderName', 'HostProviderName'];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Multiplication without rounding, to check products of 50-digit quantities exactly. */
const Exact = Decimal.clone({ precision: 1000 });

const sum = (values: Array<string | null>): string =>
  values.reduce((s, v) => s.plus(v ?? '0'), new RatingDecimal(0)).toFixed(2);

describe('FOCUS 1.2 columns', () => {
  it('reads the reference table: 57 columns, 21 of them mandatory', () => {
    expect(SPEC).toHaveLength(57);
    expect(MANDATORY).toHaveLength(21);
  });

  it('has every mandatory column, and only FOCUS columns or x_ custom columns', () => {
    for (const column of MANDATORY) expect(FOCUS_COLUMNS, column.id).toContain(column.id);
    const known = new Set([...SPEC.map((c) => c.id), ...FOCUS_1_3]);
    for (const column of FOCUS_COLUMNS) {
      expect(known.has(column) || column.startsWith('x_'), column).toBe(true);
    }
    expect(new Set(FOCUS_COLUMNS).size).toBe(FOCUS_COLUMNS.length);
  });

  it('has the conditional columns that apply to Azure Stack Hub chargeback', () => {
    expect(FOCUS_COLUMNS).toEqual(expect.arrayContaining([
      'ConsumedQuantity', 'ConsumedUnit', 'ListUnitPrice', 'ContractedUnitPrice', 'PricingCategory', 'SkuId',
      'SkuMeter', 'SkuPriceId', 'SkuPriceDetails', 'SubAccountId', 'SubAccountName', 'RegionId', 'RegionName',
      'ResourceId', 'ResourceName', 'ResourceType', 'Tags', 'CommitmentDiscountId', 'CapacityReservationId',
      'ChargeFrequency', 'InvoiceId', 'x_Stamp', 'x_RateCardId', 'x_RateCardVersion', 'x_StatementId',
      'x_StatementHash',
    ]));
  });
});

describe('FOCUS rows of a statement', () => {
  const doc = statementDocument();
  const rows = focusRows(doc);
  const byCategory = (category: string): FocusRow[] => rows.filter((r) => r.ChargeCategory === category);

  it('has one row per charged usage line and per adjustment line; unrated usage is left out', () => {
    const charged = doc.result.lines.filter((l) => l.status !== 'unrated');
    expect(byCategory('Usage')).toHaveLength(charged.length);
    expect(rows).toHaveLength(charged.length + doc.result.adjustmentLines.length);
    const skus = rows.map((r) => r.SkuId);
    expect(skus).not.toContain(METER.windowsVm);
    expect(skus).not.toContain(METER.vmSizeHours);
  });

  it('adds BilledCost up to the statement total exactly, per tenant too', () => {
    expect(sum(rows.map((r) => r.BilledCost))).toBe(doc.result.totals.total);
    expect(sum(rows.map((r) => r.EffectiveCost))).toBe(doc.result.totals.total);
    for (const t of doc.result.totals.byTenant) {
      const account = t.tenantId ?? '(unknown tenant)';
      expect(sum(rows.filter((r) => r.BillingAccountId === account).map((r) => r.BilledCost))).toBe(t.total);
    }
  });

  it('fills every non-nullable mandatory column and writes numbers as plain decimals', () => {
    for (const column of MANDATORY.filter((c) => !c.nullable)) {
      for (const row of rows) expect(row[column.id as keyof FocusRow], column.id).not.toBeNull();
    }
    for (const row of rows) {
      for (const metric of ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'PricingQuantity',
        'ConsumedQuantity', 'ListUnitPrice', 'ContractedUnitPrice'] as const) {
        if (row[metric] !== null) expect(row[metric], metric).toMatch(PLAIN_DECIMAL);
      }
    }
  });

  it('uses allowed values and the null rules of each charge category', () => {
    const allowed = {
      ChargeCategory: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
      ChargeFrequency: ['One-Time', 'Recurring', 'Usage-Based'],
      ServiceCategory: ['AI and Machine Learning', 'Analytics', 'Business Applications', 'Compute', 'Databases',
        'Developer Tools', 'Multicloud', 'Identity', 'Integration', 'Internet of Things', 'Management and Governance',
        'Media', 'Migration', 'Mobile', 'Networking', 'Security', 'Storage', 'Web', 'Other'],
    };
    for (const row of rows) {
      for (const [column, values] of Object.entries(allowed)) {
        expect(values, column).toContain(row[column as keyof FocusRow]);
      }
      expect(row.ChargeClass).toBeNull();
      const pricedCategory = row.ChargeCategory === 'Usage' || row.ChargeCategory === 'Purchase';
      for (const column of ['PricingQuantity', 'PricingUnit', 'ListUnitPrice', 'ContractedUnitPrice', 'SkuId',
        'SkuPriceId', 'PricingCategory'] as const) {
        if (pricedCategory) expect(row[column], `${row.ChargeCategory} ${column}`).not.toBeNull();
        if (row.ChargeCategory === 'Tax') expect(row[column], `Tax ${column}`).toBeNull();
      }
      if (pricedCategory) expect(row.PricingCategory).toBe('Standard');
      // Consumed quantity and unit belong to usage rows only, and every usage row has them.
      expect(row.ConsumedQuantity === null, row.ChargeCategory ?? '').toBe(row.ChargeCategory !== 'Usage');
      expect(row.ConsumedUnit === null).toBe(row.ConsumedQuantity === null);
      expect(row.ChargeFrequency === 'Usage-Based' && row.ChargeCategory === 'Purchase').toBe(false);
    }
    expect(byCategory('Tax')).toHaveLength(3);
    expect(byCategory('Credit').map((r) => r.BilledCost)).toEqual(['-5.00']);
    expect(byCategory('Purchase').map((r) => [r.ServiceName, r.PricingQuantity, r.ListUnitPrice, r.ChargeFrequency]))
      .toEqual([['Platform fee', '1', '25.00', 'Recurring'], ['-Setup fee', '1', '25.00', 'One-Time']]);
  });

  it('prices usage so that PricingQuantity × unit price is the list and contracted cost, exactly', () => {
    for (const row of rows.filter((r) => r.ListUnitPrice !== null)) {
      const quantity = new Exact(row.PricingQuantity!);
      expect(quantity.times(row.ListUnitPrice!).eq(row.ListCost!), row.ChargeDescription!).toBe(true);
      expect(quantity.times(row.ContractedUnitPrice!).eq(row.ContractedCost!)).toBe(true);
    }
    const vm = rows.find((r) => r.SkuId === METER.baseVm && r.SubAccountId === SUB.a1)!;
    expect([vm.PricingQuantity, vm.ListUnitPrice, vm.ListCost, vm.BilledCost]).toEqual(['1344', '0.0125', '16.8',
      '16.80']);
    // Block rounding charged 1 GB*month for 0.1376… used: the unit price is the line's average price.
    const table = rows.find((r) => r.SkuId === METER.tableCapacity)!;
    expect(table.ListUnitPrice).toBe('0.50845771144278606965');
    expect(new Exact(table.ListCost!).minus(table.BilledCost!).abs().lt('1e-19')).toBe(true);
    // Graduated tiers over the tenant's total: the average price of the line's share.
    const blob = rows.find((r) => r.SkuId === METER.blockBlob && r.SubAccountId === SUB.a2)!;
    // 5.1041190410249366759379795880347175628885442443456 / 120 = 0.04253432534187447229948…, to 20 decimals
    expect(blob.ListUnitPrice).toBe('0.0425343253418744723');
    expect(blob.BilledCost).toBe('5.11');
    expect(blob.ConsumedQuantity).toBe('80640');
    expect(blob.PricingQuantity).toBe('120');
    const overridden = rows.find((r) => r.SkuId === METER.baseVm && r.SubAccountId === SUB.b1)!;
    expect([overridden.ContractedUnitPrice, overridden.SkuPriceId]).toEqual(['0.01',
      `rc-standard/v1/${METER.baseVm}/override/ovr-b-vm`]);
  });

  it('maps accounts, periods, services and provenance', () => {
    const vm = rows.find((r) => r.SkuId === METER.baseVm && r.SubAccountId === SUB.b1)!;
    expect(vm).toMatchObject({
      BillingAccountId: TENANT_B, BillingAccountName: 'fabrikam.example', SubAccountName: 'Fabrikam',
      BillingCurrency: 'EUR', BillingPeriodStart: '2025-02-01T00:00:00Z', BillingPeriodEnd: '2025-03-01T00:00:00Z',
      ChargePeriodStart: '2025-02-01T00:00:00Z', ChargePeriodEnd: '2025-03-01T00:00:00Z',
      ServiceName: 'Compute', ServiceCategory: 'Compute', SkuMeter: 'Base VM Size Hours', InvoiceId: 'ST-202502-0001',
      ConsumedUnit: 'Virtual core hours', ResourceId: null, RegionId: null, Tags: null, CommitmentDiscountId: null,
      x_StatementId: 'ST-202502-0001', x_StatementHash: doc.hash, x_InputHash: doc.inputHash,
      x_RateCardId: 'rc-standard', x_RateCardVersion: '1', x_Stamp: 'azs-east', x_StatementStatus: 'finalized',
    });
    for (const row of rows) {
      for (const column of ['BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd'] as const) {
        expect(row[column]).toMatch(INSTANT);
      }
    }
    const tenantTax = rows.find((r) => r.ChargeCategory === 'Tax' && r.BillingAccountId === TENANT_B)!;
    expect([tenantTax.SubAccountId, tenantTax.SubAccountName]).toEqual([null, null]);
    const unknown = rows.filter((r) => r.BillingAccountId === '(unknown tenant)');
    expect(unknown.length).toBeGreaterThan(0);
    expect(rows.find((r) => r.SkuId === METER.diskS4)!.ServiceCategory).toBe('Storage');
  });

  it('cuts charge periods to a custom statement period', () => {
    const custom = focusRows(statementDocument({ period: { from: '2025-02-10', to: '2025-02-20' } }));
    expect(custom.every((r) => r.ChargePeriodStart === '2025-02-10T00:00:00Z'
      && r.ChargePeriodEnd === '2025-02-20T00:00:00Z')).toBe(true);
  });

  it('marks every row of a correction statement as a correction', () => {
    const correction = statementDocument({ id: 'ST-202502-0001-C1', kind: 'correction', correctsId: 'ST-202502-0001',
      reason: 'late usage' });
    expect(new Set(focusRows(correction).map((r) => [r.ChargeClass, r.InvoiceId].join('|'))))
      .toEqual(new Set(['Correction|ST-202502-0001-C1']));
  });
});

describe('FOCUS CSV', () => {
  const doc = statementDocument({ status: 'draft', hash: null, stamps: [] });
  const text = focusCsv(doc);
  const records = parseCsvFields(text);

  it('has no byte order mark, a header of column IDs and CRLF records', () => {
    expect(text.startsWith('BilledCost,EffectiveCost,')).toBe(true);
    expect(records[0]!.map((f) => f.text)).toEqual([...FOCUS_COLUMNS]);
    expect(records).toHaveLength(1 + focusRows(doc).length);
    expect(records.every((r) => r.length === FOCUS_COLUMNS.length)).toBe(true);
  });

  it('writes nulls as empty unquoted fields and neutralises formulas in names', () => {
    const at = (column: string): number => FOCUS_COLUMNS.indexOf(column as (typeof FOCUS_COLUMNS)[number]);
    const data = records.slice(1);
    for (const r of data) {
      expect(r[at('x_StatementHash')]).toEqual({ text: '', quoted: false });
      expect(r[at('x_Stamp')]).toEqual({ text: '', quoted: false });
      expect(r[at('x_StatementStatus')]!.text).toBe('draft');
    }
    const names = data.filter((r) => r[at('SubAccountId')]!.text === SUB.a2).map((r) => r[at('SubAccountName')]!.text);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.startsWith("'=HYPERLINK(")).toBe(true);
    expect(sum(data.map((r) => r[at('BilledCost')]!.text))).toBe(doc.result.totals.total);
    const details = data.map((r) => r[at('SkuPriceDetails')]!.text).filter((t) => t !== '');
    expect(details.length).toBeGreaterThan(0);
    for (const json of details) expect(JSON.parse(json)).toHaveProperty('x_Pricing');
  });
});
