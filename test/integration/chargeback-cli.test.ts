import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { saveAdjustment } from '../../electron/core/chargeback/adjustments-store.ts';
import { unsavedStatement } from '../../electron/core/chargeback/exports.ts';
import { createStatement } from '../../electron/core/chargeback/statements.ts';
import { createCore } from '../../electron/core/index.ts';
import { osUserName } from '../../electron/core/os-user.ts';
import type { Core } from '../../electron/core/types.ts';
import { startServer } from '../../electron/server/server.ts';
import type {
  ChargebackResult, ReplayResult, StatementDocument, StatementSummary, WhatIfResult,
} from '../../electron/shared/chargeback.ts';
import type { ExportResult } from '../../electron/shared/domain.ts';
import type { AuditEntry } from '../../electron/shared/rating.ts';
import { runCli } from '../support/cli.ts';
import { download } from '../support/download.ts';
import { rejectionOf } from '../support/errors.ts';
import { parseCsv } from '../unit/exports/csv.ts';
import { actorAt, Exact, fixtureMeters, storeCard, sum } from './chargeback-helpers.ts';
import { quiet } from './sync-helpers.ts';
import { FORMULA_GROUP, RESOURCES, S1, T1, VM_HOURS, fillCache } from './usage-fixture.ts';

// October 2026 is over (the tests' clock and the CLI's real one are later); the card's second version takes effect
// on 31 October.

