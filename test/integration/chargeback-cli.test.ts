import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { main } from '../../electron/cli/main.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { saveAdjustment } from '../../electron/core/chargeback/adjustments-store.ts';
import { createCore } from '../../electron/core/index.ts';
import { osUserName } from '../../electron/core/os-user.ts';
import type { Core } from '../../electron/core/types.ts';
import type {
  ChargebackResult, ReplayResult, StatementDocument, StatementSummary, WhatIfResult,
} from '../../electron/shared/chargeback.ts';
import { StackmeterError } from '../../electron/shared/result.ts';
import { actorAt, fixtureMeters, storeCard } from './chargeback-helpers.ts';
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

async function rejection(promise: Promise<unknown>): Promise<StackmeterError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(StackmeterError);
    return err as StackmeterError;
  }
  throw new Error('it succeeded');
}

describe('the chargeback and statements methods of the contract', () => {
  let core: Core;
  beforeAll(() => {
    core = createCore({ dbPath, clock: { now: () => new Date('2026-11-10T12:00:00Z') }, log: quiet,
      exportDir: join(dir, 'exports') });
  });
  afterAll(() => core.close());

  const query = { period: { from: '2026-10-01', to: '2026-11-01' }, rateCardId: 'standard', by: 'tenant' } as const;

  it('checks arguments strictly and answers with the stored adjustments applied', async () => {
    expect(await rejection(call(core, 'chargeback:run', { ...query, by: 'tag' })))
      .toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('tagKey') as string });
    expect(await rejection(call(core, 'chargeback:run', { ...query, by: 'owner' } as never)))
      .toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await rejection(call(core, 'statements:get', 'ST-1'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
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
    expect(await rejection(call(core, 'statements:correct', draft.id, 'nothing changed')))
      .toMatchObject({ code: 'CONFLICT' });
    expect((await call(core, 'statements:list')).map((s) => s.id)).toContain(draft.id);
    expect((await call(core, 'audit:list', 0, 3)).rows.map((e) => e.action))
      .toEqual(['statement.replay', 'statement.finalize', 'statement.create']);
  });
});

describe('stackmeter chargeback and statements', () => {
  /** Runs the CLI in this process (as bin/stackmeter.js does), capturing what it prints. */
  async function stackmeter(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
    try {
      const code = await main([...args, '--db', dbPath]);
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

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
      period: { from: '2026-10-30', to: '2026-11-02' }, stamps: ['east'],
    });
  });

  it('writes CSV and XLSX with formulas neutralised, and sends PDF and FOCUS to statements', async () => {
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

    const pdf = await stackmeter(['chargeback', '--period', '2026-10', '--rate-card', 'standard', '--format', 'pdf']);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain('statements create');
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
});
