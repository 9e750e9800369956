import { RatingDecimal } from '../rating/index.ts';
import { isDateText } from '../rating/calendar.ts';
import { compareText } from '../rating/usage.ts';
import type { CapacityPeriod, DailyUtilisation, Ratio, TenantVcpuHours, Utilisation } from './types.ts';
import { invalid, nonNegative, periodDays, positive, text, wholeCores, type Dec } from './values.ts';

/** Percentages are shown with two decimals; ratios keep full precision for further arithmetic. */
const PERCENT_DECIMALS = 2;

/**
 * The compute capacity: either given as core-hours, or as physical cores over a period (cores × 24 × days; the
 * period's days are whole UTC days, so there is no daylight-saving hour to account for).
 */
export type ComputeCapacity =
  | { availableCoreHours: string }
  | { cores: number; period: CapacityPeriod };

export type { DailyUtilisation, Ratio, Utilisation };

export interface UtilisationInput {
  capacity: ComputeCapacity;
  /** vCPU-hours of tenant VMs per tenant (one entry per tenant). */
  vcpuHours: TenantVcpuHours[];
  /** Storage used (average over the period) and the storage capacity, in GB; both or neither. */
  storageUsedGB?: string;
  storageCapacityGB?: string;
}

function ratioOf(used: Dec, capacity: Dec): Ratio {
  const ratio = used.div(capacity);
  return { ratio: text(ratio), percent: ratio.times(100).toFixed(PERCENT_DECIMALS, RatingDecimal.ROUND_HALF_UP) };
}

function coreHours(capacity: ComputeCapacity): Dec {
  if ('availableCoreHours' in capacity) return positive(capacity.availableCoreHours, 'availableCoreHours');
  const cores = wholeCores(capacity.cores, 'cores');
  const days = periodDays(capacity.period, 'period');
  return new RatingDecimal(cores).times(24).times(days.to - days.from);
}

/** The core-hours a capacity offers (cores × 24 × days of the period), for allocate and costRecoveryRates. */
export function availableCoreHours(capacity: ComputeCapacity): string {
  return text(coreHours(capacity));
}

/** Tenants' vCPU-hours checked (no duplicates, none negative), sorted by tenant ID so input order never matters. */
export function checkedTenants(tenants: readonly TenantVcpuHours[]): Array<{ tenantId: string; vcpuHours: Dec }> {
  const seen = new Set<string>();
  return tenants.map((tenant, index) => {
    if (seen.has(tenant.tenantId)) throw invalid(`vcpuHours[${index}]: tenant ${tenant.tenantId} is listed twice.`);
    seen.add(tenant.tenantId);
    return { tenantId: tenant.tenantId, vcpuHours: nonNegative(tenant.vcpuHours, `vcpuHours[${index}].vcpuHours`) };
  }).sort((a, b) => compareText(a.tenantId, b.tenantId));
}

/** Compute (vCPU-hours against available core-hours) and storage utilisation of a period. */
export function utilisation(input: UtilisationInput): Utilisation {
  const available = coreHours(input.capacity);
  const tenants = checkedTenants(input.vcpuHours);
  const used = tenants.reduce<Dec>((sum, t) => sum.plus(t.vcpuHours), new RatingDecimal(0));
  const compute = ratioOf(used, available);
  const idle = RatingDecimal.max(0, new RatingDecimal(1).minus(compute.ratio));
  let storage: Utilisation['storage'] = null;
  if ((input.storageUsedGB === undefined) !== (input.storageCapacityGB === undefined)) {
    throw invalid('storageUsedGB and storageCapacityGB go together: give both or neither.');
  }
  if (input.storageUsedGB !== undefined && input.storageCapacityGB !== undefined) {
    const usedGB = nonNegative(input.storageUsedGB, 'storageUsedGB');
    const capacityGB = positive(input.storageCapacityGB, 'storageCapacityGB');
    storage = { ...ratioOf(usedGB, capacityGB), usedGB: text(usedGB), capacityGB: text(capacityGB) };
  }
  return {
    availableCoreHours: text(available),
    usedVcpuHours: text(used),
    compute,
    idleShare: text(idle),
    overcommitted: used.gt(available),
    perTenant: tenants.map((t) => ({
      tenantId: t.tenantId, vcpuHours: text(t.vcpuHours), share: ratioOf(t.vcpuHours, available),
    })),
    storage,
  };
}

export interface DailyVcpuHours {
  /** YYYY-MM-DD (UTC). */
  day: string;
  vcpuHours: string;
}

/**
 * Per-day utilisation for a chart: the vCPU-hours of each day (entries of the same day, e.g. one per tenant, are added
 * up) against cores × 24. Only days present in the input are returned, in date order: a day without data is a gap
 * in the data, not a day at 0 %, and the chart should show it as one.
 */
export function dailyUtilisation(cores: number, days: readonly DailyVcpuHours[]): DailyUtilisation[] {
  const perDay = new RatingDecimal(wholeCores(cores, 'cores')).times(24);
  const sums = new Map<string, Dec>();
  days.forEach((entry, index) => {
    if (!isDateText(entry.day)) {
      throw invalid(`days[${index}].day must be a date written YYYY-MM-DD, not ${JSON.stringify(entry.day)}.`);
    }
    const hours = nonNegative(entry.vcpuHours, `days[${index}].vcpuHours`);
    sums.set(entry.day, (sums.get(entry.day) ?? new RatingDecimal(0)).plus(hours));
  });
  return [...sums.entries()].sort(([a], [b]) => compareText(a, b)).map(([day, hours]) => ({
    day, vcpuHours: text(hours), availableCoreHours: text(perDay), ...ratioOf(hours, perDay),
  }));
}