let dir: string;
let dbPath: string;
let cardId: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-chargeback-cli-'));
  dbPath = join(dir, 'cache.sqlite');
  const db = openCache(dbPath);
  fillCache(db);
  cardId = storeCard(db, { name: 'Standard', versions: [
    { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.0475') },
    { effectiveFrom: '2026-10-31', meters: fixtureMeters('0.05') },
  ] }).id;
  saveAdjustment(db, { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' }, 'law',
    actorAt('2026-01-02T00:00:00Z'));
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the chargeback and statements methods of the contract', () => {
  let core: Core;
  beforeAll(() => {
    core = createCore({ dbPath, clock: { now: () => new Date('2026-11-10T12:00:00Z') }, log: quiet,
      exportDir: join(dir, 'exports') });
  });
  afterAll(() => core.close());

  const query = { period: { from: '2026-10-01', to: '2026-11-01' }, rateCardId: 'standard', by: 'tenant' } as const;

  it('checks arguments strictly and answers with the stored adjustments applied', async () => {
    expect(await rejectionOf(call(core, 'chargeback:run', { ...query, by: 'tag' })))
      .toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('tagKey') as string });
    expect(await rejectionOf(call(core, 'chargeback:run', { ...query, by: 'owner' } as never)))
      .toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await rejectionOf(call(core, 'statements:get', 'ST-1'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const run = await call(core, 'chargeback:run', query);
    expect(run.adjustmentLines.every((l) => l.adjustmentId === 'vat')).toBe(true);
    expect(run.adjustmentLines.length).toBeGreaterThan(0);
    const lines = await call(core, 'chargeback:lines', query, T1, 0, 10);
    expect(lines.rows.length).toBeGreaterThan(0);
    const whatIf = await call(core, 'chargeback:whatIf', query, { rateCardId: cardId, version: 2 });
    expect(whatIf.b.versions).toEqual([2]);
  });

  it('creates, finalizes, replays and corrects statements, recording the OS user', async () => {
    const draft = await call(core, 'statements:create', { period: query.period, rateCardId: cardId });
    expect(draft.createdBy).toBe(osUserName(process.env));
    const final = await call(core, 'statements:finalize', draft.id, 'October closed');
    expect(final.finalizedBy).toBe(osUserName(process.env));
    expect(await call(core, 'statements:replay', draft.id)).toMatchObject({ identical: true });
    expect(await rejectionOf(call(core, 'statements:correct', draft.id, 'nothing changed')))
      .toMatchObject({ code: 'CONFLICT' });
    expect((await call(core, 'statements:list')).map((s) => s.id)).toContain(draft.id);
    expect((await call(core, 'audit:list', 0, 3)).rows.map((e) => e.action))
      .toEqual(['statement.replay', 'statement.finalize', 'statement.create']);
  });

  it('exports a statement as PDF per tenant with its hash in the audit log, and browser mode downloads it', async () => {
    const draft = await call(core, 'statements:create', { period: query.period, rateCardId: cardId });
    const final = await call(core, 'statements:finalize', draft.id, 'October closed');
    expect(await rejectionOf(call(core, 'statements:export', final.id, 'docx' as never)))
      .toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await rejectionOf(call(core, 'statements:export', final.id, 'csv', 'stacked' as never)))
      .toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await rejectionOf(call(core, 'statements:export', 'ST-209901-0001', 'pdf')))
      .toMatchObject({ code: 'NOT_FOUND' });

    const files = await call(core, 'statements:export', final.id, 'pdf');
    expect(files).toHaveLength(final.tenants.length);
    for (const file of files) {
      expect(file.fileName).toMatch(new RegExp(`^stackmeter-statement-${final.id}-[a-z0-9-]+\\.pdf$`));
      expect(file.path).toBe(join(dir, 'exports', file.fileName));
    }
    const [entry] = (await call(core, 'audit:list', 0, 1)).rows;
    expect(entry).toMatchObject({
      action: 'export', subject: `statement:${final.id}`, user: osUserName(process.env),
      details: {
        statementId: final.id, status: 'finalized', format: 'pdf', pdfLayout: 'per-tenant', hash: final.hash,
        inputHash: final.inputHash,
        files: files.map((f) => ({ fileName: f.fileName, rows: f.rows, bytes: f.bytes, sha256: sha256Of(f.path) })),
      },
    });
    expect(await call(core, 'audit:verify')).toMatchObject({ intact: true });

    const staticDir = join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    const server = await startServer({ core, staticDir, exportDir: join(dir, 'exports') });
    try {
      const answer = await download(server, `/api/exports/${files[0]!.fileName}`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/pdf');
      expect(answer.headers['content-disposition']).toBe(`attachment; filename="${files[0]!.fileName}"`);
      expect(answer.body.equals(readFileSync(files[0]!.path))).toBe(true);
      expect(answer.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // FOCUS and chargeback files download too; other names do not.
      const [focus] = await call(core, 'statements:export', final.id, 'focus');
      expect(focus!.fileName).toBe(`stackmeter-statement-${final.id}.focus.csv`);
      expect((await download(server, `/api/exports/${focus!.fileName}`)).status).toBe(200);
      const [rows] = await call(core, 'chargeback:export', query, 'csv');
      expect((await download(server, `/api/exports/${rows!.fileName}`)).status).toBe(200);
      expect((await download(server, `/api/exports/stackmeter-statement-${final.id}.pdf.exe`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('renders a run\'s unsaved draft exactly as statements:create makes the statement', async () => {
    const actor = { user: 'auditor', at: new Date('2026-11-10T12:00:00Z') };
    const db = openCache(dbPath);
    try {
      const unsaved = unsavedStatement(db, query, actor);
      const created = createStatement(db, { period: query.period, rateCardId: query.rateCardId }, actor);
      expect(unsaved.id).toBe('DRAFT-20261001-20261101');
      expect({ ...unsaved, id: created.id }).toEqual(created);
    } finally {
      db.close();
    }
  });
});

describe('stackmeter chargeback and statements', () => {
  const stackmeter = (args: string[]) => runCli([...args, '--db', dbPath]);

  it('prints a month by tenant as a table and as JSON, with the same totals for every grouping', async () => {
    const table = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'STANDARD']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^tenant\s+ID\s+usage\s+adjustments\s+total\s+unrated records/);
    expect(table.stdout).toMatch(/contoso\.example\s+aaaaaaaa-0000-4000-8000-000000000001/);
    expect(table.stdout).toMatch(/rate card "Standard" versions 1, 2, rounded half-even per line/);
    expect(table.stdout).toMatch(/Unrated, not charged: meter b03c6ae7-b080-4bfa-84a3-22c800f315c6/);
    const totals = new Set<string>();
    for (const by of ['tenant', 'subscription', 'meter', 'resource-group', 'tag']) {
      const json = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--by', by,
        '--tag-key', 'env', '--json']);
      expect(json.code, json.stderr).toBe(0);
      totals.add(JSON.stringify((JSON.parse(json.stdout) as ChargebackResult).totals));
    }
    expect(totals.size).toBe(1);
    const custom = await stackmeter(['chargeback', '--from', '2026-10-30', '--to', '2026-11-02', '--rate-card',
      'standard', '--stamp', 'east', '--json']);
    expect(JSON.parse(custom.stdout) as ChargebackResult).toMatchObject({
      period: { from: '2026-10-30', to: '2026-11-02' }, stamps: ['east'], granularity: 'Hourly',
    });
    // The east stamp also synced one VM daily: --granularity daily rates those records only.
    const daily = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--granularity',
      'daily']);
    expect(daily.code, daily.stderr).toBe(0);
    expect(daily.stdout).toMatch(/^tenant\s+ID/);
    expect(daily.stdout).toMatch(/contoso\.example\s+aaaaaaaa-0000-4000-8000-000000000001/);
    expect(daily.stdout).not.toContain('fabrikam');
    expect(daily.stdout).toContain('(end excluded), daily usage, rate card "Standard"');
    expect(table.stdout).toContain('(end excluded), hourly usage, rate card "Standard"');
    expect(await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--granularity', 'weekly']))
      .toMatchObject({ code: 2, stderr: expect.stringContaining('--granularity must be hourly or daily') as string });
  });

  it('writes CSV and XLSX with formulas neutralised', async () => {
    const csvPath = join(dir, 'by-group.csv');
    const csv = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--by',
      'resource-group', '--out', csvPath]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Resource group,Resource group key,Usage (EUR),Adjustments (EUR),Total (EUR),'
      + 'Unrated records');
    expect(lines.some((l) => l.startsWith(`"'${FORMULA_GROUP.replaceAll('"', '""')}"`))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Total,,/);

    const xlsxPath = join(dir, 'by-tenant.xlsx');
    expect((await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--out', xlsxPath]))
      .code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    const sheet = workbook.getWorksheet('Chargeback')!;
    const json = JSON.parse((await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard',
      '--json'])).stdout) as ChargebackResult;
    expect(sheet.getRow(sheet.rowCount).getCell(5).value).toBe(Number(json.totals.total));
  });

  it('writes the statement a run would make as PDF per tenant or FOCUS, marked DRAFT, never saved, audited',
    async () => {
      const run = ['chargeback', '--period', '2026-10', '--rate-card', 'standard'];
      const saved = (await stackmeter(['statements', 'list', '--json'])).stdout;
      const total = (JSON.parse((await stackmeter([...run, '--json'])).stdout) as ChargebackResult).totals.total;

      const pdfDir = join(dir, 'draft-pdfs');
      const pdf = await stackmeter([...run, '--format', 'pdf', '--out', pdfDir, '--json']);
      expect(pdf.code, pdf.stderr).toBe(0);
      const pdfs = JSON.parse(pdf.stdout) as ExportResult[];
      // One per tenant: contoso, fabrikam and the subscription no stamp lists.
      expect(pdfs.map((f) => f.fileName).sort()).toEqual(readdirSync(pdfDir).sort());
      expect(pdfs.map((f) => f.fileName).sort()).toEqual(['contoso-example', 'fabrikam-example', 'unknown-tenant']
        .map((tenant) => `stackmeter-statement-DRAFT-20261001-20261101-${tenant}.pdf`));
      for (const file of pdfs) expect(readFileSync(file.path).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      const one = join(dir, 'run.pdf');
      const refused = await stackmeter([...run, '--format', 'pdf', '--out', one]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--combined');
      expect(await stackmeter([...run, '--out', one, '--combined'])).toMatchObject({ code: 0 });
      expect(readFileSync(one).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((await stackmeter([...run, '--format', 'csv', '--combined'])).code).toBe(2);

      // FOCUS from the file's extension: every row names the unsaved draft, and the costs add up to the run's total.
      const focusPath = join(dir, 'run.focus.csv');
      const focus = await stackmeter([...run, '--out', focusPath]);
      expect(focus.code, focus.stderr).toBe(0);
      expect(focus.stdout).toContain(`Wrote the DRAFT statement of this run (not saved) as FOCUS 1.2 to ${focusPath}`);
      const [header, ...rows] = parseCsv(readFileSync(focusPath, 'utf8').replace(/^\uFEFF/, ''));
      const column = (name: string): string[] => rows.map((r) => r[header!.indexOf(name)]!);
      expect(new Set(column('x_StatementId'))).toEqual(new Set(['DRAFT-20261001-20261101']));
      expect(new Set(column('x_StatementStatus'))).toEqual(new Set(['draft']));
      expect(sum(column('BilledCost'))).toBe(new Exact(total).toFixed());

      expect((await stackmeter(['statements', 'list', '--json'])).stdout).toBe(saved);
      const audit = JSON.parse((await stackmeter(['audit', 'list', '--limit', '3', '--json'])).stdout) as
        { rows: AuditEntry[] };
      const [focusEntry, combinedEntry, perTenantEntry] = audit.rows;
      for (const entry of audit.rows) {
        expect(entry).toMatchObject({ action: 'export', subject: 'chargeback:2026-10-01/2026-11-01' });
      }
      expect(perTenantEntry!.details).toMatchObject({ format: 'pdf', pdfLayout: 'per-tenant',
        statementId: 'DRAFT-20261001-20261101', status: 'draft (not saved)', granularity: 'Hourly', total });
      expect(combinedEntry!.details).toMatchObject({ format: 'pdf', pdfLayout: 'combined' });
      // Moved to the name asked for after the entry was written: the SHA-256 still finds it.
      expect(focusEntry!.details).toMatchObject({ format: 'focus', files: [{ sha256: sha256Of(focusPath) }] });
    });

  it('compares per tenant with one version of the card', async () => {
    const result = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--what-if',
      'standard', '--what-if-version', '1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const whatIf = JSON.parse(result.stdout) as WhatIfResult;
    expect(whatIf.a.versions).toEqual([1, 2]);
    expect(whatIf.b.versions).toEqual([1]);
    const table = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--what-if',
      'standard', '--what-if-version', '1']);
    expect(table.stdout).toMatch(/A: "Standard" v1, v2; B: "Standard" v1; EUR/);
  });

  it('creates, finalizes and replays statements, and corrects late usage with exit codes that say so', async () => {
    const created = await stackmeter(['statements', 'create', '--period', '2026-10', '--rate-card', 'standard',
      '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as StatementDocument;
    expect((await stackmeter(['statements', 'finalize', id])).code).toBe(2);
    const final = await stackmeter(['statements', 'finalize', id, '--reason', 'October closed']);
    expect(final.code, final.stderr).toBe(0);
    expect(final.stdout).toMatch(new RegExp(`Finalized statement ${id} \\(finalized\\): 2026-10-01 to 2026-11-01`));
    expect(final.stdout).toMatch(/Statement SHA-256 [0-9a-f]{64}/);
    const identical = await stackmeter(['statements', 'replay', id]);
    expect(identical).toMatchObject({ code: 0 });
    expect(identical.stdout).toContain(`${id} is identical when recomputed`);

    const db = openCache(dbPath);
    const vm = RESOURCES[0]!;
    const start = Date.parse('2026-10-30T06:00:00Z') / 1000;
    createUsageWriter(db).writePage([{ subscriptionId: S1, meterId: VM_HOURS, usageStart: start, usageEnd: start + 3600,
      quantityText: '4', resourceUri: `${vm.uri}-late`, location: 'local', tags: null, additionalInfo: null }],
    { granularity: 'Hourly', connectionId: null });
    db.close();

    const differs = await stackmeter(['statements', 'replay', id]);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(new RegExp(`result\\.lines\\[2026-10\\|${S1}\\|[0-9a-f]+\\|v1\\|rated\\]\\.records: `
      + '\\d+ -> \\d+'));
    expect((JSON.parse((await stackmeter(['statements', 'replay', id, '--json'])).stdout) as ReplayResult).identical)
      .toBe(false);
    const correction = await stackmeter(['statements', 'correct', id, '--reason', 'late usage']);
    expect(correction.code, correction.stderr).toBe(0);
    expect(correction.stdout).toContain(`Created correction of ${id} ${id}-C1 (draft)`);
    const list = JSON.parse((await stackmeter(['statements', 'list', '--json'])).stdout) as StatementSummary[];
    expect(list.find((s) => s.id === `${id}-C1`)).toMatchObject({ kind: 'correction', correctsId: id, status: 'draft' });
    const table = await stackmeter(['statements', 'list']);
    expect(table.stdout).toMatch(new RegExp(`${id}-C1\\s+draft\\s+2026-10-01 to 2026-11-01\\s+Standard v1, v2`));
  });

  it('exports a statement in each format into the folder asked for, one PDF per tenant or one combined', async () => {
    const created = await stackmeter(['statements', 'create', '--period', '2026-10', '--rate-card', 'standard',
      '--granularity', 'hourly', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const doc = JSON.parse(created.stdout) as StatementDocument;
    expect(doc.granularity).toBe('Hourly');
    const outDir = join(dir, `statement-${doc.id}`);
    const exported = async (...args: string[]): Promise<ExportResult[]> => {
      const result = await stackmeter(['statements', 'export', doc.id, '--out-dir', outDir, ...args, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as ExportResult[];
    };
    expect((await exported('--format', 'pdf')).map((f) => f.path).sort())
      .toEqual(doc.tenants.map((t) => join(outDir, `stackmeter-statement-${doc.id}-${t.tenantId === null
        ? 'unknown-tenant' : t.label.replaceAll('.', '-')}.pdf`)).sort());
    expect((await exported('--format', 'pdf', '--combined')).map((f) => f.fileName))
      .toEqual([`stackmeter-statement-${doc.id}.pdf`]);
    expect((await exported('--format', 'csv')).map((f) => f.fileName)).toEqual([`stackmeter-statement-${doc.id}.csv`]);
    expect((await exported('--format', 'xlsx')).map((f) => f.fileName))
      .toEqual([`stackmeter-statement-${doc.id}.xlsx`]);
    expect((await exported('--format', 'focus')).map((f) => f.fileName))
      .toEqual([`stackmeter-statement-${doc.id}.focus.csv`]);
    // Exported again: a new name, never over the first file.
    expect((await exported('--format', 'csv')).map((f) => f.fileName)).toEqual([`stackmeter-statement-${doc.id}-2.csv`]);
    expect(readdirSync(outDir)).toHaveLength(doc.tenants.length + 5);

    const text = await stackmeter(['statements', 'export', doc.id, '--format', 'csv', '--out-dir', outDir]);
    expect(text.stdout).toBe(`Wrote statement ${doc.id} as CSV to ${join(outDir, `stackmeter-statement-${doc.id}-3.csv`)} `
      + `(${statSync(join(outDir, `stackmeter-statement-${doc.id}-3.csv`)).size.toLocaleString('en-US')} bytes)\n`);
    expect(await stackmeter(['statements', 'export', doc.id, '--out-dir', outDir]))
      .toMatchObject({ code: 2, stderr: expect.stringContaining('--format pdf, csv, xlsx or focus') as string });
    expect((await stackmeter(['statements', 'export', doc.id, '--format', 'csv', '--combined'])).code).toBe(2);
    expect((await stackmeter(['statements', 'export', 'ST-209901-0001', '--format', 'csv', '--out-dir', outDir])).code)
      .toBe(1);
  });
});
