import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { CapacityReport } from '../../shared/capacity.ts';
import {
  allocationRows, basisText, coresText, money, percentText, periodText, quantity,
} from './capacity-text.ts';
import { preparePdfmake } from './statement-pdf.ts';

// The capacity report as a printable A4 PDF for management and auditors (pdfmake, the fonts statement-pdf.ts loads):
// cores, cost lines, utilisation, the allocation per tenant with the idle line, the daily utilisation, completeness
// and the input hash. capacityPdfDefinition is pure; the bytes depend only on the report and the time given.

const GREY = '#5f6b7a';

function fact(name: string, value: string, fine = false): TableCell[] {
  return [{ text: name, color: GREY }, fine ? { text: value, fontSize: 7.5 } : { text: value }];
}

function heading(text: string): Content {
  return { text, style: 'h2', headlineLevel: 1 };
}

function facts(rows: TableCell[][]): Content {
  return { table: { widths: [130, '*'], body: rows }, layout: 'noBorders', fontSize: 8.5, margin: [0, 2, 0, 8] };
}

function right(text: string, bold = false): TableCell {
  return { text, alignment: 'right', bold };
}

function costTable(report: CapacityReport): Content {
  const c = report.cost.currency;
  const head = ['Line', 'Cores', `Per year (${c})`, `Period (${c})`]
    .map((text, i) => ({ text, bold: true, alignment: i === 0 ? 'left' : 'right' }));
  const rows: TableCell[][] = report.cost.lines.map((l) => [
    { text: l.label }, right(l.cores === undefined ? '' : String(l.cores)), right(money(report, l.yearlyAmount)),
    right(money(report, l.amount)),
  ]);
  rows.push([{ text: 'Total', bold: true }, right(''), right(''), right(money(report, report.cost.total), true)]);
  return {
    table: { headerRows: 1, widths: ['*', 50, 100, 100], body: [head, ...rows] as TableCell[][] },
    layout: 'lightHorizontalLines', fontSize: 8.5, margin: [0, 0, 0, 8],
  };
}

function allocationTable(report: CapacityReport): Content {
  const c = report.cost.currency;
  const head = ['Tenant', 'vCPU-hours', 'Share', `Amount (${c})`]
    .map((text, i) => ({ text, bold: true, alignment: i === 0 ? 'left' : 'right' }));
  const rows: TableCell[][] = allocationRows(report).map((r) => {
    const bold = r.kind !== 'tenant';
    const name: TableCell = r.kind === 'tenant'
      ? { stack: [{ text: r.label }, { text: r.tenantId, fontSize: 6.5, color: GREY }] }
      : { text: r.label, bold, italics: r.kind === 'idle' };
    return [name, right(r.vcpuHours === '' ? '' : quantity(r.vcpuHours), bold), right(percentText(r.share), bold),
      right(money(report, r.amount), bold)];
  });
  return {
    table: { headerRows: 1, dontBreakRows: true, widths: ['*', 80, 60, 90], body: [head, ...rows] as TableCell[][] },
    layout: 'lightHorizontalLines', fontSize: 8, margin: [0, 0, 0, 8],
  };
}

function dailyTable(report: CapacityReport): Content {
  if (report.daily.length === 0) {
    return { text: 'No VM usage in this period.', italics: true, margin: [0, 0, 0, 8] };
  }
  const head = ['Day (UTC)', 'vCPU-hours', 'Core-hours', 'Utilisation']
    .map((text, i) => ({ text, bold: true, alignment: i === 0 ? 'left' : 'right' }));
  const rows: TableCell[][] = report.daily.map((d) => [
    { text: d.day }, right(quantity(d.vcpuHours)), right(quantity(d.availableCoreHours)), right(`${d.percent} %`),
  ]);
  return {
    table: { headerRows: 1, widths: [70, 90, 90, 70], body: [head, ...rows] as TableCell[][] },
    layout: 'lightHorizontalLines', fontSize: 7.5, margin: [0, 0, 0, 8],
  };
}

export function capacityPdfDefinition(report: CapacityReport, created: Date): TDocumentDefinitions {
  const { model } = report.model;
  const u = report.utilisation;
  const storage = u.storage
    ? `${quantity(u.storage.usedGB)} GB of ${quantity(u.storage.capacityGB)} GB (${u.storage.percent} %)`
    : `${quantity(report.storageUsedGB)} GB (no storage capacity set)`;
  const overview = facts([
    fact('Stamp', report.stamp),
    fact('Period', periodText(report)),
    fact('Cores', coresText(report)),
    fact('Licence term', `${model.term.from} to ${model.term.to} (both included); ${report.cost.daysInTerm} day(s) `
      + 'of the period inside it'),
    fact('Capacity cost', `${report.cost.currency} ${money(report, report.cost.total)}`),
    fact('Compute utilisation', `${quantity(u.usedVcpuHours)} vCPU-hours of ${quantity(u.availableCoreHours)} `
      + `core-hours (${u.compute.percent} %)${u.overcommitted ? ', overcommitted' : ''}`),
    fact('Idle cost', `${report.cost.currency} ${money(report, report.allocation.idle.amount)} `
      + `(${percentText(report.allocation.idle.share)} of the cost)`),
    fact('Storage used (average)', storage),
    fact('Allocation basis', basisText(report)),
    fact('Usage read', `${report.granularity.toLowerCase()} usage; vCPU-hours from `
      + `${report.vcpuMeters.map((m) => m.name).join(', ')}`),
    fact('Data completeness', report.completeness.summary),
    fact('Model saved', `${report.model.updatedAt} by ${report.model.updatedBy}`),
    fact('Input hash (SHA-256)', report.inputHash, true),
  ]);
  const notes: Content[] = report.notes.length === 0 ? [] : [
    heading('Notes'),
    { ul: report.notes, fontSize: 8, margin: [0, 0, 0, 6] },
  ];
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [40, 40, 40, 48],
    info: {
      title: `Capacity report ${report.stamp} ${report.period.from} to ${report.period.to}`,
      author: 'Stackmeter', subject: `Capacity cost and allocation, ${report.cost.currency}`,
      keywords: report.inputHash, creator: 'Stackmeter', producer: 'Stackmeter', creationDate: created,
    },
    footer: (currentPage: number, pageCount: number): Content => ({
      columns: [
        { text: `Capacity report ${report.stamp}, inputs ${report.inputHash.slice(0, 16)}…`, alignment: 'left' },
        { text: `page ${currentPage} of ${pageCount}`, alignment: 'right' },
      ],
      fontSize: 7, color: GREY, margin: [40, 16, 40, 0],
    }),
    pageBreakBefore: (node, nodes) => node.headlineLevel === 1 && nodes.getFollowingNodesOnPage().length === 0,
    content: [
      { text: `Capacity report — ${report.stamp}`, style: 'h1' },
      overview,
      heading('Capacity cost'),
      costTable(report),
      heading('Allocation to tenants'),
      allocationTable(report),
      ...notes,
      heading('Daily utilisation'),
      dailyTable(report),
    ],
    styles: {
      h1: { fontSize: 14, bold: true, margin: [0, 0, 0, 2] },
      h2: { fontSize: 10, bold: true, margin: [0, 6, 0, 3], color: '#1f2a37' },
    },
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.1 },
  };
}

export async function renderCapacityPdf(report: CapacityReport, created: Date): Promise<Buffer> {
  await preparePdfmake();
  return pdfmake.createPdf(capacityPdfDefinition(report, created)).getBuffer();
}
