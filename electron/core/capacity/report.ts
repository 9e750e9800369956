import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  CapacityBasis, CapacityMeterRef, CapacityQuery, CapacityReport, CapacityTenant, StoredCapacityModel,
} from '../../shared/capacity.ts';
import { StackmeterError } from '../../shared/result.ts';
import { getStored } from '../cache/connections.ts';
import type { ScaledDecimal } from '../cache/exact-decimal.ts';
import { chooseGranularity, dayText } from '../chargeback/aggregate.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { periodDays } from '../explore/period.ts';
import { canonicalMeterId, meterMatchKey } from '../meters/catalog.ts';
import { RatingDecimal } from '../rating/index.ts';
import { allocate, type AllocationBasis } from './allocation.ts';
import { capacityCompleteness } from './completeness.ts';
import { availableCoreHours, dailyUtilisation, utilisation } from './consumption.ts';
import { capacityCost } from './cost.ts';
import { getModel } from './store.ts';
import {
  dailyMeterUsage, listedTenants, meterRefs, STORAGE_METER_IDS, subscriptionCounts, sumText, tenantLabels,
  VCPU_METER_IDS, type DailyMeterUsage,
} from './usage.ts';

/** Periods longer than this are refused: a report is about a month, a quarter or a licence year. */
const MAX_REPORT_DAYS = 3 * 366;
const STORAGE_DECIMALS = 6;

function sumBy(usage: readonly DailyMeterUsage[], key: (u: DailyMeterUsage) => string): Map<string, ScaledDecimal[]> {
  const groups = new Map<string, ScaledDecimal[]>();
  for (const u of usage) {
    const k = key(u);
    const list = groups.get(k);
    if (list) list.push(u.quantity);
    else groups.set(k, [u.quantity]);
  }
  return groups;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The mix basis's weights keyed by each meter's canonical ID: the API and people write meter IDs in any case, with or
 * without hyphens, and one meter named twice would have its usage counted twice.
 */
function canonicalWeights(weights: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, weight] of Object.entries(weights)) {
    const canonical = canonicalMeterId(id);
    if (canonical in out) {
      throw new StackmeterError('INVALID_ARGUMENT', `basis.weights names meter ${canonical} twice (as ${id}).`);
    }
    out[canonical] = weight;
  }
  return out;
}

/**
 * The capacity report of a stamp and period: the model's cost for the period (prorated by days), the vCPU-hours of the
 * tenants' VMs against the core-hours available (in total, per tenant and per day), the average storage used against
 * the storage capacity, the cost allocated to tenants by the chosen basis with the idle line apart, the completeness of
 * the period's usage, and the SHA-256 of the canonical JSON of every input, so that the same inputs always give the
 * same hash.
 */
