import { currencyMinorUnits, RatingDecimal, splitExactly } from '../rating/index.ts';
import type { Allocation, AllocationLine, CostAmount, TenantVcpuHours } from './types.ts';
import { compareText } from '../rating/usage.ts';
import { checkedTenants } from './consumption.ts';
import { invalid, money, nonNegative, positive, text, type Dec } from './values.ts';

/**
 * How a capacity cost is split among tenants.
 * - vcpu-hours: each tenant's vCPU-hours against the AVAILABLE core-hours; the core-hours nobody used are the idle
 *   line.
 *   When tenants used more than is available (vCPU overcommit), there is no idle share and the cost is split among
 *   the tenants by their vCPU-hours.
 * - weighted: the cost is divided among meters by their weights (weight / sum of weights), and each meter's part among
 *   the tenants by their usage of that meter, against the meter's capacity when one is given (what nobody used is
 *   idle) or else against the tenants' total usage of it (no idle; a note says so). A meter nobody used and without a
 *   capacity explains none of its part: that part is unallocated, with a note.
 * - even: the same amount for every tenant (they differ by at most one minor unit); nothing is idle.
 */
export type AllocationBasis =
  | { kind: 'vcpu-hours'; availableCoreHours: string; tenants: TenantVcpuHours[] }
  | {
    kind: 'weighted';
    /** Meter key → weight (any non-negative decimal; only the proportions matter). */
    weights: Record<string, string>;
    tenants: Array<{ tenantId: string; usage: Record<string, string> }>;
    /** Meter key → the capacity of that meter in the period, in the meter's unit (e.g. GB-months of storage). */
    capacity?: Record<string, string>;
  }
  | { kind: 'even'; tenants: string[] };

export type { Allocation, AllocationLine };

/** What splitExactly splits by: only proportions matter, so vCPU-hours are used as they are (no division). */
interface Weights {
  tenantIds: string[];
  tenantWeights: Dec[];
  idleWeight: Dec;
  notes: string[];
}

const ZERO = new RatingDecimal(0);
const sum = (values: readonly Dec[]): Dec => values.reduce((a, b) => a.plus(b), ZERO);

function uniqueSorted(ids: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw invalid(`${what}: tenant ${id} is listed twice.`);
    seen.add(id);
  }
  return [...ids].sort(compareText);
}

function vcpuWeights(basis: Extract<AllocationBasis, { kind: 'vcpu-hours' }>): Weights {
  const available = positive(basis.availableCoreHours, 'availableCoreHours');
  const tenants = checkedTenants(basis.tenants);
  const used = sum(tenants.map((t) => t.vcpuHours));
  const notes = used.gt(available)
    ? [`Tenants used ${text(used)} vCPU-hours, more than the ${text(available)} core-hours available (vCPU `
      + 'overcommit): there is no idle share and the cost is split by vCPU-hours.']
    : [];
  return {
    tenantIds: tenants.map((t) => t.tenantId),
    tenantWeights: tenants.map((t) => t.vcpuHours),
    idleWeight: RatingDecimal.max(0, available.minus(used)),
    notes,
  };
}

function weightedWeights(basis: Extract<AllocationBasis, { kind: 'weighted' }>): Weights {
  const meters = Object.keys(basis.weights).sort();
  const weights = meters.map((meter) => nonNegative(basis.weights[meter], `weights.${meter}`));
  const weightSum = sum(weights);
  if (weightSum.isZero()) throw invalid('weights: at least one meter needs a weight above zero.');
  for (const meter of Object.keys(basis.capacity ?? {})) {
    if (!(meter in basis.weights)) throw invalid(`capacity.${meter}: the meter has no weight.`);
  }
  const tenantIds = uniqueSorted(basis.tenants.map((t) => t.tenantId), 'tenants');
  const byId = new Map(basis.tenants.map((t) => [t.tenantId, t]));
  const tenantShares = tenantIds.map(() => ZERO);
  let idleShare = ZERO;
  const notes: string[] = [];
  meters.forEach((meter, m) => {
    if (weights[m].isZero()) return;
    const part = weights[m].div(weightSum);
    const usage = tenantIds.map((id) => {
      const value = byId.get(id)?.usage[meter];
      return value === undefined ? ZERO : nonNegative(value, `tenants[${id}].usage.${meter}`);
    });
    const used = sum(usage);
    const capacityText = basis.capacity?.[meter];
    let denominator = used;
    if (capacityText !== undefined) {
      const capacity = positive(capacityText, `capacity.${meter}`);
      if (used.gt(capacity)) {
        notes.push(`${meter}: tenants used ${text(used)}, more than its capacity ${text(capacity)}; no idle share.`);
      }
      denominator = RatingDecimal.max(used, capacity);
    } else if (!used.isZero()) {
      notes.push(`${meter}: no capacity given, so its part is split among tenants by usage with no idle share.`);
    }
    if (denominator.isZero()) {
      notes.push(`${meter}: no tenant used it and no capacity is given, so its part of the cost is unallocated.`);
      idleShare = idleShare.plus(part);
      return;
    }
    usage.forEach((value, t) => { tenantShares[t] = tenantShares[t].plus(part.times(value).div(denominator)); });
    idleShare = idleShare.plus(part.times(denominator.minus(used)).div(denominator));
  });
  return { tenantIds, tenantWeights: tenantShares, idleWeight: idleShare, notes };
}

function evenWeights(basis: Extract<AllocationBasis, { kind: 'even' }>): Weights {
  const tenantIds = uniqueSorted(basis.tenants, 'tenants');
  return { tenantIds, tenantWeights: tenantIds.map(() => new RatingDecimal(1)), idleWeight: ZERO, notes: [] };
}

/**
 * Splits a (rounded) cost among tenants by `basis`, with the idle / unallocated share as its own line, never folded
 * into the tenants' amounts. Every amount is a whole number of minor units and tenant lines plus the idle line add up
 * to the cost exactly (splitExactly: largest remainder; ties go to the earlier tenant in tenant ID order, the idle
 * line last). A tenant whose share is zero gets exactly zero. With no tenants, everything is unallocated.
 */
export function allocate(cost: CostAmount, basis: AllocationBasis): Allocation {
  const minorUnits = currencyMinorUnits(cost.currency);
  const total = nonNegative(cost.total, 'cost.total');
  const weights = basis.kind === 'vcpu-hours' ? vcpuWeights(basis)
    : basis.kind === 'weighted' ? weightedWeights(basis) : evenWeights(basis);
  const { tenantIds, tenantWeights, notes } = weights;
  let idleWeight = weights.idleWeight;
  if (sum(tenantWeights).isZero()) {
    // splitExactly splits evenly when every weight is zero; here that would charge tenants for nothing they used.
    idleWeight = new RatingDecimal(1);
    notes.push(tenantIds.length === 0 ? 'No tenants: the whole cost is unallocated.'
      : 'No tenant used anything: the whole cost is idle.');
  }
  const all = [...tenantWeights, idleWeight];
  const whole = sum(all);
  const parts = splitExactly(total, all, minorUnits);
  return {
    currency: cost.currency,
    basis: basis.kind,
    total: money(total, minorUnits),
    lines: tenantIds.map((tenantId, index) => ({
      tenantId, share: text(tenantWeights[index].div(whole)), amount: money(parts[index], minorUnits),
    })),
    idle: { share: text(idleWeight.div(whole)), amount: money(parts[parts.length - 1], minorUnits) },
    notes,
  };
}
