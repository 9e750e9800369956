import { Decimal } from 'decimal.js';
import type { StatementDocument } from '../../shared/chargeback.ts';
import type { AdjustmentLine, AdjustmentType, RatedLine } from '../../shared/rating.ts';
import { findCatalogMeter, UNKNOWN_METER } from '../meters/catalog.ts';
import { formatInstant, monthStart, nextMonth } from '../rating/calendar.ts';
import { csvField, csvRecord, neutraliseFormula } from './spreadsheet-safe.ts';
import {
  formatQuantity, statementNames, UNKNOWN_TENANT_LABEL, unitPriceText, type StatementNames,
} from './statement-text.ts';

/*
 * A statement as a FOCUS 1.2 cost and usage dataset (FinOps Open Cost and Usage Specification), one row per charged
 * line of the statement: every rated or free usage line and every adjustment line, so that the BilledCost column adds
 * up to the statement total to the last minor unit.
 *
 * Columns: the 21 mandatory ones; the conditional ones that apply to an Azure Stack Hub operator's chargeback
 * (usage measurement, negotiated prices, SKUs and price lists, sub accounts, regions, resources, tags, pricing
 * category); the commitment discount and capacity reservation columns, always null (Stackmeter has neither); the
 * recommended ChargeFrequency and InvoiceId; the FOCUS 1.3 ServiceProviderName and HostProviderName beside the 1.2
 * ProviderName and PublisherName (1.3 deprecates the latter two); and provenance as x_ columns. Left out as not
 * applicable: BillingAccountType and SubAccountType (one type each: tenant, subscription), PricingCurrency* (prices and
 * bills in one currency), AvailabilityZone (Azure Stack Hub has none) and ServiceSubcategory.
 *
 * Mapping decisions:
 * - BillingAccount = the subscription's directory tenant (the unit a chargeback statement bills); SubAccount = the
 *   subscription. Tenant-level adjustment lines (tenant and 'all' scopes) have no SubAccount.
 * - BilledCost = EffectiveCost = the line's amount (nothing is prepaid or amortized). ListCost and ContractedCost are
 *   the unit price times the PricingQuantity, exact, before rounding to the minor unit; so PricingQuantity × unit price
 *   = cost holds exactly on every usage row, as the spec requires. The unit price is the rate card's (or the
 *   override's) where every unit was charged at it; for graduated tiers, block rounding or minimum quantities it is
 *   the line's average price (its exact amount over its quantity) to 20 decimals.
 * - List and contracted prices are the same: the statement records the price that was used (a price override's, for
 *   an overridden meter), not the card's price it replaced. Markups and discounts are their own Adjustment rows.
 * - ChargeCategory: usage lines 'Usage'; recurring and one-time fees 'Purchase' (one fee: PricingQuantity 1, unit
 *   'Fee'); credits 'Credit'; taxes 'Tax'; markups, discounts and minimum-charge true-ups 'Adjustment'. ChargeClass is
 *   'Correction' on every row of a correction statement, null otherwise.
 * - ChargePeriod = the line's month, cut to the statement's period; BillingPeriod = the statement's period.
 * - SkuId = the meter ID; SkuPriceId = rate card, version and meter (and the price override, when one priced the
 *   line); ServiceName and ServiceCategory from the meter catalog's service.
 * - ResourceId/Name/Type, RegionId/Name and Tags are null: a statement line sums a subscription's usage of a meter
 *   over many resources, so no single resource, region or tag set belongs to it.
 * - Unrated usage is left out. FOCUS cost columns must not be null, and writing 0 would state that the usage was
 *   charged nothing, which is exactly what an unrated meter is not; the statement's PDF, CSV and XLSX list it as
 *   "not charged: unrated".
 */

/** The columns of the dataset, in file order. */
export const FOCUS_COLUMNS = [
  'BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'BillingCurrency',
  'BillingAccountId', 'BillingAccountName', 'SubAccountId', 'SubAccountName',
  'BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd',
  'ChargeCategory', 'ChargeClass', 'ChargeDescription', 'ChargeFrequency',
  'ConsumedQuantity', 'ConsumedUnit', 'PricingQuantity', 'PricingUnit', 'PricingCategory',
  'ListUnitPrice', 'ContractedUnitPrice',
  'ServiceName', 'ServiceCategory', 'ProviderName', 'PublisherName', 'InvoiceIssuerName',
  'ServiceProviderName', 'HostProviderName', 'InvoiceId',
  'SkuId', 'SkuMeter', 'SkuPriceId', 'SkuPriceDetails',
  'RegionId', 'RegionName', 'ResourceId', 'ResourceName', 'ResourceType', 'Tags',
  'CommitmentDiscountCategory', 'CommitmentDiscountId', 'CommitmentDiscountName', 'CommitmentDiscountQuantity',
  'CommitmentDiscountStatus', 'CommitmentDiscountType', 'CommitmentDiscountUnit',
  'CapacityReservationId', 'CapacityReservationStatus',
  'x_StatementId', 'x_StatementStatus', 'x_StatementHash', 'x_InputHash', 'x_RateCardId', 'x_RateCardVersion',
  'x_Stamp',
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];

