import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultRates, startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Logger } from '../../electron/core/types.ts';
import type { SyncRequest, SyncRunRow } from '../../electron/shared/domain.ts';
import { StackmeterError } from '../../electron/shared/result.ts';
import { addSimulator, movableClock, openCore, SECRET, syncAndWait, usageHash } from './sync-helpers.ts';

const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');
const clock = movableClock('2026-11-20T12:30:00Z');
const REQUEST: SyncRequest = { connection: 'sim', from: '2026-11-17', to: '2026-11-19T00:00:00Z', granularity: 'Hourly' };

let sim: RunningSimulator;
let dir: string;
let cleanHash: string;
let cleanRun: SyncRunRow;

/** A pid that belonged to a process that has exited: what a killed sync leaves behind. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((done) => child.once('exit', done));
  return child.pid as number;
}

/** Starts a sync and cancels it once `pages` pages are committed: the cache then holds a run's checkpoints mid-way. */
async function syncPart(file: string, request: SyncRequest, pages: number): Promise<SyncRunRow> {
  const core = openCore(dir, file, clock);
  try {
    if ((await core['connections:list']()).length === 0) await addSimulator(core, sim);
    const { runId } = await core['sync:start'](request);
    const off = core.on('sync:progress', (p) => {
      if (p.runId === runId && p.pages >= pages) core['sync:cancel'](runId);
    });
    await core.waitForRun(runId);
    off();
    return (await core['sync:runs']()).find((r) => r.id === runId)!;
  } finally {
    await core.close();
  }
}

/** Makes a cancelled run look like one whose process was killed: still running, owned by a pid that is gone. */
function orphan(file: string, runId: number, pid: number): void {
  const db = new Database(join(dir, file));
  db.prepare(`UPDATE sync_runs SET status = 'running', ended_at = NULL, error = NULL, error_code = NULL, owner_pid = ?,
    owner_host = ? WHERE id = ?`).run(pid, hostname(), runId);
  db.prepare(`INSERT INTO sync_locks (connection_id, run_id, pid, host, acquired_at, heartbeat_at)
    SELECT connection_id, id, ?, ?, started_at, started_at FROM sync_runs WHERE id = ?`).run(pid, hostname(), runId);
  db.close();
}

function recorder(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const note = (message: string) => void messages.push(message);
  return { messages, info: note, warn: note, error: note };
}

