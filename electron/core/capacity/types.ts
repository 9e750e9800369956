// The capacity model of a disconnected stamp and what is derived from it. Every amount, price, quantity and ratio is
// a decimal string (as in the rating engine); core counts are whole numbers, so they may be JS numbers.

/** A span of days, YYYY-MM-DD (UTC): `from` inclusive, `to` exclusive, like the explorer's UsagePeriod. */
export interface CapacityPeriod {
  from: string;
  to: string;
}

/**
 * The licence term, YYYY-MM-DD (UTC), both days INCLUSIVE, as written on a licence agreement: a term
 * {from: '2026-01-01', to: '2026-12-31'} covers the whole of 2026.
 */
export interface LicenceTerm {
  from: string;
  to: string;
}

/** Well-known add-on packages of the capacity model; any other name is allowed. */
export type AddOnName = 'App Service' | 'SQL/MySQL' | 'Event Hubs' | (string & {});

export interface CapacityAddOn {
  name: AddOnName;
  /** Price per physical core per year. */
  pricePerCoreYear: string;
  /** The cores the add-on is licensed for; the stamp's physical cores when absent. */
  cores?: number;
}

export interface OtherYearlyCost {
  /** What it is: 'Hardware amortisation', 'Support', 'Power'... */
  label: string;
  /** Amount per year. */
  amount: string;
}

/** Per stamp: licensed physical cores, yearly prices per core, licence term and other yearly costs. */
export interface CapacityModel {
  /** The stamp (connection) this model is for. */
  stamp: string;
  physicalCores: number;
  /** 'fabric': read from Microsoft.Fabric.Admin scale units / nodes; 'manual': entered by hand (why: coresNote). */
  coresSource: 'fabric' | 'manual';
  coresNote?: string;
  /** ISO 4217 code; amounts are rounded to its minor unit. */
  currency: string;
  term: LicenceTerm;
  /** Base package price per physical core per year. */
  basePricePerCoreYear: string;
  addOns: CapacityAddOn[];
  otherYearlyCosts: OtherYearlyCost[];
}

export type CapacityCostKind = 'base' | 'add-on' | 'other';

export interface CapacityCostLine {
  kind: CapacityCostKind;
  /** 'Base package', the add-on's name, or the other cost's label. */
  label: string;
  /** Cores priced (base and add-ons); absent for other costs. */
  cores?: number;
  /** The line's cost for a whole year: cores × price per core, or the other cost's amount. */
  yearlyAmount: string;
  /** The period's cost at full precision (yearlyAmount × yearFraction). */
  exactAmount: string;
  /** Rounded to the currency's minor units; the lines' amounts add up exactly to the total. */
  amount: string;
}

export interface CapacityCost {
  stamp: string;
  currency: string;
  period: CapacityPeriod;
  /** Days of the period inside the licence term. */
  daysInTerm: number;
  /**
   * Σ over those days of 1 / (days of the calendar year the day belongs to: 365, or 366 in a leap year), at full
   * precision: the share of a yearly amount the period costs.
   */
  yearFraction: string;
  lines: CapacityCostLine[];
  /** The exact sum of the lines, rounded once to the currency's minor units. */
  total: string;
}

/** A tenant's vCPU-hours (of its VMs) in a period. */
export interface TenantVcpuHours {
  tenantId: string;
  vcpuHours: string;
}

/** What a cost allocation or a cost-recovery calculation splits: a rounded amount in a currency. */
export interface CostAmount {
  currency: string;
  total: string;
}