/** One row: every column's value as text, null for a null (written as an empty field). */
export type FocusRow = Record<FocusColumn, string | null>;

/** Who the rows name as provider, publisher and invoice issuer. */
export interface FocusOptions {
  /** Who makes the services available: the operator of the stamps. Also ServiceProviderName and HostProviderName. */
  providerName?: string;
  /** Who produced the services: Microsoft for Azure Stack Hub and its resource providers. */
  publisherName?: string;
  /** Who invoices the tenants: the operator's organisation. */
  invoiceIssuerName?: string;
}

const DEFAULTS: Required<FocusOptions> = {
  providerName: 'Azure Stack Hub operator',
  publisherName: 'Microsoft',
  invoiceIssuerName: 'Azure Stack Hub operator',
};

/** FOCUS ServiceCategory (an allowed value) of each service in the meter catalog. */
const SERVICE_CATEGORY: Readonly<Record<string, string>> = {
  'App Service': 'Web',
  Compute: 'Compute',
  'Event Hubs': 'Integration',
  'Key Vault': 'Security',
  'Managed Disks': 'Storage',
  'MySQL Server': 'Databases',
  Network: 'Networking',
  'SQL Server': 'Databases',
  Storage: 'Storage',
};

const ADJUSTMENT_CATEGORY: Readonly<Record<AdjustmentType, string>> = {
  'price-override': 'Adjustment',
  markup: 'Adjustment',
  discount: 'Adjustment',
  'recurring-fee': 'Purchase',
  'one-time-fee': 'Purchase',
  'minimum-charge': 'Adjustment',
  credit: 'Credit',
  tax: 'Tax',
};

const ADJUSTMENT_FREQUENCY: Readonly<Record<AdjustmentType, string>> = {
  'price-override': 'Usage-Based',
  markup: 'Usage-Based',
  discount: 'Usage-Based',
  'recurring-fee': 'Recurring',
  'one-time-fee': 'One-Time',
  'minimum-charge': 'Recurring',
  credit: 'One-Time',
  tax: 'Recurring',
};

/** How many decimals an average unit price keeps. */
const AVERAGE_PRICE_DECIMALS = 20;

/** ISO 8601 UTC (YYYY-MM-DDTHH:mm:ssZ) of 00:00 on a YYYY-MM-DD day. */
function dayStart(date: string): string {
  return `${date}T00:00:00Z`;
}

/** The part of a month inside the statement's period (both as ISO instants; the end exclusive). */
function chargePeriod(doc: StatementDocument, month: string): { start: string; end: string } {
  const start = formatInstant(monthStart(month));
  const end = formatInstant(monthStart(nextMonth(month)));
  const from = dayStart(doc.period.from);
  const to = dayStart(doc.period.to);
  // ISO instants of one format compare as text in time order.
  return { start: start < from ? from : start, end: end > to ? to : end };
}

/**
 * Decimal arithmetic without rounding for the cost products: a unit price times a converted quantity of 50 digits has
 * more digits than the rating engine keeps, and FOCUS wants PricingQuantity × unit price = cost exactly.
 */
const Exact = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -1000, toExpPos: 1000 });

function plain(value: Decimal): string {
  return value.isZero() ? '0' : value.toString();
}

/** The price every unit of the line was charged at, if one was: not tiered, no blocks or minimums added. */
function uniformPrice(line: RatedLine): string | null {
  if (line.status === 'free') return '0';
  const aggregate = line.aggregate;
  if (line.unitPrice === null || aggregate === null) return null;
  if (line.pricing === 'graduated' && line.overrideId === null) return null;
  return new Exact(aggregate.billableQuantity).eq(aggregate.quantity) ? line.unitPrice : null;
}

