import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import {
  addSimulator, cachedRows, FAST_RETRY, inspect, movableClock, openCore, SECRET, stampRowKey, syncAndWait,
} from './sync-helpers.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-incremental-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the stamp reports in [from, to) (reported time), as cache keys → exact quantity text. */
function reported(sim: RunningSimulator, from: string, to: string, subscriberId?: string): Map<string, string> {
  return new Map([...sim.stamp.recordsForReportedRange(Date.parse(from), Date.parse(to), 'Hourly', subscriberId)]
    .map((r) => [stampRowKey(r), r.quantity]));
}

interface WatermarkRow {
  subscription: string;
  reportedTo: number;
  missingSince: number | null;
}

function watermarks(file: string): WatermarkRow[] {
  return inspect<WatermarkRow>(join(dir, file), `
    SELECT subscription_id AS subscription, reported_to AS reportedTo, missing_since AS missingSince
    FROM sync_watermarks ORDER BY subscription_id`);
}

function sweepOf(file: string, runId: number): { rangeFrom: number; rangeTo: number; subjects: string } | undefined {
  return inspect<{ rangeFrom: number; rangeTo: number; subjects: string }>(join(dir, file), `
    SELECT range_from AS rangeFrom, range_to AS rangeTo, subjects FROM sync_run_units
    WHERE run_id = ? AND kind = 'sweep'`, runId)[0];
}

