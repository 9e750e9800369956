import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { statementXlsx } from '../../../electron/core/exports/statement-xlsx.ts';
import { ADJUSTMENT_ORDER } from '../../../electron/core/rating/index.ts';
import { FORMULA_NAME, METER, statementDocument, SUB, TENANT_A } from './statement-fixture.ts';

/** A sheet's header and rows as arrays of cell values. */
function table(sheet: ExcelJS.Worksheet): { header: string[]; rows: ExcelJS.CellValue[][] } {
  const values: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row) => {
    // row.values is 1-based and sparse: a blank cell is a hole, read here as null.
    values.push(Array.from((row.values as ExcelJS.CellValue[]).slice(1), (v) => v ?? null));
  });
  const [header, ...rows] = values;
  return { header: header!.map(String), rows };
}

describe('statement XLSX', () => {
  const doc = statementDocument();
  const workbook = new ExcelJS.Workbook();
  beforeAll(async () => {
    await workbook.xlsx.load(new Uint8Array(await statementXlsx(doc)).buffer);
  });

  it('has the Summary, Lines, Adjustments and About sheets', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Lines', 'Adjustments', 'About']);
  });

  it('totals each tenant and the statement on Summary, amounts as number cells', () => {
    const { header, rows } = table(workbook.getWorksheet('Summary')!);
    expect(header).toEqual(['Tenant', 'Tenant ID', 'Usage', 'Adjustments', 'Total', 'Currency',
      'Unrated lines (not charged)']);
    expect(rows).toEqual([
      ['contoso.example', TENANT_A, 23.64, 35.95, 59.59, 'EUR', 1],
      ['fabrikam.example', '6f1c2a3b-0000-4000-8000-00000000000b', 41.35, 31.66, 73.01, 'EUR', 0],
      ['(unknown tenant)', null, 1.2, 22.6, 23.8, 'EUR', 1],
      ['Total', null, 66.19, 90.21, 156.4, 'EUR', 2],
    ]);
    const sheet = workbook.getWorksheet('Summary')!;
    expect(sheet.getCell('E5').numFmt).toBe('#,##0.00');
    expect(sheet.getRow(5).font?.bold).toBe(true);
  });

  it('lists every line; a quantity a double cannot hold stays text, unrated usage has no amount', () => {
    const { header, rows } = table(workbook.getWorksheet('Lines')!);
    expect(rows).toHaveLength(doc.result.lines.length);
    const at = (name: string): number => header.indexOf(name);
    const blob = rows.find((r) => r[at('Quantity')] === '26585.555691456838');
    expect(blob, '17 significant digits: text, not a rounded number').toBeDefined();
    expect(blob![at('Amount')]).toBe(1.68);
    const vm = rows.find((r) => r[at('Subscription ID')] === SUB.a1 && r[at('Meter ID')] === METER.baseVm)!;
    expect(vm[at('Quantity')]).toBe(1344);
    expect(vm[at('Unit price')]).toBe('0.0125');
    const unrated = rows.filter((r) => r[at('Status')] === 'unrated');
    expect(unrated.map((r) => [r[at('Amount')], r[at('Note')]])).toEqual([
      ['not charged: unrated', 'meter not on the rate card'], ['not charged: unrated', 'meter has no price'],
    ]);
  });

  it('writes names that look like formulas as text', () => {
    const { header, rows } = table(workbook.getWorksheet('Lines')!);
    const named = rows.filter((r) => r[header.indexOf('Subscription ID')] === SUB.a2);
    expect(named.length).toBeGreaterThan(0);
    for (const r of named) expect(r[header.indexOf('Subscription')]).toBe(`'${FORMULA_NAME}`);
    const adjustments = table(workbook.getWorksheet('Adjustments')!);
    const setup = adjustments.rows.find((r) => r[adjustments.header.indexOf('Adjustment ID')] === 'setup-a2')!;
    expect(setup[adjustments.header.indexOf('Adjustment')]).toBe("'-Setup fee");
    expect(setup[adjustments.header.indexOf('Amount')]).toBe(25);
  });

  it('lists every adjustment line with its amount', () => {
    const { header, rows } = table(workbook.getWorksheet('Adjustments')!);
    expect(rows.map((r) => [r[header.indexOf('Adjustment ID')], r[header.indexOf('Amount')]])).toEqual(
      doc.result.adjustmentLines.map((a) => [a.adjustmentId, Number(a.amount)]));
  });

  it('states the statement, its hashes, period, rate card and the adjustment order on About', () => {
    const { rows } = table(workbook.getWorksheet('About')!);
    const about = new Map(rows.map((r) => [String(r[0]), String(r[1])]));
    expect(about.get('Statement')).toBe('ST-202502-0001');
    expect(about.get('Statement hash')).toBe(doc.hash);
    expect(about.get('Input hash')).toBe(doc.inputHash);
    expect(about.get('Period')).toBe('2025-02-01 to 2025-03-01 (end excluded)');
    expect(about.get('Rate card')).toBe('Standard prices (examples) (rc-standard)');
    expect(about.get('Rate card versions')).toBe('v1');
    expect(about.get('Usage')).toBe('hourly usage records');
    for (const step of ADJUSTMENT_ORDER) expect(about.get(`Step ${step.step}: ${step.type}`)).toBe(step.description);
    expect(workbook.created.toISOString()).toBe('2025-03-03T09:30:00.000Z');
  });
});
