import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeStatementFiles } from '../../../electron/core/exports/statement-files.ts';
import { statementDocument } from './statement-fixture.ts';

describe('writeStatementFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'stackmeter-statement-')), 'exports');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes one PDF per tenant, named by statement and tenant, and leaves no temporary file', async () => {
    const doc = statementDocument();
    const files = await writeStatementFiles(doc, 'pdf', { dir });
    expect(files.map((f) => f.fileName)).toEqual([
      'stackmeter-statement-ST-202502-0001-contoso-example.pdf',
      'stackmeter-statement-ST-202502-0001-fabrikam-example.pdf',
      'stackmeter-statement-ST-202502-0001-unknown-tenant.pdf',
    ]);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.fileName).sort());
    for (const f of files) {
      const bytes = readFileSync(f.path);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(f.bytes).toBe(bytes.length);
    }
    // contoso: 6 usage lines and 4 adjustment lines
    expect(files[0]!.rows).toBe(10);
  });

  it('writes a combined PDF, the CSV, the XLSX and the FOCUS CSV under distinct names', async () => {
    const doc = statementDocument();
    const names = [];
    names.push(...(await writeStatementFiles(doc, 'pdf', { dir, pdfLayout: 'combined' })).map((f) => f.fileName));
    for (const format of ['csv', 'xlsx', 'focus'] as const) {
      names.push(...(await writeStatementFiles(doc, format, { dir })).map((f) => f.fileName));
    }
    expect(names).toEqual([
      'stackmeter-statement-ST-202502-0001.pdf', 'stackmeter-statement-ST-202502-0001.csv',
      'stackmeter-statement-ST-202502-0001.xlsx', 'stackmeter-statement-ST-202502-0001.focus.csv',
    ]);
    expect(readFileSync(join(dir, names[1]!), 'utf8').startsWith('\uFEFFStatement,')).toBe(true);
    expect(readFileSync(join(dir, names[3]!), 'utf8').startsWith('BilledCost,')).toBe(true);
    expect(readFileSync(join(dir, names[2]!)).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('never replaces an earlier export: the second gets -2', async () => {
    const doc = statementDocument();
    const first = await writeStatementFiles(doc, 'focus', { dir, focus: { providerName: 'Contoso IT' } });
    const second = await writeStatementFiles(doc, 'focus', { dir });
    expect(second[0]!.fileName).toBe('stackmeter-statement-ST-202502-0001-2.focus.csv');
    expect(readFileSync(first[0]!.path, 'utf8')).toContain('Contoso IT');
    expect(readFileSync(second[0]!.path, 'utf8')).not.toContain('Contoso IT');
  });

  it('keeps file names to letters, digits and hyphens whatever the IDs and labels hold', async () => {
    const doc = statementDocument({
      id: 'ST/../202502 0001',
      tenants: statementDocument().tenants.map((t) => ({ ...t, label: `../${t.label}\\x` })),
    });
    const files = await writeStatementFiles(doc, 'pdf', { dir });
    for (const f of files) expect(f.fileName).toMatch(/^stackmeter-statement-[A-Za-z0-9-]+\.pdf$/);
    expect(files[0]!.fileName).toBe('stackmeter-statement-ST-202502-0001-contoso-example-x.pdf');
  });

  it('writes nothing when the statement cannot be rendered', async () => {
    const doc = statementDocument();
    // An amount with more decimals than the currency: a broken statement must not become a half-written export.
    doc.result.totals.byTenant[0]!.total = '1.005';
    await expect(writeStatementFiles(doc, 'pdf', { dir })).rejects.toThrow(/more decimals than the currency's 2/);
    expect(readdirSync(join(dir, '..'))).toEqual([]);
  });
});