describe('incremental sync', () => {
  it('starts 31 days back, then re-reads only the overlap before each watermark, up to the last whole hour', async () => {
    const clock = movableClock('2026-11-19T12:30:00Z');
    const sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 3, tenants: 3, historyDays: 4 });
    const core = openCore(dir, 'incremental.sqlite', clock);
    try {
      await addSimulator(core, sim);
      const first = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      expect(first).toMatchObject({ status: 'succeeded', from: '2026-10-19T12:00:00Z', to: '2026-11-19T12:00:00Z' });
      expect(cachedRows(join(dir, 'incremental.sqlite'))).toEqual(reported(sim, '2026-10-19T12:00:00Z', '2026-11-19T12:00:00Z'));
      const marks = watermarks('incremental.sqlite');
      expect(marks.map((w) => w.subscription)).toEqual(sim.stamp.subscriptions.map((s) => s.subscriptionId).sort());
      expect(new Set(marks.map((w) => w.reportedTo))).toEqual(new Set([Date.parse('2026-11-19T12:00:00Z') / 1000]));

      clock.set('2026-11-19T20:30:00Z');
      const second = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      // From the watermark (12:00) less the 6-hour overlap, to the last whole hour.
      expect(second).toMatchObject({ status: 'succeeded', from: '2026-11-19T06:00:00Z', to: '2026-11-19T20:00:00Z' });
      expect(second.records).toBe(reported(sim, '2026-11-19T06:00:00Z', '2026-11-19T20:00:00Z').size);
      expect(second.inserted).toBe(reported(sim, '2026-11-19T12:00:00Z', '2026-11-19T20:00:00Z').size);
      expect(second.updated).toBe(0);
      expect(cachedRows(join(dir, 'incremental.sqlite'))).toEqual(reported(sim, '2026-10-19T12:00:00Z', '2026-11-19T20:00:00Z'));
      expect(new Set(watermarks('incremental.sqlite').map((w) => w.reportedTo)))
        .toEqual(new Set([Date.parse('2026-11-19T20:00:00Z') / 1000]));
    } finally {
      await core.close();
      await sim.close();
    }
  });

  it('sweeps a subscription deleted since the last sync from its watermark, until its late rows have landed', async () => {
    const clock = movableClock('2026-11-19T12:30:00Z');
    const sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 8, tenants: 3, historyDays: 4 });
    const file = 'deleted.sqlite';
    const core = openCore(dir, file, clock, { sync: { retry: FAST_RETRY } });
    try {
      await addSimulator(core, sim);
      await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      const gone = sim.stamp.subscriptions[0]!.subscriptionId;
      sim.stamp.deleteSubscription(gone, new Date('2026-11-19T14:00:00Z'));

      clock.set('2026-11-19T22:30:00Z');
      const second = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      expect(second.status).toBe('succeeded');
      expect(second.subscribers).toBe(sim.stamp.subscriptions.length - 1);
      // Its usage reported after the last sync exists only in all-tenant results; the sweep brought it in.
      const lateUsage = reported(sim, '2026-11-19T12:00:00Z', '2026-11-19T22:00:00Z', gone);
      expect(lateUsage.size).toBeGreaterThan(0);
      const rows = cachedRows(join(dir, file));
      for (const [key, quantity] of reported(sim, '2026-10-19T12:00:00Z', '2026-11-19T22:00:00Z', gone)) {
        expect(rows.get(key)).toBe(quantity);
      }
      expect(rows).toEqual(reported(sim, '2026-10-19T12:00:00Z', '2026-11-19T22:00:00Z'));
      expect(sweepOf(file, second.id)).toEqual({
        rangeFrom: Date.parse('2026-11-19T06:00:00Z') / 1000,
        rangeTo: Date.parse('2026-11-19T22:00:00Z') / 1000,
        subjects: JSON.stringify([gone]),
      });
      expect(watermarks(file).find((w) => w.subscription === gone)).toEqual({
        subscription: gone,
        reportedTo: Date.parse('2026-11-19T22:00:00Z') / 1000,
        missingSince: Date.parse('2026-11-19T22:00:00Z') / 1000,
      });

      // Swept again while its watermark is less than an overlap past the time it went missing, then retired.
      const sweeps: boolean[] = [];
      for (const at of ['2026-11-20T02:30:00Z', '2026-11-20T10:30:00Z', '2026-11-20T12:30:00Z']) {
        clock.set(at);
        const run = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
        expect(run.status).toBe('succeeded');
        sweeps.push(sweepOf(file, run.id) !== undefined);
      }
      // It went missing at 22:00: its watermark (22:00, then 02:00) is short of 04:00 twice, then (10:00) past it.
      expect(sweeps).toEqual([true, true, false]);
    } finally {
      await core.close();
      await sim.close();
    }
  });

  it('with sweepDeleted catches a subscription deleted before it was ever synced', async () => {
    const clock = movableClock('2026-11-19T12:30:00Z');
    const sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 9, tenants: 3, historyDays: 4 });
    const gone = sim.stamp.subscriptions[2]!.subscriptionId;
    sim.stamp.deleteSubscription(gone, new Date('2026-11-18T09:00:00Z'));
    try {
      const range = { connection: 'sim', from: '2026-11-16', to: '2026-11-19T12:00:00Z', granularity: 'Hourly' } as const;
      const expected = reported(sim, '2026-11-16T00:00:00Z', '2026-11-19T12:00:00Z');
      const goneRows = [...expected.keys()].filter((k) => k.startsWith(gone));
      expect(goneRows.length).toBeGreaterThan(0);

      const plain = openCore(dir, 'no-sweep.sqlite', clock, { sync: { retry: FAST_RETRY } });
      try {
        await addSimulator(plain, sim);
        expect((await syncAndWait(plain, range)).status).toBe('succeeded');
      } finally {
        await plain.close();
      }
      const without = cachedRows(join(dir, 'no-sweep.sqlite'));
      expect(without.size).toBe(expected.size - goneRows.length);

      const swept = openCore(dir, 'sweep.sqlite', clock, { sync: { retry: FAST_RETRY } });
      try {
        await addSimulator(swept, sim);
        const run = await syncAndWait(swept, { ...range, sweepDeleted: true });
        expect(run.status).toBe('succeeded');
        expect(run.windows).toBe(run.subscribers * 4 + Math.ceil((3 * 24 + 12) / 6));
      } finally {
        await swept.close();
      }
      expect(cachedRows(join(dir, 'sweep.sqlite'))).toEqual(expected);
    } finally {
      await sim.close();
    }
  });

  it('ends partial when a subscriber disappears mid-run, stops its watermark, and the next sync sweeps it', async () => {
    const clock = movableClock('2026-11-19T12:30:00Z');
    const sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 12, tenants: 4, historyDays: 4 });
    const file = 'vanishing.sqlite';
    const core = openCore(dir, file, clock, { sync: { retry: FAST_RETRY, concurrency: 1 } });
    try {
      await addSimulator(core, sim);
      await syncAndWait(core, { connection: 'sim', from: '2026-11-18', to: '2026-11-19T00:00:00Z', granularity: 'Hourly' });
      const last = sim.stamp.subscriptions.at(-1)!.subscriptionId;
      // Deleted as soon as the run has its plan: the subscriber is still in it, but the stamp now refuses it.
      const off = core.on('sync:progress', (p) => {
        if (p.phase === 'usage') sim.stamp.deleteSubscription(last, new Date('2026-11-19T11:00:00Z'));
      });
      const run = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      off();
      expect(run.status).toBe('partial');
      expect(run.windowErrors).toHaveLength(1);
      expect(run.windowErrors[0]).toMatch(new RegExp(`^subscriber ${last}, 2026-11-18T18:00Z–2026-11-19T12:00Z, page 1: .*` +
        'SubscriberIdIsNotDirectTenant.*The subscription was deleted; the next sync sweeps its remaining usage\\.$'));
      expect(watermarks(file).find((w) => w.subscription === last)?.reportedTo).toBe(Date.parse('2026-11-19T00:00:00Z') / 1000);

      clock.set('2026-11-19T15:30:00Z');
      const next = await syncAndWait(core, { connection: 'sim', granularity: 'Hourly' });
      expect(next.status).toBe('succeeded');
      expect(sweepOf(file, next.id)?.subjects).toBe(JSON.stringify([last]));
      const rows = cachedRows(join(dir, file));
      for (const [key, quantity] of reported(sim, '2026-11-18T00:00:00Z', '2026-11-19T15:00:00Z')) {
        expect(rows.get(key)).toBe(quantity);
      }
    } finally {
      await core.close();
      await sim.close();
    }
  });

  it('keeps separate watermarks per granularity and per stamp in one cache', async () => {
    const clock = movableClock('2026-11-19T12:30:00Z');
    const a = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 21, tenants: 2, historyDays: 3 });
    const b = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 22, tenants: 2, historyDays: 3 });
    const file = 'stamps.sqlite';
    const core = openCore(dir, file, clock);
    try {
      await addSimulator(core, a, 'east');
      await addSimulator(core, b, 'west');
      const hourly = await syncAndWait(core, { connection: 'east', granularity: 'Hourly' });
      const daily = await syncAndWait(core, { connection: 'east', granularity: 'Daily' });
      const west = await syncAndWait(core, { connection: 'west', granularity: 'Hourly' });
      expect([hourly.status, daily.status, west.status]).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(daily).toMatchObject({ from: '2026-10-19T00:00:00Z', to: '2026-11-19T00:00:00Z' });
      const marks = inspect<{ connection: string; granularity: string; n: number; reportedTo: number }>(join(dir, file), `
        SELECT c.name AS connection, w.granularity, count(*) AS n, max(w.reported_to) AS reportedTo
        FROM sync_watermarks w JOIN connections c ON c.id = w.connection_id
        GROUP BY c.name, w.granularity ORDER BY 1, 2`);
      expect(marks).toEqual([
        { connection: 'east', granularity: 'Daily', n: a.stamp.subscriptions.length, reportedTo: Date.parse('2026-11-19T00:00:00Z') / 1000 },
        { connection: 'east', granularity: 'Hourly', n: a.stamp.subscriptions.length, reportedTo: Date.parse('2026-11-19T12:00:00Z') / 1000 },
        { connection: 'west', granularity: 'Hourly', n: b.stamp.subscriptions.length, reportedTo: Date.parse('2026-11-19T12:00:00Z') / 1000 },
      ]);
      expect(hourly.to).toBe('2026-11-19T12:00:00Z');
    } finally {
      await core.close();
      await a.close();
      await b.close();
    }
  });
});