beforeAll(async () => {
  sim = await startSimulator({ clientSecret: SECRET, now: clock.now, seed: 4, tenants: 3, historyDays: 8, pageSize: 100 });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-resume-'));
  const core = openCore(dir, 'clean.sqlite', clock);
  try {
    await addSimulator(core, sim);
    cleanRun = await syncAndWait(core, REQUEST);
  } finally {
    await core.close();
  }
  cleanHash = usageHash(join(dir, 'clean.sqlite'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resuming an interrupted sync', () => {
  it('marks the run interrupted, resumes it from its checkpoints under the same id, and restarts a stale nextLink', async () => {
    const file = 'resume.sqlite';
    const part = await syncPart(file, REQUEST, 12);
    expect(part.status).toBe('cancelled');
    orphan(file, part.id, await deadPid());
    // A continuation the stamp no longer accepts (a restarted stamp forgets its tokens).
    const db = new Database(join(dir, file));
    const stale = db.prepare(`UPDATE sync_run_units SET next_link = replace(next_link, 'continuationToken=', 'continuationToken=stale')
      WHERE run_id = ? AND next_link IS NOT NULL`).run(part.id).changes;
    db.close();
    expect(stale).toBeGreaterThan(0);

    const log = recorder();
    const core = openCore(dir, file, clock, { log });
    try {
      expect((await core['sync:runs']())[0]).toMatchObject({ id: part.id, status: 'interrupted' });
      const resumed = await syncAndWait(core, REQUEST);
      expect(resumed.id).toBe(part.id);
      expect(resumed.status).toBe('succeeded');
      expect(await core['sync:runs']()).toHaveLength(1);
      // Each row was inserted once; the windows whose link was stale were read again from their first page.
      expect({ inserted: resumed.inserted, windows: resumed.windows, windowsDone: resumed.windowsDone })
        .toEqual({ inserted: cleanRun.inserted, windows: cleanRun.windows, windowsDone: cleanRun.windows });
      expect(resumed.records).toBeGreaterThan(cleanRun.records);
    } finally {
      await core.close();
    }
    expect(usageHash(join(dir, file))).toBe(cleanHash);
    expect(log.messages).toContain('stale nextLink: restarting the window');
  });

  it('resumes an interrupted run first, then runs a different request as a new run', async () => {
    const file = 'resume-other.sqlite';
    const part = await syncPart(file, REQUEST, 5);
    orphan(file, part.id, await deadPid());
    const core = openCore(dir, file, clock);
    try {
      const other = await syncAndWait(core, { ...REQUEST, from: '2026-11-19', to: '2026-11-20T00:00:00Z' });
      expect(other.id).not.toBe(part.id);
      expect(other.status).toBe('succeeded');
      const runs = await core['sync:runs']();
      expect(runs.map((r) => [r.id, r.status])).toEqual([[other.id, 'succeeded'], [part.id, 'succeeded']]);
    } finally {
      await core.close();
    }
  });
});

describe('one sync per stamp', () => {
  it('refuses a second sync of a stamp while one runs, in this process or another, and leaves the live run alone', async () => {
    const file = 'locked.sqlite';
    // Every page held back a while, so that the run is still going while the others knock; lifted afterwards.
    sim.faults.profile = { ...faultRates('slow'), slow: 1, slowMs: 500 };
    const first = openCore(dir, file, clock);
    try {
      await addSimulator(first, sim);
      const { runId } = await first['sync:start'](REQUEST);

      // Another core on the same cache in this process (as the console beside a scheduled sync would be).
      const second = openCore(dir, file, clock);
      try {
        expect((await second['sync:runs']())[0]).toMatchObject({ id: runId, status: 'running' });
        const refused = await Promise.resolve().then(() => second['sync:start'](REQUEST)).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(StackmeterError);
        expect(refused).toMatchObject({ code: 'LOCKED' });
        expect((refused as Error).message).toMatch(/sync of "sim" is already running in this process \(run \d+\)/);
      } finally {
        await second.close();
      }

      // A scheduled CLI sync of the same stamp exits 7 and says who holds the stamp; reading the history there does
      // not mark the live run interrupted.
      const cli = await runCli(['sync', 'sim', '--from', '2026-11-17', '--to', '2026-11-19T00:00:00Z', '--db', join(dir, file)]);
      expect(cli.code).toBe(7);
      expect(cli.stderr).toMatch(new RegExp(`Another sync of "sim" is running: process ${process.pid} on this machine, run ${runId}`));
      const history = await runCli(['runs', '--json', '--db', join(dir, file)]);
      expect(JSON.parse(history.stdout)[0]).toMatchObject({ id: runId, status: 'running' });

      sim.faults.profile = null;
      await first.waitForRun(runId);
      expect((await first['sync:runs']())[0]).toMatchObject({ id: runId, status: 'succeeded' });
    } finally {
      sim.faults.profile = null;
      await first.close();
    }
    expect(usageHash(join(dir, file))).toBe(cleanHash);
  });

  it('takes over the lock of a process that is gone', async () => {
    const file = 'stale-lock.sqlite';
    const part = await syncPart(file, REQUEST, 3);
    orphan(file, part.id, await deadPid());
    const cli = await runCli(['sync', 'sim', '--from', '2026-11-17', '--to', '2026-11-19T00:00:00Z', '--json', '--db', join(dir, file)]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ id: part.id, status: 'succeeded' });
    expect(usageHash(join(dir, file))).toBe(cleanHash);
  });
});

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, sim.caPem);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, SIM_SECRET: SECRET },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
