import ExcelJS from 'exceljs';
import type { CapacityReport } from '../../shared/capacity.ts';
import { allocationRows, basisText, coresText, minorUnitsOf, periodText } from './capacity-text.ts';
import { neutraliseFormula, survivesDouble } from './spreadsheet-safe.ts';

/** A cell: text, or an exact decimal that becomes a number cell only when a double holds it exactly. */
type Cell = string | { decimal: string } | null;

const decimal = (text: string): Cell => ({ decimal: text });

function cellValue(cell: Cell): string | number | null {
  if (cell === null || cell === '') return null;
  if (typeof cell === 'string') return neutraliseFormula(cell);
  return survivesDouble(cell.decimal) ? Number(cell.decimal) : neutraliseFormula(cell.decimal);
}

interface SheetSpec {
  name: string;
  columns: Array<{ header: string; width: number; money?: boolean }>;
  rows: Cell[][];
  boldRows?: number[];
}

function addSheet(workbook: ExcelJS.Workbook, spec: SheetSpec, minorUnits: number): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const moneyFormat = minorUnits === 0 ? '#,##0' : `#,##0.${'0'.repeat(minorUnits)}`;
  sheet.columns = spec.columns.map((c, i) => ({
    header: neutraliseFormula(c.header), key: `c${i}`, width: c.width,
    ...(c.money ? { style: { numFmt: moneyFormat } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  spec.rows.forEach((cells, index) => {
    const row = sheet.addRow(cells.map(cellValue));
    if (spec.boldRows?.includes(index)) row.font = { bold: true };
  });
}

function summarySheet(report: CapacityReport): SheetSpec {
  const { model } = report.model;
  const u = report.utilisation;
  const rows: Cell[][] = [
    ['Stamp', report.stamp],
    ['Period', periodText(report)],
    ['Cores', coresText(report)],
    ['Physical cores', decimal(String(model.physicalCores))],
    ['Licence term', `${model.term.from} to ${model.term.to} (both included)`],
    ['Currency', report.cost.currency],
    ['Days in the licence term', decimal(String(report.cost.daysInTerm))],
    ['Capacity cost', decimal(report.cost.total)],
    ['Core-hours available', decimal(u.availableCoreHours)],
    ['vCPU-hours used', decimal(u.usedVcpuHours)],
    ['Compute utilisation (ratio)', decimal(u.compute.ratio)],
    ['Compute utilisation (%)', decimal(u.compute.percent)],
    ['Idle share', decimal(u.idleShare)],
    ['Idle cost', decimal(report.allocation.idle.amount)],
    ['Storage used (average GB)', decimal(report.storageUsedGB)],
    ['Storage capacity (GB)', u.storage ? decimal(u.storage.capacityGB) : 'not set'],
    ['Storage utilisation (%)', u.storage ? decimal(u.storage.percent) : ''],
    ['Allocation basis', basisText(report)],
    ['Usage read', `${report.granularity.toLowerCase()} usage`],
    ['vCPU-hour meters', report.vcpuMeters.map((m) => `${m.name} (${m.meterId})`).join(', ')],
    ['Storage meters', report.storageMeters.map((m) => `${m.name} (${m.meterId})`).join(', ')],
    ['Data completeness', report.completeness.summary],
    ['Model saved', `${report.model.updatedAt} by ${report.model.updatedBy}`],
    ['Input hash (SHA-256)', report.inputHash],
    ...report.notes.map((note, i): Cell[] => [i === 0 ? 'Notes' : '', note]),
  ];
  return { name: 'Summary', columns: [{ header: 'Stackmeter capacity report', width: 30 }, { header: '', width: 100 }],
    rows };
}

function costSheet(report: CapacityReport): SheetSpec {
  const rows: Cell[][] = report.cost.lines.map((l) => [
    l.kind, l.label, l.cores === undefined ? null : decimal(String(l.cores)), decimal(l.yearlyAmount),
    decimal(l.exactAmount), decimal(l.amount), report.cost.currency,
  ]);
  rows.push(['Total', '', null, null, null, decimal(report.cost.total), report.cost.currency]);
  return {
    name: 'Cost',
    columns: [
      { header: 'Kind', width: 10 }, { header: 'Line', width: 30 }, { header: 'Cores', width: 8 },
      { header: 'Per year', width: 18, money: true }, { header: 'Exact for the period', width: 34 },
      { header: 'Amount', width: 16, money: true }, { header: 'Currency', width: 10 },
    ],
    rows,
    boldRows: [rows.length - 1],
  };
}

function allocationSheet(report: CapacityReport): SheetSpec {
  const rows = allocationRows(report);
  return {
    name: 'Allocation',
    columns: [
      { header: 'Tenant', width: 34 }, { header: 'Tenant ID', width: 38 }, { header: 'vCPU-hours', width: 18 },
      { header: 'Share', width: 26 }, { header: 'Amount', width: 16, money: true }, { header: 'Currency', width: 10 },
    ],
    rows: rows.map((r) => [
      r.label, r.tenantId, r.vcpuHours === '' ? null : decimal(r.vcpuHours), decimal(r.share), decimal(r.amount),
      report.cost.currency,
    ]),
    boldRows: rows.flatMap((r, i) => (r.kind === 'tenant' ? [] : [i])),
  };
}

function dailySheet(report: CapacityReport): SheetSpec {
  return {
    name: 'Daily utilisation',
    columns: [
      { header: 'Day (UTC)', width: 12 }, { header: 'vCPU-hours', width: 18 },
      { header: 'Core-hours available', width: 20 }, { header: 'Utilisation (%)', width: 16 },
    ],
    rows: report.daily.map((d) => [d.day, decimal(d.vcpuHours), decimal(d.availableCoreHours), decimal(d.percent)]),
  };
}

/**
 * The capacity report as an XLSX workbook: Summary (cores, cost, utilisation, completeness, basis, input hash), Cost
 * (each line per year and for the period), Allocation (per tenant, the idle line "Idle / unallocated" and the total,
 * which the rows add up to), Daily utilisation. Amounts are number cells only when a double holds them exactly.
 */
export async function capacityXlsx(report: CapacityReport, created: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Stackmeter';
  workbook.created = created;
  workbook.modified = created;
  const minorUnits = minorUnitsOf(report);
  for (const spec of [summarySheet(report), costSheet(report), allocationSheet(report), dailySheet(report)]) {
    addSheet(workbook, spec, minorUnits);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