/** The unit price whose product with the quantity is the cost, and that cost (see the mapping notes above). */
function usagePrice(line: RatedLine): { unitPrice: string; cost: string } {
  const quantity = new Exact(line.convertedQuantity ?? line.quantity);
  const uniform = uniformPrice(line);
  const price = uniform !== null ? new Exact(uniform)
    : quantity.isZero() ? new Exact(0)
      : new Exact(line.exactAmount ?? '0').div(quantity).toDecimalPlaces(AVERAGE_PRICE_DECIMALS);
  return { unitPrice: plain(price), cost: plain(price.times(quantity)) };
}

function skuPriceId(line: RatedLine): string {
  const base = `${line.rateCardId}/v${line.rateCardVersion ?? 0}/${line.meterId}`;
  return line.overrideId === null ? base : `${base}/override/${line.overrideId}`;
}

function describeUsage(line: RatedLine): string {
  const name = line.meterName ?? line.meterId;
  const quantity = `${formatQuantity(line.convertedQuantity ?? line.quantity)} ${line.pricingUnit ?? ''}`.trim();
  const price = unitPriceText(line);
  const at = line.status === 'free' ? 'free of charge'
    : price === 'tiered' ? 'at tiered prices' : `at ${price} ${line.currency} per ${line.pricingUnit ?? 'unit'}`;
  return `${name}: ${quantity} ${at}`;
}

function commonColumns(doc: StatementDocument, options: Required<FocusOptions>, names: StatementNames,
  tenantId: string | null, month: string): Omit<FocusRow, 'BilledCost' | 'EffectiveCost' | 'ListCost'
  | 'ContractedCost' | 'SubAccountId' | 'SubAccountName' | 'ChargeCategory' | 'ChargeDescription' | 'ChargeFrequency'
  | 'ConsumedQuantity' | 'ConsumedUnit' | 'PricingQuantity' | 'PricingUnit' | 'PricingCategory' | 'ListUnitPrice'
  | 'ContractedUnitPrice' | 'ServiceName' | 'ServiceCategory' | 'SkuId' | 'SkuMeter' | 'SkuPriceId'
  | 'SkuPriceDetails' | 'x_RateCardVersion'> {
  const period = chargePeriod(doc, month);
  return {
    BillingCurrency: doc.result.currency,
    BillingAccountId: tenantId ?? UNKNOWN_TENANT_LABEL,
    BillingAccountName: names.tenant(tenantId),
    BillingPeriodStart: dayStart(doc.period.from),
    BillingPeriodEnd: dayStart(doc.period.to),
    ChargePeriodStart: period.start,
    ChargePeriodEnd: period.end,
    ChargeClass: doc.kind === 'correction' ? 'Correction' : null,
    ProviderName: options.providerName,
    PublisherName: options.publisherName,
    InvoiceIssuerName: options.invoiceIssuerName,
    ServiceProviderName: options.providerName,
    HostProviderName: options.providerName,
    InvoiceId: doc.id,
    RegionId: null,
    RegionName: null,
    ResourceId: null,
    ResourceName: null,
    ResourceType: null,
    Tags: null,
    CommitmentDiscountCategory: null,
    CommitmentDiscountId: null,
    CommitmentDiscountName: null,
    CommitmentDiscountQuantity: null,
    CommitmentDiscountStatus: null,
    CommitmentDiscountType: null,
    CommitmentDiscountUnit: null,
    CapacityReservationId: null,
    CapacityReservationStatus: null,
    x_StatementId: doc.id,
    x_StatementStatus: doc.status,
    x_StatementHash: doc.hash,
    x_InputHash: doc.inputHash,
    x_RateCardId: doc.rateCard.id,
    x_Stamp: doc.stamps.length === 0 ? null : doc.stamps.join(', '),
  };
}

