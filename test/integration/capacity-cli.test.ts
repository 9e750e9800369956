import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityReport, StoredCapacityModel } from '../../electron/shared/capacity.ts';
import type { RateCard } from '../../electron/shared/rating.ts';
import { runCli } from '../support/cli.ts';
import { BASE_VM, fillCapacityCache, T1, TABLE_CAPACITY } from './capacity-fixture.ts';

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-capacity-cli-'));
  db = fillCapacityCache(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--db', db]);

describe('stackmeter capacity', () => {
  it('sets a model, changes part of it later, and shows it', async () => {
    const first = await cli('capacity', 'set', 'dark', '--cores', '10', '--cores-note', 'licence 4711', '--currency',
      'eur', '--term-from', '2026-01-01', '--term-to', '2026-12-31', '--base-price', '365', '--add-on',
      'App Service=73', '--other', 'Support=3650', '--reason', 'Licence signed');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('dark: 10 physical cores (entered by hand: licence 4711)');
    expect(first.stdout).toContain('add-on App Service: 73 per core per year');

    const second = await cli('capacity', 'set', 'dark', '--storage-gb', '400', '--reason', 'Storage added');
    expect(second.code).toBe(0);
    const shown = await cli('capacity', 'show', 'dark', '--json');
    const stored = JSON.parse(shown.stdout) as StoredCapacityModel;
    expect(stored.model).toMatchObject({ physicalCores: 10, currency: 'EUR', storageCapacityGB: '400',
      addOns: [{ name: 'App Service', pricePerCoreYear: '73' }], otherYearlyCosts: [{ label: 'Support', amount: '3650' }] });
    expect((await cli('capacity', 'show')).stdout).toMatch(/dark\s+10\s+EUR\s+2026-01-01 to 2026-12-31\s+365/);
  });

  it('refuses a model without a note for hand-entered cores, and a bad amount, naming what is wrong', async () => {
    const noNote = await cli('capacity', 'set', 'dark', '--cores', '12', '--reason', 'x');
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain('--cores-note is required');
    const bad = await cli('capacity', 'set', 'dark', '--base-price', '12,5', '--reason', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('basePricePerCoreYear is not an amount');
  });

  it('prints the report with the idle line and total, and as JSON', async () => {
    const table = await cli('capacity', 'report', '--stamp', 'dark', '--from', '2026-11-01', '--to', '2026-11-03');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/contoso\.example\s+aaaaaaaa-0000-4000-8000-000000000001\s+96\s+8\.80/);
    expect(table.stdout).toMatch(/Idle \/ unallocated\s+33\.00/);
    expect(table.stdout).toMatch(/Total\s+120\s+44\.00/);
    expect(table.stdout).toContain('120 vCPU-hours of 480 core-hours (25.00 %)');
    const json = await cli('capacity', 'report', '--stamp', 'dark', '--from', '2026-11-01', '--to', '2026-11-03',
      '--basis', 'mix', '--weight', `${BASE_VM}=1`, '--weight', `${TABLE_CAPACITY}=1`, '--json');
    const report = JSON.parse(json.stdout) as CapacityReport;
    expect(report.allocation.lines.find((l) => l.tenantId === T1)!.amount).toBe('4.40');
    const wrong = await cli('capacity', 'report', '--stamp', 'dark', '--period', '2026-11', '--basis', 'mix');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--basis mix needs at least one --weight');
  });

  it('writes the PDF and XLSX where --out says', async () => {
    const out = join(dir, 'dark-november.pdf');
    const pdf = await cli('capacity', 'report', '--stamp', 'dark', '--from', '2026-11-01', '--to', '2026-11-03',
      '--out', out);
    expect(pdf.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await cli('capacity', 'report', '--stamp', 'dark', '--from', '2026-11-01', '--to', '2026-11-03',
      '--format', 'xlsx', '--out', dir);
    expect(xlsx.code).toBe(0);
    expect(existsSync(join(dir, 'stackmeter-capacity-dark-20261101-20261103.xlsx'))).toBe(true);
  });

  it('creates the recovery rate card draft', async () => {
    const result = await cli('capacity', 'recover', '--stamp', 'dark', '--from', '2026-11-01', '--to', '2026-11-03',
      '--target', '0.5', '--rate-card-name', 'Dark recovery', '--json');
    expect(result.code).toBe(0);
    const card = JSON.parse(result.stdout) as RateCard;
    expect(card.versions[0]!.meters[0]!.pricing).toEqual({ kind: 'flat', unitPrice: '0.1834' });
  });
});
