// The month's capacity report of the big cache's stamp, timed through the core's buildCapacityReport as its handler
// calls it, beside DuckDB summing the same vCPU-hours per tenant in plain SQL from the raw rows. Ours does more (cost,
// daily utilisation, storage, completeness, allocation, input hash); the comparison is with the part that reads usage,
// and the check is that both find the same vCPU-hours per tenant, exactly.

import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { buildCapacityReport } from '../../electron/core/capacity/report.ts';
import { findModel, saveModel } from '../../electron/core/capacity/store.ts';
import { VCPU_METER_IDS } from '../../electron/core/capacity/usage.ts';
import { tenantKey } from '../../electron/core/chargeback/names.ts';
import type { CapacityModel, CapacityQuery, CapacityReport } from '../../electron/shared/capacity.ts';
import { CONNECTION, MONTH, type BigCache } from './big-cache.ts';
import { queryRows, type DuckBaseline } from './duckdb.ts';
import { FROM, TO, timeAsync, timeOnFreshConnection, type QueryResult } from './queries.ts';

/** Milliseconds the month's capacity report may take on the big cache: as long as a console view may wait. */
const CAPACITY_TARGET_MS = 1000;

/**
 * An example model sized to the generated stamp, so that utilisation is realistic (about 55 %): 512 cores per unit of
 * the simulator's scale, in nodes of 64 cores; list-like prices and a support contract. Stored once per cache, untimed.
 */
function benchModel(cache: BigCache): CapacityModel {
  const cores = Math.max(1, Math.ceil((cache.scale * 512) / 64)) * 64;
  return {
    stamp: CONNECTION, physicalCores: cores, coresSource: 'manual', coresNote: `Bench example: ${cores / 64} nodes of 64 cores.`,
    currency: 'USD', term: { from: '2026-01-01', to: '2026-12-31' }, basePricePerCoreYear: '144',
    addOns: [{ name: 'App Service', pricePerCoreYear: '144' }], otherYearlyCosts: [{ label: 'Support', amount: '25000' }],
    storageCapacityGB: '100000',
  };
}

/** Stores the example model unless an earlier run stored the same one; true when it was already there. */
function ensureModel(db: Database.Database, model: CapacityModel): boolean {
  if (findModel(db, CONNECTION)?.model.physicalCores === model.physicalCores) return true;
  saveModel(db, model, 'Capacity bench example model.', { user: 'stackmeter-bench', at: new Date() });
  return false;
}

const vcpuSql = (): string => `
  SELECT lower(tenant_id) AS tenant, sum(quantity) AS vcpu_hours
  FROM usage
  WHERE usage_start >= ${FROM} AND usage_start < ${TO} AND granularity = 'Hourly'
    AND lower(meter_id) IN (${VCPU_METER_IDS.map((id) => `'${id.toLowerCase()}'`).join(', ')})
  GROUP BY ALL ORDER BY tenant`;

/** Compares the report's vCPU-hours per tenant with DuckDB's, exactly; a difference fails the run. */
function checkVcpuHours(ours: CapacityReport, theirs: Record<string, unknown>[]): string {
  const fail = (message: string): never => {
    throw new Error(`bench: capacity report: ${message}`);
  };
  const expected = new Map(theirs.map((r) => [tenantKey(r.tenant === null ? null : String(r.tenant)),
    new Decimal(String(r.vcpu_hours))]));
  let total = new Decimal(0);
  for (const tenant of ours.tenants) {
    const theirsHours = expected.get(tenantKey(tenant.tenantId));
    if (theirsHours === undefined) fail(`tenant ${tenant.tenantId}: ours ${tenant.vcpuHours}, none in DuckDB's answer`);
    else if (!theirsHours.eq(tenant.vcpuHours)) {
      fail(`tenant ${tenant.tenantId}: ours ${tenant.vcpuHours}, DuckDB ${theirsHours.toString()}`);
    }
    expected.delete(tenantKey(tenant.tenantId));
    total = total.plus(tenant.vcpuHours);
  }
  if (expected.size > 0) fail(`${expected.size} tenants of DuckDB's answer are missing from ours`);
  const allocated = ours.allocation.lines.reduce((sum, line) => sum.plus(line.amount),
    new Decimal(ours.allocation.idle.amount));
  if (!allocated.eq(ours.cost.total)) fail(`allocation and idle sum to ${allocated.toString()}, cost ${ours.cost.total}`);
  return `${ours.tenants.length} tenants' vCPU-hours (${total.toString()} in all, utilisation ` +
    `${ours.utilisation.compute.percent} %) equal to DuckDB's exact sums; tenant and idle lines sum to the cost ` +
    `(${ours.cost.currency} ${ours.cost.total})`;
}

export interface CapacityBench {
  result: QueryResult;
  cores: number;
  modelReused: boolean;
}

/** The month's capacity report by vCPU-hours, ours on a fresh connection per run; DuckDB's SQL on its connection. */
export async function capacityBench(db: Database.Database, cache: BigCache, duck: DuckBaseline, runs: number,
  say: (m: string) => void): Promise<CapacityBench> {
  const model = benchModel(cache);
  const modelReused = ensureModel(db, model);
  say(`    capacity model of "${CONNECTION}": ${modelReused ? 'stored by an earlier run' : 'stored now'}`);
  const query: CapacityQuery = { stamp: CONNECTION, period: MONTH, basis: { kind: 'vcpu' } };
  const now = new Date(`${MONTH.to}T12:00:00Z`);
  const { value: ours, ms } = timeOnFreshConnection(cache.path, runs, (conn) => buildCapacityReport(conn, query, now));
  const theirs = await timeAsync(runs, () => queryRows(duck.connection, vcpuSql()));
  return {
    result: {
      name: 'capacity: the month\'s report by vCPU-hours (buildCapacityReport)', rows: ours.tenants.length, ours: ms,
      duck: theirs.ms, targetMs: CAPACITY_TARGET_MS, agreement: checkVcpuHours(ours, theirs.value),
    },
    cores: model.physicalCores,
    modelReused,
  };
}

/** The method of the capacity row, for the notes. */
export function capacityMethod(bench: CapacityBench): string {
  const stored = bench.modelReused ? 'stored by an earlier run' : 'stored in this run';
  return `- Capacity report: an example model of ${bench.cores} cores (${stored}, outside the timing). ` +
    'Ours: buildCapacityReport(db, {stamp, period: the ' +
    'month, basis: vCPU-hours}) as the core\'s handler calls it, each run on a fresh connection: it reads ' +
    'usage_daily_meter for the VM and storage meters, checks the completeness of every hour, prices the period, ' +
    'allocates with the idle line and hashes its inputs. DuckDB: only the vCPU-hours per tenant, in plain SQL over ' +
    'the raw rows (DECIMAL(38,18)); the two must agree exactly.';
}
