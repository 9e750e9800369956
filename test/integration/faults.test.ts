import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_PROFILES, NO_FAULTS, startSimulator, type FaultProfile, type FaultRates, type RunningSimulator,
} from '../../electron/core/simulator/index.ts';
import type { SyncRequest, SyncRunRow } from '../../electron/shared/domain.ts';
import {
  addSimulator, cachedRows, FAST_RETRY, movableClock, openCore, SECRET, stampRowKey, syncAndWait, usageHash,
} from './sync-helpers.ts';

// The stamp's clock stands still, so every run sees the same usage. One subscription is deleted inside the range: the
// per-subscriber queries cannot see it, only the all-tenant sweep does (and the gateway fault times that out).
const clock = movableClock('2026-11-20T12:30:00Z');
const DELETED_AT = '2026-11-18T10:00:00Z';
const REQUEST: SyncRequest = {
  connection: 'sim', from: '2026-11-17', to: '2026-11-19T06:00:00Z', granularity: 'Hourly', sweepDeleted: true,
};

let sim: RunningSimulator;
let dir: string;
let deleted: string;
let clean: { run: SyncRunRow; hash: string; rows: number };

async function syncUnder(profile: FaultProfile | FaultRates | null, file: string, request = REQUEST): Promise<SyncRunRow> {
  sim.faults.profile = profile;
  const core = openCore(dir, file, clock, { sync: { retry: FAST_RETRY } });
  try {
    if ((await core['connections:list']()).length === 0) await addSimulator(core, sim);
    return await syncAndWait(core, request);
  } finally {
    await core.close();
    sim.faults.profile = null;
  }
}

beforeAll(async () => {
  // Small pages, so that a day holds several pages and page-level faults meet every kind of step.
  sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 11, tenants: 4, historyDays: 8, pageSize: 200 });
  deleted = sim.stamp.subscriptions[1]!.subscriptionId;
  sim.stamp.deleteSubscription(deleted, new Date(DELETED_AT));
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-faults-'));
  const run = await syncUnder(null, 'clean.sqlite');
  clean = { run, hash: usageHash(join(dir, 'clean.sqlite')), rows: cachedRows(join(dir, 'clean.sqlite')).size };
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a sync under injected faults', () => {
  it('without faults caches every record reported in the range, the deleted subscription\'s too', () => {
    expect(clean.run.status).toBe('succeeded');
    expect(clean.run.retries).toBe(0);
    const from = Date.parse('2026-11-17T00:00:00Z');
    const to = Date.parse(REQUEST.to!);
    const expected = new Map([...sim.stamp.recordsForReportedRange(from, to, 'Hourly')].map((r) => [stampRowKey(r), r.quantity]));
    const rows = cachedRows(join(dir, 'clean.sqlite'));
    expect(rows).toEqual(expected);
    const deletedRows = [...rows.keys()].filter((k) => k.startsWith(deleted));
    expect(deletedRows.length).toBeGreaterThan(100);
    // Listed subscribers only: the deleted one is reached by the sweep alone.
    expect(clean.run.subscribers).toBe(sim.stamp.subscriptions.length - 1);
  });

  it.each(FAULT_PROFILES.map((p) => [p]))('under "%s" ends with the same cache, row for row', async (profile) => {
    const issued = sim.identity.tokensIssued;
    const run = await syncUnder(profile, `${profile}.sqlite`);
    expect({ status: run.status, error: run.error, windowErrors: run.windowErrors }).toEqual({
      status: 'succeeded', error: null, windowErrors: [],
    });
    expect(usageHash(join(dir, `${profile}.sqlite`))).toBe(clean.hash);
    expect(run.windowsDone).toBe(run.windows);
    // Each profile left its mark: retried requests, halved sweep windows, repeated pages or fresh tokens.
    switch (profile) {
      case 'throttle':
      case 'flaky':
      case 'drops':
      case 'truncated':
        expect(run.retries).toBeGreaterThan(5);
        break;
      case 'gateway':
      case 'chaos':
        expect(run.windows).toBeGreaterThan(clean.run.windows);
        expect(run.retries).toBeGreaterThan(0);
        break;
      case 'duplicates':
        expect(run.records).toBeGreaterThan(clean.run.records);
        expect(run.pages).toBeGreaterThan(clean.run.pages);
        break;
      case 'expiring-tokens':
        expect(sim.identity.tokensIssued - issued).toBeGreaterThan(5);
        break;
      case 'slow':
      case 'late':
        // Slow pages only take longer; late rows of a range that ended long ago have all arrived.
        expect(run.records).toBe(clean.run.records);
        break;
    }
  });

  it('fails a sweep window that still times out at one hour, ends partial, and the next run retries it', async () => {
    sim.faults.gatewayTimeoutWithoutSubscriber = true;
    let run: SyncRunRow;
    try {
      run = await syncUnder(null, 'gateway-down.sqlite');
    } finally {
      sim.faults.gatewayTimeoutWithoutSubscriber = false;
    }
    expect(run.status).toBe('partial');
    expect(run.errorCode).toBe('API');
    expect(run.error).toMatch(/windows failed/);
    expect(run.windowErrors.length).toBeGreaterThan(0);
    expect(run.windowErrors[0]).toMatch(/^all-tenant sweep, 2026-11-17T00:00Z–2026-11-17T01:00Z, page 1: .*HTTP 504 \(GatewayTimeout/);
    // Everything but the deleted subscription's usage is there.
    const rows = cachedRows(join(dir, 'gateway-down.sqlite'));
    expect(rows.size).toBeLessThan(clean.rows);
    expect([...rows.keys()].some((k) => k.startsWith(deleted))).toBe(false);

    // The gateway recovers: the same sync again completes the cache.
    const again = await syncUnder(null, 'gateway-down.sqlite');
    expect(again.status).toBe('succeeded');
    expect(usageHash(join(dir, 'gateway-down.sqlite'))).toBe(clean.hash);
  });
});

