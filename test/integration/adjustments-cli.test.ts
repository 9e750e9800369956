import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { groupDecimal } from '../../electron/cli/format.ts';
import { main } from '../../electron/cli/main.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createCore } from '../../electron/core/index.ts';
import { osUserName } from '../../electron/core/os-user.ts';
import { startServer } from '../../electron/server/server.ts';
import type { ChargebackResult } from '../../electron/shared/chargeback.ts';
import type { ExportResult } from '../../electron/shared/domain.ts';
import type { Adjustment, AdjustmentsImportResult, AuditEntry } from '../../electron/shared/rating.ts';
import { StackmeterError } from '../../electron/shared/result.ts';
import { Exact, fixtureMeters, storeCard, sum } from './chargeback-helpers.ts';
import { quiet } from './sync-helpers.ts';
import { fillCache, S1, S2, T1, VM_HOURS } from './usage-fixture.ts';

// The usage fixture's October 2026 (its last two days) rated with one card; the adjustments come from files.

let dir: string;
let dbPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-adjustments-cli-'));
  dbPath = join(dir, 'cache.sqlite');
  const db = openCache(dbPath);
  fillCache(db);
  storeCard(db, { name: 'Standard', versions: [{ effectiveFrom: '2026-01-01', meters: fixtureMeters('0.05') }] });
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in this process (as bin/stackmeter.js does), capturing what it prints. */
async function stackmeter(args: string[], db = dbPath): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  try {
    const code = await main([...args, '--db', db]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function json<T>(args: string[]): Promise<T> {
  const result = await stackmeter([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const october = ['chargeback', '--period', '2026-10', '--rate-card', 'standard'];
const auditTotal = async (): Promise<number> =>
  (await json<{ total: number }>(['audit', 'list', '--limit', '1'])).total;

function writeFile(name: string, adjustments: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: 'stackmeter-adjustments', version: 1, adjustments }, null, 2));
  return path;
}

const MARKUP: Adjustment = { id: 'contoso-markup', label: 'Managed service', scope: { kind: 'tenant', tenantId: T1 },
  type: 'markup', percent: '10' };
// From 16 October: 16 of October's 31 days.
const FEE: Adjustment = { id: 'fabrikam-support', label: 'Support plan', scope: { kind: 'subscription',
  subscriptionId: S2 }, type: 'recurring-fee', monthlyAmount: '100', from: '2026-10-16', to: null };
const TAX: Adjustment = { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '20' };

describe('stackmeter adjustments', () => {
  let before: ChargebackResult;

  it('imports a markup, a recurring fee and a tax, and chargeback prints their lines in its totals', async () => {
    expect(await stackmeter(['adjustments', 'list'])).toMatchObject({ code: 0,
      stdout: 'No adjustments yet. Import some with "stackmeter adjustments import <file> --reason <text>".\n' });
    before = await json<ChargebackResult>(october);
    expect(before.adjustmentLines).toEqual([]);
    expect(before.totals.adjustments).toBe('0.00');

    const file = writeFile('contract.json', [MARKUP, FEE, TAX]);
    expect(await stackmeter(['adjustments', 'import', file])).toMatchObject({ code: 2,
      stderr: expect.stringContaining('--reason is required') as string });
    const imported = await stackmeter(['adjustments', 'import', file, '--reason', 'Contracts signed in October']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(`Imported ${file}: 3 new adjustment(s), 0 replaced, 0 unchanged.\n`);

    expect(await json<Adjustment[]>(['adjustments', 'list'])).toEqual([MARKUP, FEE, TAX].sort((a, b) =>
      a.id.localeCompare(b.id)));
    const table = (await stackmeter(['adjustments', 'list'])).stdout;
    expect(table).toMatch(/^ID\s+type\s+applies to\s+amount\s+label\n/);
    expect(table).toMatch(new RegExp(`contoso-markup\\s+markup\\s+tenant ${T1}\\s+\\+10 %\\s+Managed service`));
    expect(table).toMatch(new RegExp(`fabrikam-support\\s+recurring-fee\\s+subscription ${S2}\\s+100 a month from `
      + '2026-10-16\\s+Support plan'));
    expect(table).toMatch(/vat\s+tax\s+everyone\s+20 % tax\s+VAT/);

    const after = await json<ChargebackResult>(october);
    expect(after.totals.usage).toBe(before.totals.usage);
    const lines = (id: string): ChargebackResult['adjustmentLines'] =>
      after.adjustmentLines.filter((l) => l.adjustmentId === id);
    // 10 % of Contoso's usage (its rows' usage before any adjustment), to the cent.
    const contosoUsage = before.rows.find((r) => r.key === T1)!.usage;
    expect(sum(lines('contoso-markup').map((l) => l.amount)))
      .toBe(new Exact(contosoUsage).times('0.1').toDecimalPlaces(2, Exact.ROUND_HALF_EVEN).toFixed());
    expect(lines('fabrikam-support').map((l) => [l.subscriptionId, l.amount])).toEqual([[S2, '51.61']]);
    expect(lines('vat').length).toBeGreaterThan(0);
    expect(sum(after.adjustmentLines.map((l) => l.amount))).toBe(after.totals.adjustments);
    expect(new Exact(after.totals.usage).plus(after.totals.adjustments).toFixed()).toBe(after.totals.total);
    expect(new Exact(after.totals.total).greaterThan(before.totals.total)).toBe(true);

    // The table: Contoso's row with its adjustments, and the new total.
    const printed = (await stackmeter(october)).stdout;
    const contoso = after.rows.find((r) => r.key === T1)!;
    expect(contoso.adjustments).not.toBe('0.00');
    const cells = [contoso.usage, contoso.adjustments, contoso.total].map((v) => groupDecimal(v).replace('.', '\\.'));
    expect(printed).toMatch(new RegExp(`contoso\\.example\\s+${T1}\\s+${cells.join('\\s+')}\\s+\\d+\n`));
    expect(printed).toContain(`EUR ${groupDecimal(after.totals.total)} for 2026-10-01`);

    // The same file again changes nothing and records nothing.
    const audited = await auditTotal();
    expect(await json<AdjustmentsImportResult>(['adjustments', 'import', file, '--reason', 'again']))
      .toEqual({ added: [], replaced: [], unchanged: ['contoso-markup', 'fabrikam-support', 'vat'] });
    expect(await auditTotal()).toBe(audited);
  });

  it('refuses a file with a negative percent or an unknown scope, naming the entry, and saves nothing', async () => {
    const stored = await json<Adjustment[]>(['adjustments', 'list']);
    const audited = await auditTotal();
    const extra: Adjustment = { id: 'west-credit', label: 'Outage credit', scope: { kind: 'subscription',
      subscriptionId: S1 }, type: 'credit', amount: '25', date: '2026-10-31' };

    const negative = writeFile('negative.json', [extra, { ...MARKUP, percent: '-5' }]);
    const refused = await stackmeter(['adjustments', 'import', negative, '--reason', 'try']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${negative} cannot be imported, nothing was saved: adjustments[1].percent: `
      + 'Must not be negative (got -5).');

    const region = writeFile('region.json', [extra, { ...TAX, id: 'regional-tax', scope: { kind: 'region',
      region: 'north' } }]);
    const unknown = await stackmeter(['adjustments', 'import', region, '--reason', 'try']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`${region} cannot be imported, nothing was saved: adjustments[1].scope.kind: `);
    expect(unknown.stderr).toContain("'all' | 'tenant' | 'subscription' | 'offer'");

    const twice = writeFile('twice.json', [extra, { ...extra, amount: '30' }]);
    expect((await stackmeter(['adjustments', 'import', twice, '--reason', 'try'])).stderr)
      .toContain('adjustments[1].id: ID west-credit is already used by adjustments[0].');
    writeFileSync(join(dir, 'not-json.json'), '{"format": "stackmeter-adjustments",');
    expect((await stackmeter(['adjustments', 'import', join(dir, 'not-json.json'), '--reason', 'try'])).stderr)
      .toContain('not-json.json cannot be imported, nothing was saved: it is not JSON');
    expect((await stackmeter(['adjustments', 'import', join(dir, 'missing.json'), '--reason', 'try'])).code).toBe(1);

    expect(await json<Adjustment[]>(['adjustments', 'list'])).toEqual(stored);
    expect(await auditTotal()).toBe(audited);
  });

  it('rolls back a whole import when a later entry clashes with a stored adjustment', async () => {
    const core = createCore({ dbPath, clock: { now: () => new Date('2026-11-10T12:00:00Z') }, log: quiet });
    try {
      await call(core, 'adjustments:save', { id: 'vm-price', label: 'Agreed VM price', scope: { kind: 'tenant',
        tenantId: T1 }, type: 'price-override', meterId: VM_HOURS, unitPrice: '0.04' }, 'negotiated');
      const stored = await call(core, 'adjustments:list');
      const audited = (await call(core, 'audit:list', 0, 1)).total;
      const fresh: Adjustment = { id: 'onboarding', label: 'Onboarding', scope: { kind: 'tenant', tenantId: T1 },
        type: 'one-time-fee', amount: '250', date: '2026-10-20' };
      const clash: Adjustment = { id: 'vm-price-2', label: 'VM price', scope: { kind: 'tenant', tenantId: T1 },
        type: 'price-override', meterId: VM_HOURS.toUpperCase(), unitPrice: '0.03' };
      let error: unknown;
      try {
        await call(core, 'adjustments:import', [fresh, { ...MARKUP, percent: '12' }, clash], 'new terms');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StackmeterError);
      expect(error).toMatchObject({ code: 'CONFLICT', message: 'adjustments[2] ("vm-price-2"): Adjustment "vm-price" '
        + `already overrides the price of meter ${VM_HOURS.toUpperCase()} for the same scope; change or remove it `
        + 'instead. Nothing was saved.' });
      expect(await call(core, 'adjustments:list')).toEqual(stored);
      expect((await call(core, 'audit:list', 0, 1)).total).toBe(audited);
      await expect(call(core, 'adjustments:import', [fresh], ' ')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await call(core, 'adjustments:remove', 'vm-price', 'superseded');
    } finally {
      await core.close();
    }
  });

  it('lets browser mode download an adjustments export', async () => {
    const exportDir = join(dir, 'exports');
    const core = createCore({ dbPath, clock: { now: () => new Date('2026-11-10T12:00:00Z') }, log: quiet, exportDir });
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    const server = await startServer({ core, staticDir, exportDir });
    try {
      const file = await call(core, 'adjustments:export');
      expect(file.fileName).toBe('stackmeter-adjustments-20261110-120000.json');
      const answer = await new Promise<{ status: number; type: unknown; body: string }>((resolveGet, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: `/api/exports/${file.fileName}`,
          headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
          res.on('end', () => resolveGet({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer).toEqual({ status: 200, type: 'application/json; charset=utf-8',
        body: readFileSync(file.path, 'utf8') });
    } finally {
      await server.close();
      await core.close();
    }
  });

  it('exports the adjustments to a file that imports elsewhere unchanged, audited with its SHA-256', async () => {
    const out = join(dir, 'adjustments-export.json');
    expect(await stackmeter(['adjustments', 'export'])).toMatchObject({ code: 2,
      stderr: expect.stringContaining('--out is required') as string });
    const written = await json<ExportResult>(['adjustments', 'export', '--out', out]);
    expect(written).toMatchObject({ fileName: 'adjustments-export.json', path: out, rows: 3 });
    const stored = await json<Adjustment[]>(['adjustments', 'list']);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ format: 'stackmeter-adjustments', version: 1,
      adjustments: stored });
    const [entry] = (await json<{ rows: AuditEntry[] }>(['audit', 'list', '--limit', '1'])).rows;
    expect(entry).toMatchObject({ action: 'export', subject: 'adjustments', user: osUserName(process.env),
      details: { format: 'json', adjustments: 3,
        files: [{ rows: 3, sha256: createHash('sha256').update(readFileSync(out)).digest('hex') }] } });
    expect((await stackmeter(['adjustments', 'export', '--out', out])).stdout)
      .toBe(`Wrote 3 adjustment(s) to ${out}.\n`);

    const elsewhere = join(dir, 'elsewhere.sqlite');
    const imported = await stackmeter(['adjustments', 'import', out, '--reason', 'copied from the main site', '--json'],
      elsewhere);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = await stackmeter(['adjustments', 'list', '--json'], elsewhere);
    expect(JSON.parse(listed.stdout)).toEqual(stored);
  });

  it('removes an adjustment with a reason: chargeback no longer applies it, and the audit log has it all', async () => {
    expect(await stackmeter(['adjustments', 'remove', 'contoso-markup'])).toMatchObject({ code: 2,
      stderr: expect.stringContaining('--reason is required') as string });
    expect(await stackmeter(['adjustments', 'remove', 'no-such', '--reason', 'typo'])).toMatchObject({ code: 1,
      stderr: expect.stringContaining('There is no adjustment with the ID "no-such".') as string });
    const removed = await stackmeter(['adjustments', 'remove', 'contoso-markup', '--reason', 'Contract ended']);
    expect(removed).toMatchObject({ code: 0, stdout: 'Removed adjustment "contoso-markup".\n' });
    expect((await json<Adjustment[]>(['adjustments', 'list'])).map((a) => a.id)).toEqual(['fabrikam-support', 'vat']);
    const run = await json<ChargebackResult>(october);
    expect(new Set(run.adjustmentLines.map((l) => l.adjustmentId))).toEqual(new Set(['fabrikam-support', 'vat']));

    const { rows } = await json<{ rows: AuditEntry[] }>(['audit', 'list', '--limit', '0']);
    const adjustmentEntries = rows.filter((e) => e.subject.startsWith('adjustment')).reverse()
      .map((e) => [e.action, e.subject, e.reason]);
    expect(adjustmentEntries).toEqual([
      ['adjustment.save', 'adjustment:contoso-markup', 'Contracts signed in October'],
      ['adjustment.save', 'adjustment:fabrikam-support', 'Contracts signed in October'],
      ['adjustment.save', 'adjustment:vat', 'Contracts signed in October'],
      ['adjustment.save', 'adjustment:vm-price', 'negotiated'],
      ['adjustment.remove', 'adjustment:vm-price', 'superseded'],
      ['export', 'adjustments', null],
      ['export', 'adjustments', null],
      ['export', 'adjustments', null],
      ['adjustment.remove', 'adjustment:contoso-markup', 'Contract ended'],
    ]);
    expect(rows.find((e) => e.action === 'adjustment.remove' && e.subject === 'adjustment:contoso-markup')!.details)
      .toEqual({ before: MARKUP });
    const table = (await stackmeter(['audit', 'list'])).stdout;
    expect(table).toMatch(/adjustment\.remove\s+adjustment:contoso-markup\s+Contract ended/);
    expect(await stackmeter(['audit', 'verify'])).toMatchObject({ code: 0 });
  });
});
