import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { createCore } from '../../electron/core/index.ts';
import { capacityPdfDefinition } from '../../electron/core/exports/capacity-pdf.ts';
import type { Core } from '../../electron/core/types.ts';
import type { CapacityQuery } from '../../electron/shared/capacity.ts';
import {
  BASE_VM, fillCapacityCache, MODEL, PERIOD, T1, T2, T3, TABLE_CAPACITY,
} from './capacity-fixture.ts';

const quiet = { info() {}, warn() {}, error() {} };
const NOW = new Date('2026-11-10T08:00:00Z');

let dir: string;
let core: Core;

function open(path: string): Core {
  return createCore({ dbPath: path, clock: { now: () => NOW }, log: quiet, env: {}, exportDir: join(dir, 'exports') });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-capacity-'));
  core = open(fillCapacityCache(dir));
  await call(core, 'capacity:save', MODEL, 'Licence signed for 2026');
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const query = (basis: CapacityQuery['basis'] = { kind: 'vcpu' }): CapacityQuery =>
  ({ stamp: 'dark', period: PERIOD, basis });

describe('capacity models', () => {
  it('stores the model as saved, with who and when, and audits it with the reason', async () => {
    const stored = await call(core, 'capacity:get', 'DARK');
    expect(stored).toEqual({ model: MODEL, updatedAt: NOW.toISOString(), updatedBy: expect.any(String) });
    expect(await call(core, 'capacity:models')).toHaveLength(1);
    const { rows } = await call(core, 'audit:list', 0, 10);
    expect(rows[0]).toMatchObject({ action: 'capacity-model.save', subject: 'capacity-model:dark',
      reason: 'Licence signed for 2026', details: { created: true, model: MODEL } });
    expect((await call(core, 'audit:verify')).intact).toBe(true);
  });

  it('refuses bad input naming the field, and saves nothing', async () => {
    await expect(call(core, 'capacity:save', { ...MODEL, basePricePerCoreYear: '-5' }, 'typo'))
      .rejects.toThrow(/basePricePerCoreYear is not an amount of zero or more/);
    await expect(call(core, 'capacity:save', { ...MODEL, coresNote: undefined }, 'no note'))
      .rejects.toThrow(/coresNote is required when the cores are entered by hand/);
    await expect(call(core, 'capacity:save', { ...MODEL, physicalCores: 2.5 }, 'half a core'))
      .rejects.toThrow(/physicalCores is not a whole number of cores/);
    await expect(call(core, 'capacity:save', { ...MODEL, term: { from: '2026-02-30', to: '2026-12-31' } }, 'x'))
      .rejects.toThrow(/term\.from/);
    await expect(call(core, 'capacity:save', { ...MODEL, stamp: 'nowhere' }, 'x'))
      .rejects.toThrow(/no connection named "nowhere"/);
    await expect(call(core, 'capacity:save', MODEL, '  ')).rejects.toThrow(/is required: say why/);
    expect((await call(core, 'audit:list', 0, 10)).total).toBe(1);
    expect((await call(core, 'capacity:get', 'dark'))!.model).toEqual(MODEL);
  });

  it('a stamp without a model gets a report error saying how to set one', async () => {
    await core.close();
    core = open(fillCapacityCache(dir, 'other.db'));
    await expect(call(core, 'capacity:report', query())).rejects.toThrow(/has no capacity model yet/);
  });
});

describe('capacity report on a real cache (hand-checked)', () => {
  it('prices the period by days, counts only Base VM Size Hours and splits by vCPU-hours with an idle line', async () => {
    const report = await call(core, 'capacity:report', query());
    expect(report.cost.total).toBe('44.00');
    expect(report.cost.lines.map((l) => [l.label, l.amount])).toEqual([
      ['Base package', '20.00'], ['App Service', '4.00'], ['Support', '20.00'],
    ]);
    expect(report.utilisation.availableCoreHours).toBe('480');
    // 96 (T1, the Windows VM's Windows VM Size Hours not counted again) + 24 (T2).
    expect(report.utilisation.usedVcpuHours).toBe('120');
    expect(report.utilisation.compute.percent).toBe('25.00');
    expect(report.tenants.map((t) => [t.tenantId, t.label, t.vcpuHours])).toEqual([
      [T1, 'contoso.example', '96'], [T2, 'fabrikam.example', '24'],
    ]);
    expect(report.allocation.lines.map((l) => [l.tenantId, l.amount])).toEqual([[T1, '8.80'], [T2, '2.20']]);
    expect(report.allocation.idle.amount).toBe('33.00');
    expect(report.daily).toEqual([
      expect.objectContaining({ day: '2026-11-01', vcpuHours: '72', percent: '30.00' }),
      expect.objectContaining({ day: '2026-11-02', vcpuHours: '48', percent: '20.00' }),
    ]);
    // 4,800 GB*hours over the 48 hours reported: 100 GB of the 400 GB capacity.
    expect(report.storageUsedGB).toBe('100');
    expect(report.utilisation.storage).toMatchObject({ usedGB: '100', capacityGB: '400', percent: '25.00' });
    expect(report.completeness).toMatchObject({ hours: 48, reportedHours: 48, missingHours: 0, complete: true });
    expect(report.vcpuMeters.map((m) => m.meterId)).toEqual([BASE_VM]);
  });

  it('splits evenly among the listed tenants, and by a weighted mix of meters', async () => {
    const even = await call(core, 'capacity:report', query({ kind: 'even' }));
    expect(even.allocation.lines.map((l) => [l.tenantId, l.amount])).toEqual([
      [T1, '14.67'], [T2, '14.67'], [T3, '14.66'],
    ]);
    expect(even.allocation.idle.amount).toBe('0.00');

    const mix = await call(core, 'capacity:report',
      query({ kind: 'mix', weights: { [BASE_VM]: '1', [TABLE_CAPACITY]: '1' } }));
    // Half on vCPU-hours against the core-hours (4.40, 1.10, idle 16.50), half on tables used by T2 alone (22.00).
    expect(mix.allocation.lines.map((l) => [l.tenantId, l.amount])).toEqual([[T1, '4.40'], [T2, '23.10']]);
    expect(mix.allocation.idle.amount).toBe('16.50');
    expect(mix.mixMeters.map((m) => [m.name, m.weight])).toEqual([['TableCapacity', '1'], ['Base VM Size Hours', '1']]);
    // The same meters written as the API sends some IDs (upper case, no hyphens) are the same question.
    const shouted = await call(core, 'capacity:report', query({ kind: 'mix', weights: {
      [BASE_VM.toUpperCase().replaceAll('-', '')]: '1', [TABLE_CAPACITY.toUpperCase()]: '1' } }));
    expect(shouted.inputHash).toBe(mix.inputHash);
    await expect(call(core, 'capacity:report', query({ kind: 'mix', weights: {
      [BASE_VM]: '1', [BASE_VM.toUpperCase()]: '2' } }))).rejects.toThrow(/names meter fab6eb84-.* twice/);
  });

  it('every allocation adds up exactly to the cost, whatever the basis', async () => {
    for (const basis of [{ kind: 'vcpu' }, { kind: 'even' }, { kind: 'mix', weights: { [BASE_VM]: '3', [TABLE_CAPACITY]: '0.7' } }] as const) {
      const r = await call(core, 'capacity:report', query(basis));
      const cents = [...r.allocation.lines.map((l) => l.amount), r.allocation.idle.amount]
        .reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
      expect(cents).toBe(BigInt(r.cost.total.replace('.', '')));
    }
  });

  it('hashes its inputs: the same inputs give the same hash, one changed record another', async () => {
    const a = await call(core, 'capacity:report', query());
    const b = await call(core, 'capacity:report', query());
    expect(a.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.inputHash).toBe(a.inputHash);
    expect((await call(core, 'capacity:report', query({ kind: 'even' }))).inputHash).not.toBe(a.inputHash);
    const other = open(fillCapacityCache(dir, 'changed.db', true));
    try {
      await call(other, 'capacity:save', MODEL, 'same model');
      expect((await call(other, 'capacity:report', query())).inputHash).not.toBe(a.inputHash);
    } finally {
      await other.close();
    }
  });

  it('says when the period is not complete: hours after the latest usage are not reported yet', async () => {
    const r = await call(core, 'capacity:report', { ...query(), period: { from: '2026-11-01', to: '2026-11-05' } });
    expect(r.completeness).toMatchObject({ hours: 96, reportedHours: 48, complete: false });
    expect(r.notes.join(' ')).toMatch(/Incomplete: 48 of 96 hours reported/);
  });

  it('judges the completeness of a period longer than the completeness map shows (93 days)', async () => {
    const r = await call(core, 'capacity:report', { ...query(), period: { from: '2026-08-01', to: '2026-11-05' } });
    expect(r.completeness).toMatchObject({ hours: 96 * 24, reportedHours: 94 * 24, missingHours: 92 * 24,
      complete: false });
  });
});

describe('capacity recovery draft and exports', () => {
  it('creates a rate card whose draft holds the break-even rate per vCPU-hour, audited', async () => {
    const card = await call(core, 'capacity:recoveryDraft', query(),
      { targetUtilisation: '0.5', rateCardName: 'Dark recovery 2026-11' });
    expect(card).toMatchObject({ name: 'Dark recovery 2026-11', currency: 'EUR' });
    const draft = card.versions[0]!;
    expect(draft).toMatchObject({ status: 'draft', effectiveFrom: '2026-11-01' });
    // 44.00 / (0.5 × 480 core-hours) = 0.18333… → rounded up to 0.1834.
    expect(draft.meters).toEqual([expect.objectContaining({
      meterId: BASE_VM, pricing: { kind: 'flat', unitPrice: '0.1834' }, consumedUnit: 'Virtual core hours',
    })]);
    const actions = (await call(core, 'audit:list', 0, 10)).rows.map((r) => r.action);
    expect(actions.slice(0, 2)).toEqual(['rate-card.draft', 'rate-card.create']);
  });

  it('puts a share of the cost on storage per GB-month when asked', async () => {
    const card = await call(core, 'capacity:recoveryDraft', query(),
      { targetUtilisation: '0.5', computeShare: '0.5', rateCardName: 'Dark split' });
    const byId = new Map(card.versions[0]!.meters.map((m) => [m.meterId, m]));
    // 22.00 / 240 = 0.091666… → 0.0917; storage 22.00 / (0.5 × 400 GB × 2/30 months) = 1.65.
    expect(byId.get(BASE_VM)!.pricing).toEqual({ kind: 'flat', unitPrice: '0.0917' });
    expect(byId.get(TABLE_CAPACITY)!.pricing).toEqual({ kind: 'flat', unitPrice: '1.6500' });
  });

  it('writes the XLSX with the allocation, idle line and total that add up, and audits the export', async () => {
    const file = await call(core, 'capacity:export', query(), 'xlsx');
    expect(file.fileName).toBe('stackmeter-capacity-dark-20261101-20261103.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(readFileSync(file.path)).buffer);
    const rows = workbook.getWorksheet('Allocation')!.getSheetValues().slice(2)
      .map((r) => (r as unknown[]).slice(1, 6));
    expect(rows).toEqual([
      ['contoso.example', T1, 96, 0.2, 8.8], ['fabrikam.example', T2, 24, 0.05, 2.2],
      ['Idle / unallocated', undefined, undefined, 0.75, 33], ['Total', undefined, 120, 1, 44],
    ]);
    const summary = workbook.getWorksheet('Summary')!.getSheetValues().map((r) => (r as unknown[])?.slice(1, 3));
    const report = await call(core, 'capacity:report', query());
    expect(summary).toContainEqual(['Input hash (SHA-256)', report.inputHash]);
    expect(summary).toContainEqual(['Data completeness', report.completeness.summary]);
    const entry = (await call(core, 'audit:list', 0, 1)).rows[0]!;
    expect(entry).toMatchObject({ action: 'export', subject: 'capacity:dark',
      details: { inputHash: report.inputHash, total: '44.00', idle: '33.00', format: 'xlsx' } });
  });

  it('writes a PDF holding cores, cost, utilisation, allocation with the idle line, completeness and the hash', async () => {
    const file = await call(core, 'capacity:export', query(), 'pdf');
    const pdf = readFileSync(file.path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const report = await call(core, 'capacity:report', query());
    const all = JSON.stringify(capacityPdfDefinition(report, NOW).content);
    for (const text of ['10 physical cores, entered by hand (Licence agreement 4711, schedule B)', 'EUR 44.00',
      '120 vCPU-hours of 480 core-hours (25.00 %)', 'Idle / unallocated', '33.00', '8.80', '2.20',
      'contoso.example', report.completeness.summary, report.inputHash, '2026-11-01 to 2026-11-03 (end excluded)']) {
      expect(all).toContain(text);
    }
  });
});