describe('faults that do not pass', () => {
  const day = { connection: 'sim', from: '2026-11-18', to: '2026-11-19T00:00:00Z', granularity: 'Hourly' } as const;

  it('fails the window of a page that stays malformed, writes nothing of it, and names the page and why', async () => {
    const run = await syncUnder({ ...NO_FAULTS, truncated: 1 }, 'always-truncated.sqlite', day);
    expect(run.status).toBe('partial');
    expect(run.windowErrors).toHaveLength(run.subscribers);
    expect(run.windowErrors[0]).toMatch(/^subscriber [0-9a-f-]{36}, 2026-11-18T00:00Z–2026-11-19T00:00Z, page 1: .*not valid JSON .*\(malformed 3 times in a row\)$/);
    expect(run.retries).toBe(2 * run.subscribers);
    expect(cachedRows(join(dir, 'always-truncated.sqlite')).size).toBe(0);
  });

  it('ends the run as a network failure when the stamp cannot be reached for several windows in a row', async () => {
    const run = await syncUnder({ ...NO_FAULTS, drops: 1 }, 'always-dropped.sqlite', day);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'NETWORK' });
    expect(run.error).toMatch(/^Could not reach 127\.0\.0\.1:\d+ .*\(6 attempts\)$/);
    expect(run.windowErrors.length).toBe(2);
  });
});

describe('late rows', () => {
  it('land through the overlap window of the next incremental sync, and are missed without one', async () => {
    const lateClock = movableClock('2026-11-19T10:00:00Z');
    const lateSim = await startSimulator({
      clientSecret: SECRET, now: lateClock.now, seed: 5, tenants: 2, historyDays: 3, faults: 'late',
    });
    try {
      const syncTwice = async (file: string, overlapHours: number) => {
        lateClock.set('2026-11-19T10:00:00Z');
        const core = openCore(dir, file, lateClock, { sync: { retry: FAST_RETRY, overlapHours } });
        try {
          await addSimulator(core, lateSim);
          const first = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
          lateClock.set('2026-11-19T18:00:00Z');
          const second = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
          return [first, second];
        } finally {
          await core.close();
        }
      };
      // Every record reported before the first sync's end had become visible by the second sync.
      const expected = [...lateSim.stamp.recordsForReportedRange(Date.parse('2026-11-10T00:00:00Z'),
        Date.parse('2026-11-19T10:00:00Z'), 'Hourly')];
      const covered = (file: string) => {
        const rows = cachedRows(join(dir, file));
        return expected.filter((r) => rows.get(stampRowKey(r)) === r.quantity).length;
      };

      const runs = await syncTwice('late-overlap.sqlite', 6);
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(covered('late-overlap.sqlite')).toBe(expected.length);

      await syncTwice('late-no-overlap.sqlite', 0);
      expect(covered('late-no-overlap.sqlite')).toBeLessThan(expected.length);
    } finally {
      await lateSim.close();
    }
  });
});
