import type { CapacityReport } from '../../shared/capacity.ts';
import { currencyMinorUnits, RatingDecimal } from '../rating/index.ts';
import { formatMoney, formatQuantity } from './statement-text.ts';

// What the capacity report's PDF and XLSX print the same way: the basis, the cores, the allocation rows with the idle
// line and the total. Every amount stays a decimal string.

export const IDLE_LABEL = 'Idle / unallocated';

export function basisText(report: CapacityReport): string {
  const { basis } = report;
  if (basis.kind === 'vcpu') return 'vCPU-hours of tenant VMs against the core-hours available (unused core-hours idle)';
  if (basis.kind === 'even') return 'evenly among the tenants of the stamp';
  return `weighted mix of meters: ${report.mixMeters.map((m) => `${m.name} (${m.meterId}) × ${m.weight}`).join(', ')}`;
}

export function periodText(report: CapacityReport): string {
  return `${report.period.from} to ${report.period.to} (end excluded)`;
}

export function coresText(report: CapacityReport): string {
  const { model } = report.model;
  const source = model.coresSource === 'fabric' ? 'read from Microsoft.Fabric.Admin' : 'entered by hand';
  return `${model.physicalCores} physical cores, ${source}${model.coresNote ? ` (${model.coresNote})` : ''}`;
}

export function minorUnitsOf(report: CapacityReport): number {
  return currencyMinorUnits(report.cost.currency);
}

export function money(report: CapacityReport, amount: string): string {
  return formatMoney(amount, minorUnitsOf(report));
}

export function quantity(value: string): string {
  return formatQuantity(value);
}

/** A ratio (0..1, full precision) as a percentage with two decimals, rounded half-up in decimal. */
export function percentText(ratio: string): string {
  return `${new RatingDecimal(ratio).times(100).toFixed(2, RatingDecimal.ROUND_HALF_UP)} %`;
}

export interface AllocationRow {
  label: string;
  tenantId: string;
  vcpuHours: string;
  share: string;
  amount: string;
  kind: 'tenant' | 'idle' | 'total';
}

/** The allocation per tenant (by label), then the idle line, then the total: the rows add up to the total. */
export function allocationRows(report: CapacityReport): AllocationRow[] {
  const tenants = new Map(report.tenants.map((t) => [t.tenantId, t]));
  const rows: AllocationRow[] = report.allocation.lines.map((line) => ({
    label: tenants.get(line.tenantId)?.label ?? line.tenantId,
    tenantId: line.tenantId,
    vcpuHours: tenants.get(line.tenantId)?.vcpuHours ?? '0',
    share: line.share,
    amount: line.amount,
    kind: 'tenant',
  }));
  rows.push({
    label: IDLE_LABEL, tenantId: '', vcpuHours: '', share: report.allocation.idle.share,
    amount: report.allocation.idle.amount, kind: 'idle',
  });
  rows.push({
    label: 'Total', tenantId: '', vcpuHours: report.utilisation.usedVcpuHours, share: '1',
    amount: report.allocation.total, kind: 'total',
  });
  return rows;
}