function usageRow(doc: StatementDocument, options: Required<FocusOptions>, names: StatementNames, line: RatedLine):
  FocusRow {
  const catalog = findCatalogMeter(line.meterId);
  const service = catalog?.service ?? UNKNOWN_METER.service;
  const { unitPrice, cost } = usagePrice(line);
  const amount = line.amount ?? '0';
  return {
    ...commonColumns(doc, options, names, line.tenantId, line.month),
    BilledCost: amount,
    EffectiveCost: amount,
    ListCost: cost,
    ContractedCost: cost,
    SubAccountId: line.subscriptionId,
    SubAccountName: names.subscription(line.subscriptionId),
    ChargeCategory: 'Usage',
    ChargeDescription: describeUsage(line),
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: line.quantity,
    ConsumedUnit: line.consumedUnit ?? catalog?.unit ?? 'Units',
    PricingQuantity: line.convertedQuantity ?? line.quantity,
    PricingUnit: line.pricingUnit ?? line.consumedUnit ?? catalog?.unit ?? 'Units',
    PricingCategory: 'Standard',
    ListUnitPrice: unitPrice,
    ContractedUnitPrice: unitPrice,
    ServiceName: service,
    ServiceCategory: SERVICE_CATEGORY[service] ?? 'Other',
    SkuId: line.meterId,
    SkuMeter: line.meterName ?? catalog?.name ?? null,
    SkuPriceId: skuPriceId(line),
    SkuPriceDetails: JSON.stringify({
      x_Pricing: line.status === 'free' ? 'free' : line.overrideId === null ? line.pricing : 'override',
      x_AggregationScope: line.aggregate?.scope ?? null,
      x_Conversion: line.conversion?.kind ?? 'none',
      x_ConversionDivisor: line.conversionDivisor,
    }),
    x_RateCardVersion: line.rateCardVersion === null ? null : String(line.rateCardVersion),
  };
}

function adjustmentRow(doc: StatementDocument, options: Required<FocusOptions>, names: StatementNames,
  line: AdjustmentLine): FocusRow {
  const category = ADJUSTMENT_CATEGORY[line.type];
  const purchase = category === 'Purchase';
  const negative = line.amount.startsWith('-');
  // A fee is one purchase: quantity 1 at its amount (a correction that takes a fee back: -1 at the same price, as
  // unit prices are never negative).
  const feePrice = negative ? line.amount.slice(1) : line.amount;
  const sku = `adjustment/${line.adjustmentId}`;
  return {
    ...commonColumns(doc, options, names, line.tenantId, line.month),
    BilledCost: line.amount,
    EffectiveCost: line.amount,
    ListCost: line.amount,
    ContractedCost: line.amount,
    SubAccountId: line.subscriptionId,
    SubAccountName: line.subscriptionId === null ? null : names.subscription(line.subscriptionId),
    ChargeCategory: category,
    ChargeDescription: `${line.label}: ${line.detail}`,
    ChargeFrequency: ADJUSTMENT_FREQUENCY[line.type],
    ConsumedQuantity: null,
    ConsumedUnit: null,
    PricingQuantity: purchase ? (negative ? '-1' : '1') : null,
    PricingUnit: purchase ? 'Fee' : null,
    PricingCategory: purchase ? 'Standard' : null,
    ListUnitPrice: purchase ? feePrice : null,
    ContractedUnitPrice: purchase ? feePrice : null,
    ServiceName: line.label,
    ServiceCategory: 'Other',
    SkuId: purchase ? sku : null,
    SkuMeter: null,
    SkuPriceId: purchase ? sku : null,
    SkuPriceDetails: null,
    x_RateCardVersion: null,
  };
}

/** The dataset's rows: the statement's rated and free usage lines, then its adjustment lines, in statement order. */
export function focusRows(doc: StatementDocument, options: FocusOptions = {}): FocusRow[] {
  const resolved = { ...DEFAULTS, ...options };
  const names = statementNames(doc);
  return [
    ...doc.result.lines.filter((l) => l.status !== 'unrated').map((l) => usageRow(doc, resolved, names, l)),
    ...doc.result.adjustmentLines.map((l) => adjustmentRow(doc, resolved, names, l)),
  ];
}

/** A value as a CSV field: null is an empty field; an empty text is "" so that it stays distinct from null. */
function field(value: string | null): string {
  if (value === null) return '';
  if (value === '') return '""';
  return csvField(neutraliseFormula(value));
}

/**
 * The FOCUS CSV: a header of column IDs, one record per row, RFC 4180 with CRLF line ends, UTF-8 without a byte order
 * mark (FOCUS tools read the header by name, and a BOM would become part of the first column's name). Text that a
 * spreadsheet would run as a formula is neutralised; numbers are plain decimals.
 */
export function focusCsv(doc: StatementDocument, options: FocusOptions = {}): string {
  return focusRowsCsv(focusRows(doc, options));
}

/** The FOCUS CSV of rows already built by focusRows. */
export function focusRowsCsv(rows: readonly FocusRow[]): string {
  const records = rows.map((row) => `${FOCUS_COLUMNS.map((c) => field(row[c])).join(',')}\r\n`);
  return csvRecord([...FOCUS_COLUMNS]) + records.join('');
}
