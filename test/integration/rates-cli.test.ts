import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { osUserName } from '../../electron/core/os-user.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { startServer } from '../../electron/server/server.ts';
import type { AuditEntry, AuditVerification, RateCard, RateCardSummary } from '../../electron/shared/rating.ts';
import { runCli } from '../support/cli.ts';
import { download } from '../support/download.ts';
import { rejectionOf } from '../support/errors.ts';
import { quiet } from './sync-helpers.ts';

const NOW = new Date('2026-11-22T10:11:12Z');

let dir: string;
let dbPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-rates-cli-'));
  dbPath = join(dir, 'cache.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the rates, adjustments and audit methods of the contract', () => {
  let core: Core;
  beforeAll(() => {
    core = createCore({ dbPath: join(dir, 'contract.sqlite'), clock: { now: () => NOW }, log: quiet,
      exportDir: join(dir, 'exports') });
  });
  afterAll(() => core.close());

  it('checks arguments strictly, keeps prices as decimal strings and records the OS user', async () => {
    const card = await call(core, 'rates:create', { name: 'Standard', currency: 'EUR',
      rounding: { mode: 'half-up', point: 'line' } });
    const meter = { meterId: 'aa-01', consumedUnit: 'Hours', pricingUnit: 'Hours', conversion: { kind: 'none' },
      pricing: { kind: 'flat', unitPrice: 0.5 }, aggregation: 'subscription' };
    const numeric = await rejectionOf(call(core, 'rates:saveDraft', card.id, 1,
      { effectiveFrom: '2026-11-01', meters: [meter] } as never));
    expect(numeric.code).toBe('INVALID_ARGUMENT');
    expect(numeric.message).toContain('unitPrice');
    const extra = await rejectionOf(call(core, 'rates:saveDraft', card.id, 1,
      { effectiveFrom: '2026-11-01', meters: [{ ...meter, pricing: { kind: 'flat', unitPrice: '1', bonus: 1 } }] } as
        never));
    expect(extra.code).toBe('INVALID_ARGUMENT');

    const saved = await call(core, 'rates:saveDraft', card.id, 1, { effectiveFrom: '2026-11-01',
      meters: [{ ...meter, pricing: { kind: 'flat', unitPrice: '-0.5' } }] } as never);
    expect(saved.problems).toEqual([{ path: 'meters[0].pricing.unitPrice', message: 'Must not be negative (got -0.5).' }]);
    await call(core, 'rates:saveDraft', card.id, 1, { effectiveFrom: '2026-11-01',
      meters: [{ ...meter, pricing: { kind: 'flat', unitPrice: '0.5' } }] } as never);
    expect(await rejectionOf(call(core, 'rates:publish', card.id, 1, ''))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const published = await call(core, 'rates:publish', card.id, 1, 'November prices');
    expect(published.versions[0]).toMatchObject({ status: 'published', publishedAt: '2026-11-22T10:11:12Z' });

    await call(core, 'adjustments:save', { id: 'tax', label: 'VAT', scope: { kind: 'all' }, type: 'tax',
      percent: '20' }, 'law');
    expect(await rejectionOf(call(core, 'adjustments:save', { id: 'tax', label: 'VAT', scope: { kind: 'all' },
      type: 'tax', percent: 20 } as never, 'law'))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await call(core, 'adjustments:list')).toHaveLength(1);
    await call(core, 'meters:override', { meterId: 'aa-01', name: 'Widget hours' });

    const exported = await call(core, 'rates:export', card.id, 'csv');
    expect(exported.fileName).toBe('stackmeter-rate-card-standard-v1-20261122-101112.csv');

    const audit = await call(core, 'audit:list', 0, 100);
    expect(audit.rows.map((e) => e.action)).toEqual([
      'export', 'meter-override.save', 'adjustment.save', 'rate-card.publish', 'rate-card.draft', 'rate-card.draft',
      'rate-card.create',
    ]);
    expect(new Set(audit.rows.map((e) => e.user))).toEqual(new Set([osUserName()]));
    expect(await call(core, 'audit:verify')).toEqual({ intact: true, entries: 7, brokenAt: null, problem: null });

    // Browser mode downloads the exported rate card like any other export.
    mkdirSync(join(dir, 'static'), { recursive: true });
    const server = await startServer({ core, staticDir: join(dir, 'static'), exportDir: join(dir, 'exports') });
    try {
      const answer = await download(server, `/api/exports/${exported.fileName}`);
      const body = { status: answer.status, type: answer.headers['content-type'], text: answer.body.toString('utf8') };
      expect(body).toEqual({ status: 200, type: 'text/csv; charset=utf-8', text: readFileSync(exported.path, 'utf8') });
    } finally {
      await server.close();
    }
  });
});

describe('stackmeter rates and audit', () => {
  const stackmeter = (args: string[]) => runCli([...args, '--db', dbPath]);

  it('creates a starter card, exports it as CSV, imports the edited file as a draft and publishes it', async () => {
    const created = await stackmeter(['rates', 'create', 'Lab prices', '--currency', 'usd', '--starter']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created rate card "Lab prices" (ID lab-prices, USD, rounded half-even per line) '
      + 'with draft version 1: 84 meter(s)');
    expect((await stackmeter(['rates', 'create', 'lab PRICES', '--currency', 'USD'])).code).toBe(1);

    const csv = join(dir, 'lab.csv');
    const exported = await stackmeter(['rates', 'export', 'LAB PRICES', '--out', csv]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`Wrote rate card "Lab prices" to ${csv}`);
    // Raise the static IP price and import the file: a second draft.
    const text = readFileSync(csv, 'utf8');
    writeFileSync(csv, text.replace(',flat,,,0.005\r\n', ',flat,,,0.006\r\n'));
    const imported = await stackmeter(['rates', 'import', csv, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const card = JSON.parse(imported.stdout) as RateCard;
    expect(card.versions.map((v) => v.status)).toEqual(['draft', 'draft']);
    expect(card.versions[1]!.meters[0]!.pricing).toEqual({ kind: 'flat', unitPrice: '0.006' });

    const unreasoned = await stackmeter(['rates', 'publish', 'lab-prices', '--version', '2']);
    expect(unreasoned.code).toBe(2);
    expect(unreasoned.stderr).toContain('--version and --reason are required');
    const publish = await stackmeter(['rates', 'publish', 'lab-prices', '--version', '2', '--reason', 'IP price up']);
    expect(publish.code, publish.stderr).toBe(0);
    expect(publish.stdout).toMatch(/Published version 2 of rate card "Lab prices": it prices usage from \d{4}-\d{2}-01\./);

    const list = await stackmeter(['rates', 'list', '--json']);
    expect((JSON.parse(list.stdout) as RateCardSummary[]).map((c) => c.versions.map((v) => v.status)))
      .toEqual([['draft', 'published']]);
    const table = await stackmeter(['rates', 'list']);
    expect(table.stdout).toMatch(/lab-prices\s+Lab prices\s+USD\s+half-even per line\s+v2 from \S+\s+v1 from/);

    const json = join(dir, 'lab.json');
    expect((await stackmeter(['rates', 'export', 'lab-prices', '--version', '2', '--out', json])).code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ format: 'stackmeter-rate-card',
      card: { id: 'lab-prices', versions: [{ version: 2, status: 'published' }] } });

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, text.replace(',flat,,,0.005\r\n', ',flat,,,-1\r\n'));
    const refused = await stackmeter(['rates', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('bad.csv cannot be imported, nothing was written: line 2, column unit_price: '
      + 'Must not be negative (got -1).');
  });

  it('lists the audit log and verifies it, failing with the broken entry once the file is edited', async () => {
    const list = await stackmeter(['audit', 'list', '--json', '--limit', '3']);
    expect(list.code, list.stderr).toBe(0);
    const { rows, total } = JSON.parse(list.stdout) as { rows: AuditEntry[]; total: number };
    expect(total).toBe(5); // create, CSV export, import, publish, JSON export; refused changes wrote nothing
    expect(rows.map((r) => r.action)).toEqual(['export', 'rate-card.publish', 'rate-card.import']);
    const table = await stackmeter(['audit', 'list']);
    expect(table.stdout).toMatch(/rate-card\.publish\s+rate-card:lab-prices\s+IP price up/);

    const ok = await stackmeter(['audit', 'verify']);
    expect(ok).toMatchObject({ code: 0, stdout: 'The audit log is intact: 5 entries verified.\n' });

    const raw = new Database(dbPath);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET reason = 'prices unchanged' WHERE action = 'rate-card.publish'").run();
    raw.close();
    const broken = await stackmeter(['audit', 'verify', '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout) as AuditVerification).toEqual({ intact: false, entries: 4, brokenAt: 4,
      problem: 'Entry 4 was changed after it was written: its hash does not match its contents.' });
  });
});
