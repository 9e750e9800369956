import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterMatchKey } from '../../electron/core/meters/catalog.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { StackmeterError } from '../../electron/shared/result.ts';
import * as helpers from './sync-helpers.ts';
import { SECRET } from './sync-helpers.ts';

// A fixed clock shared by the stamp and the core, so that "now" and therefore every record are the same on each run.
const NOW = new Date('2026-11-20T12:30:00Z');
const clock = { now: () => NOW };
const FROM = '2026-11-16';
const TO = '2026-11-19T06:00:00Z';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 7 });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-sync-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const openCore = (file: string, env?: Record<string, string>): Core => helpers.openCore(dir, file, clock, { env });
const addSimulator = (core: Core, name = 'sim'): Promise<void> => helpers.addSimulator(core, sim, name);
const syncAndWait = (core: Core, name = 'sim') =>
  helpers.syncAndWait(core, { connection: name, from: FROM, to: TO, granularity: 'Hourly' });

/** What the stamp reports in the window, per meter: record count and exact quantity sum. */
function expectedByMeter(): Map<string, { records: number; quantity: Decimal }> {
  const out = new Map<string, { records: number; quantity: Decimal }>();
  const from = Date.parse(`${FROM}T00:00:00Z`);
  for (const rec of sim.stamp.recordsForReportedRange(from, Date.parse(TO), 'Hourly')) {
    const key = meterMatchKey(rec.meterId);
    const entry = out.get(key) ?? { records: 0, quantity: new Decimal(0) };
    entry.records++;
    entry.quantity = entry.quantity.plus(rec.quantity);
    out.set(key, entry);
  }
  return out;
}

describe('sync from the HTTPS simulator into a SQLite file', () => {
  it('caches every reported record exactly once, with exact per-meter sums, and a second sync changes nothing', async () => {
    const core = openCore('sync.sqlite');
    try {
      await addSimulator(core);
      const progress: number[] = [];
      const off = core.on('sync:progress', (p) => progress.push(p.percent));
      const first = await syncAndWait(core);
      off();
      expect(first.status).toBe('succeeded');
      expect(first.subscribers).toBe(sim.stamp.subscriptions.length);
      expect(first.inserted).toBe(first.records);
      expect(progress.at(-1)).toBe(100);

      const expected = expectedByMeter();
      const total = [...expected.values()].reduce((n, e) => n + e.records, 0);
      expect(first.records).toBe(total);

      const meters = await core['meters:list']();
      expect(meters.map((m) => meterMatchKey(m.meterId)).sort()).toEqual([...expected.keys()].sort());
      for (const m of meters) {
        const e = expected.get(meterMatchKey(m.meterId))!;
        expect({ id: m.meterId, records: m.records, quantity: new Decimal(m.quantity).toString() })
          .toEqual({ id: m.meterId, records: e.records, quantity: e.quantity.toString() });
        expect(m.meterId).toBe(m.meterId.toLowerCase());
      }

      const second = await syncAndWait(core);
      expect(second.status).toBe('succeeded');
      expect(second.records).toBe(first.records);
      expect(second.inserted).toBe(0);
      expect(second.updated).toBe(0);
      expect(await core['meters:list']()).toEqual(meters);

      const overview = await core['overview:get']();
      expect(overview.records).toBe(total);
      expect(overview.stamps.map((s) => s.name)).toEqual(['sim']);
      expect(overview.dailyByService.reduce((n, p) => n + p.records, 0)).toBe(total);
    } finally {
      await core.close();
    }
  });

  it('stores no secret in the cache file', async () => {
    const core = openCore('secret.sqlite');
    await addSimulator(core);
    await core.close();
    const bytes = readFileSync(join(dir, 'secret.sqlite'));
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    const db = new Database(join(dir, 'secret.sqlite'), { readonly: true });
    expect(db.prepare('SELECT secret_source FROM connections').pluck().get()).toBe('env:SIM_SECRET');
    db.close();
  });

  it('refuses a stamp whose certificate was issued by another CA, and says which CA to add', async () => {
    const other = await startSimulator({ clientSecret: 'x', seed: 99 });
    const core = openCore('tls.sqlite');
    try {
      const attempt = Promise.resolve(core['connections:add']({
        name: 'wrong-ca',
        armEndpoint: sim.url,
        clientId: sim.clientId,
        credential: { type: 'secret', source: { kind: 'env', variable: 'SIM_SECRET' } },
        caPem: other.caPem,
      }));
      await expect(attempt).rejects.toMatchObject({ code: 'TLS' });
      const err = (await attempt.catch((e: unknown) => e)) as StackmeterError;
      expect(err.message).toContain('127.0.0.1');
      expect(err.message).toMatch(/not trusted/);
      expect(err.message).toMatch(/--ca/);
      expect(await core['connections:list']()).toEqual([]);
    } finally {
      await core.close();
      await other.close();
    }
  });

  it('reports a wrong client secret as an authentication failure and stores nothing', async () => {
    const core = openCore('auth.sqlite', { SIM_SECRET: 'not-the-secret' });
    try {
      const attempt = addSimulator(core);
      await expect(attempt).rejects.toMatchObject({ code: 'AUTH' });
      await expect(attempt).rejects.toThrow(/refused to sign in client "stackmeter-demo"/);
      expect(await core['connections:list']()).toEqual([]);
    } finally {
      await core.close();
    }
  });

  it('cancels a running sync and keeps exactly the pages it committed', async () => {
    const core = openCore('cancel.sqlite');
    try {
      await addSimulator(core);
      const { runId } = await core['sync:start']({ connection: 'sim', from: FROM, to: TO, granularity: 'Hourly' });
      const off = core.on('sync:progress', (p) => {
        if (p.pages >= 2) core['sync:cancel'](runId);
      });
      await core.waitForRun(runId);
      off();
      const run = (await core['sync:runs']()).find((r) => r.id === runId)!;
      expect(run.status).toBe('cancelled');
      expect(run.error).toMatch(/cancelled/);
      const overview = await core['overview:get']();
      expect(overview.records).toBe(run.inserted);
      const total = [...expectedByMeter().values()].reduce((n, e) => n + e.records, 0);
      expect(run.records).toBeGreaterThan(0);
      expect(run.records).toBeLessThan(total);
    } finally {
      await core.close();
    }
  });
});