export function buildCapacityReport(db: Database.Database, query: CapacityQuery, now: Date,
  stored: StoredCapacityModel = getModel(db, query.stamp)): CapacityReport {
  const connection = getStored(db, query.stamp);
  const range = periodDays(query.period);
  if (range.toDay - range.fromDay > MAX_REPORT_DAYS) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `period covers ${range.toDay - range.fromDay} days; a capacity report covers at most ${MAX_REPORT_DAYS} days.`);
  }
  const { model } = stored;
  const granularity = chooseGranularity(db, range, [connection.name], query.granularity);
  const cost = capacityCost(model, query.period);
  const available = availableCoreHours({ cores: model.physicalCores, period: query.period });

  const vcpu = dailyMeterUsage(db, connection.id, range, granularity, VCPU_METER_IDS);
  const vcpuByTenant = sumBy(vcpu, (u) => u.tenantId);
  const vcpuByTenantDay = sumBy(vcpu, (u) => `${u.tenantId}|${u.day}`);
  const vcpuByDay = sumBy(vcpu, (u) => dayText(u.day));

  const completeness = capacityCompleteness(db, connection.name, range, granularity, now);
  const storage = dailyMeterUsage(db, connection.id, range, granularity, STORAGE_METER_IDS);
  const storageGBHours = sumText(storage.map((u) => u.quantity));
  // GB*hours over the hours reported: the average GB held while usage was reported (not diluted by hours to come).
  const storageUsedGB = completeness.reportedHours === 0 ? '0'
    : new RatingDecimal(storageGBHours).div(completeness.reportedHours)
      .toDecimalPlaces(STORAGE_DECIMALS, RatingDecimal.ROUND_HALF_UP).toString();

  // The basis as the report states and hashes it: meter IDs in their canonical form, whatever case they came in.
  const basisAsked: CapacityBasis = query.basis.kind === 'mix'
    ? { kind: 'mix', weights: canonicalWeights(query.basis.weights) } : query.basis;
  const weights = basisAsked.kind === 'mix' ? basisAsked.weights : {};
  const mixIds = Object.keys(weights).sort(compare);
  const mix = dailyMeterUsage(db, connection.id, range, granularity, mixIds);
  const mixByTenantMeter = sumBy(mix, (u) => `${u.tenantId}|${u.meter}`);

  const tenantIds = new Set<string>([...vcpuByTenant.keys(), ...mix.map((u) => u.tenantId)]);
  if (query.basis.kind === 'even') for (const t of listedTenants(db, connection.id)) tenantIds.add(t);
  const ordered = [...tenantIds].sort(compare);
  const labels = tenantLabels(db, ordered);
  const counts = subscriptionCounts(db, connection.id);
  const tenants: CapacityTenant[] = ordered.map((tenantId) => ({
    tenantId,
    label: labels.get(tenantId) ?? tenantId,
    subscriptions: counts.get(tenantId) ?? 0,
    vcpuHours: sumText(vcpuByTenant.get(tenantId) ?? []),
    usage: Object.fromEntries(mixIds.map((id) => [id, sumText(mixByTenantMeter.get(`${tenantId}|${meterMatchKey(id)}`)
      ?? [])])),
  }));

  const vcpuTenants = tenants.filter((t) => vcpuByTenant.has(t.tenantId))
    .map((t) => ({ tenantId: t.tenantId, vcpuHours: t.vcpuHours }));
  const util = utilisation({
    capacity: { availableCoreHours: available },
    vcpuHours: vcpuTenants,
    ...(model.storageCapacityGB === undefined ? {}
      : { storageUsedGB, storageCapacityGB: model.storageCapacityGB }),
  });
  const daily = dailyUtilisation(model.physicalCores,
    [...vcpuByDay].map(([day, values]) => ({ day, vcpuHours: sumText(values) })));

  const vcpuKeys = new Set(VCPU_METER_IDS.map(meterMatchKey));
  let basis: AllocationBasis;
  if (query.basis.kind === 'vcpu') {
    basis = { kind: 'vcpu-hours', availableCoreHours: available, tenants: vcpuTenants };
  } else if (query.basis.kind === 'mix') {
    // A VM core-hour meter has a capacity (the core-hours available), so what no tenant used of it is idle; other
    // meters have none the report knows, so their part is split by the tenants' usage.
    const capacity = Object.fromEntries(mixIds.filter((id) => vcpuKeys.has(meterMatchKey(id)))
      .map((id) => [id, available]));
    basis = {
      kind: 'weighted',
      weights,
      tenants: tenants.map((t) => ({ tenantId: t.tenantId, usage: t.usage })),
      capacity,
    };
  } else {
    basis = { kind: 'even', tenants: ordered };
  }
  const allocation = allocate({ currency: cost.currency, total: cost.total }, basis);

  const notes = [...allocation.notes];
  if (cost.daysInTerm < range.toDay - range.fromDay) {
    notes.push(`Only ${cost.daysInTerm} day(s) of the period fall inside the licence term (${model.term.from} to `
      + `${model.term.to}); the other days cost nothing.`);
  }
  if (model.storageCapacityGB === undefined) {
    notes.push('No storage capacity is set in the model: storage used is shown without a ratio.');
  }
  if (!completeness.complete) notes.push(completeness.summary);

  const inputs = {
    model,
    period: query.period,
    granularity,
    basis: basisAsked,
    vcpuHours: [...vcpuByTenantDay].map(([key, values]) => [key, sumText(values)]).sort(([a], [b]) => compare(a!, b!)),
    storageGBHours,
    storageReportedHours: completeness.reportedHours,
    mixUsage: [...mixByTenantMeter].map(([key, values]) => [key, sumText(values)]).sort(([a], [b]) => compare(a!, b!)),
    tenants: ordered,
  };
  const vcpuMeters: CapacityMeterRef[] = meterRefs(db, VCPU_METER_IDS);
  return {
    stamp: connection.name,
    period: { from: query.period.from, to: query.period.to },
    granularity,
    basis: basisAsked,
    model: stored,
    cost,
    utilisation: util,
    daily,
    storageUsedGB,
    tenants,
    allocation,
    vcpuMeters,
    storageMeters: meterRefs(db, STORAGE_METER_IDS),
    mixMeters: meterRefs(db, mixIds).map((m, i) => ({ ...m, weight: weights[mixIds[i]!]! })),
    completeness,
    inputHash: createHash('sha256').update(canonicalJson(inputs)).digest('hex'),
    notes,
  };
}
