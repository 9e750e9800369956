// The capacity model of a disconnected stamp, what is derived from it and the capacity report, shared by the core,
// the contract and the console: the one definition of every capacity type that crosses the contract (the pure
// calculations in electron/core/capacity re-export them). Every amount, price, quantity and ratio is a decimal string
// (as in the rating engine); core counts are whole numbers, so they may be JS numbers.

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
  /**
   * The storage capacity in GB, entered by hand (Microsoft.Fabric.Admin scale units and nodes report cores and memory,
   * not storage): what storage use is measured against. Absent: storage use is reported without a ratio.
   */
  storageCapacityGB?: string;
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

export interface Ratio {
  /** used / capacity, full precision (may be above 1 when vCPUs are overcommitted). */
  ratio: string;
  /** ratio × 100, rounded half-up to two decimals, for display. */
  percent: string;
}

export interface Utilisation {
  availableCoreHours: string;
  usedVcpuHours: string;
  compute: Ratio;
  /** max(0, 1 − compute ratio): the share of the core-hours no tenant used. */
  idleShare: string;
  /** True when tenants used more vCPU-hours than there are core-hours (vCPU overcommit); idleShare is then 0. */
  overcommitted: boolean;
  perTenant: Array<{ tenantId: string; vcpuHours: string; share: Ratio }>;
  storage: (Ratio & { usedGB: string; capacityGB: string }) | null;
}

export interface DailyUtilisation extends Ratio {
  day: string;
  vcpuHours: string;
  availableCoreHours: string;
}

export interface AllocationLine {
  tenantId: string;
  /** The tenant's share of the cost (0 to 1) before rounding, full precision. */
  share: string;
  amount: string;
}

export interface Allocation {
  currency: string;
  basis: 'vcpu-hours' | 'weighted' | 'even';
  /** The cost allocated: tenant lines plus the idle line add up to it exactly. */
  total: string;
  /** In tenant ID order. */
  lines: AllocationLine[];
  /** The idle / unallocated share: capacity that no tenant used, or cost that the chosen basis does not explain. */
  idle: { share: string; amount: string };
  /** Why part of the cost is unallocated or why there is no idle line, in words for the report. */
  notes: string[];
}

export interface RecoveryRate {
  /** The break-even unit price, rounded up to priceDecimals. */
  rate: string;
  /** The cost this rate must recover (the compute or storage share of the cost), in minor units. */
  cost: string;
  /** The quantity the rate is spread over: target × capacity. */
  billableAtTarget: string;
  /** rate × billableAtTarget: at least cost, and less than one price step above it. */
  recoveredAtTarget: string;
}

export interface CostRecoveryRates {
  currency: string;
  targetUtilisation: string;
  computeShare: string;
  priceDecimals: number;
  perVcpuHour: RecoveryRate;
  /** null when storage bears no share of the cost. */
  perGBMonth: RecoveryRate | null;
  /** The formula, in words, for the report. */
  formula: string;
}

// --- Stored models, Fabric capacity and the capacity report ----------------------------------------------------------

/** A capacity model as stored in the cache, with who saved it last and when. */
export interface StoredCapacityModel {
  model: CapacityModel;
  /** ISO 8601 UTC instant. */
  updatedAt: string;
  updatedBy: string;
}

/** One scale unit node as Microsoft.Fabric.Admin reports it. */
export interface FabricNode {
  name: string;
  scaleUnit: string | null;
  cores: number;
  memoryGB: string | null;
  status: string | null;
  model: string | null;
}

/** What the stamp's fabric says about its physical capacity: shown on the model form, saved only by the user. */
export interface FabricCapacity {
  stamp: string;
  /** The physical cores: the sum of the nodes' capacity.cores. */
  cores: number;
  nodes: FabricNode[];
  scaleUnits: Array<{ name: string; cores: number | null; nodeCount: number }>;
  /** Fabric reports no storage capacity; always null, kept so the console states it instead of guessing. */
  storageGB: string | null;
  /** Where the figure came from, in words (endpoint, location, API version, time read). */
  source: string;
}

/**
 * How the capacity cost is split among tenants: by vCPU-hours of their VMs against the available core-hours (the
 * rest is idle), by a weighted mix of meters (meter ID → weight), or evenly.
 */
export type CapacityBasis =
  | { kind: 'vcpu' }
  | { kind: 'mix'; weights: Record<string, string> }
  | { kind: 'even' };

export interface CapacityQuery {
  stamp: string;
  /** Whole UTC days, YYYY-MM-DD, `to` excluded. */
  period: CapacityPeriod;
  basis: CapacityBasis;
  /** The synced usage to read; absent: hourly when the period has hourly usage, else daily. */
  granularity?: 'Hourly' | 'Daily';
}

/** Whether every hour of the period is in the cache, summed up for the report. */
export interface CapacityCompleteness {
  /** Hours of the period. */
  hours: number;
  /** Hours of the period up to the stamp's latest usage hour (later hours are not reported yet, not missing). */
  reportedHours: number;
  /** Hours with no usage record of any subscription of the stamp, within the reported hours. */
  missingHours: number;
  /** Gaps of single subscriptions (hours without records between their first and last hour in the period). */
  subscriptionGaps: number;
  latestUsageHour: string | null;
  syncedThrough: string | null;
  /** Every reported hour is present and the period is reported to its end. */
  complete: boolean;
  /** In words, for the report. */
  summary: string;
}

export interface CapacityTenant {
  tenantId: string;
  /** A domain people know the tenant by (from its subscriptions' owners), else the tenant ID. */
  label: string;
  subscriptions: number;
  vcpuHours: string;
  /** Usage of the mix basis's meters (meter ID → quantity); empty for the other bases. */
  usage: Record<string, string>;
}

export interface CapacityMeterRef {
  meterId: string;
  name: string;
  unit: string;
}

export interface CapacityReport {
  stamp: string;
  period: CapacityPeriod;
  granularity: 'Hourly' | 'Daily';
  basis: CapacityBasis;
  model: StoredCapacityModel;
  cost: CapacityCost;
  utilisation: Utilisation;
  /** Days with usage only: a day without data is a gap, not 0 %. */
  daily: DailyUtilisation[];
  /** Average GB stored over the period, from the storage capacity meters. */
  storageUsedGB: string;
  tenants: CapacityTenant[];
  allocation: Allocation;
  /** The meters whose usage counts as vCPU-hours and as storage. */
  vcpuMeters: CapacityMeterRef[];
  storageMeters: CapacityMeterRef[];
  /** The mix basis's meters with their weights. */
  mixMeters: Array<CapacityMeterRef & { weight: string }>;
  completeness: CapacityCompleteness;
  /**
   * SHA-256 (hex) of the canonical JSON of every input: the model, period, granularity, basis and the per-tenant,
   * per-day quantities used. Two reports on the same inputs have the same hash.
   */
  inputHash: string;
  notes: string[];
}

/** A capacity report written as a file. */
export type CapacityExportFormat = 'pdf' | 'xlsx';

/** What 'capacity:recoveryDraft' needs beside the report query. */
export interface RecoveryDraftInput {
  /** The share of capacity tenants are expected to use, above 0 and at most 1 ('0.7'). */
  targetUtilisation: string;
  /** The share of the cost recovered per vCPU-hour (0 to 1), the rest per GB-month of storage; 1 when absent. */
  computeShare?: string;
  /** The name of the new rate card. */
  rateCardName: string;
}
