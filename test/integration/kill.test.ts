import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { SECRET, usageHash } from './sync-helpers.ts';

// The real `stackmeter` executable in a child process, killed with SIGKILL at random points of a sync (fixed seed),
// started again each time, until the sync completes: the cache must then equal that of a sync never interrupted.

const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');
const DAY = 86_400_000;
const KILLS = 24;

let sim: RunningSimulator;
let dir: string;
let caFile: string;

// The CLI runs on the real clock, so the stamp does too; the period is two whole days that ended yesterday.
const today = Math.floor(Date.now() / DAY) * DAY;
const FROM = new Date(today - 3 * DAY).toISOString().slice(0, 10);
const TO = new Date(today - DAY).toISOString().slice(0, 10);

/** mulberry32: a small seeded generator, so that the kill points are the same on every run of the test. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], db: string): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args, '--db', join(dir, db)], {
    env: { ...process.env, SIM_SECRET: SECRET },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => void (stdout += d));
  child.stderr?.on('data', (d: Buffer) => void (stderr += d));
  const exit = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal, stdout, stderr })));
  return { child, exit };
}

async function stackmeter(args: string[], db: string): Promise<Exit> {
  return start(args, db).exit;
}

const syncArgs = ['sync', 'sim', '--from', FROM, '--to', TO, '--json'];

beforeAll(async () => {
  // Small pages: many checkpoints for the kills to fall between (and inside).
  sim = await startSimulator({ clientSecret: SECRET, seed: 17, tenants: 4, historyDays: 5, pageSize: 40 });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-kill-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, sim.caPem);
  for (const db of ['clean.sqlite', 'killed.sqlite']) {
    const add = await stackmeter(['connect', 'add', 'sim', '--arm', sim.url, '--client-id', sim.clientId,
      '--client-secret-env', 'SIM_SECRET', '--ca', caFile], db);
    expect(add.code, add.stderr).toBe(0);
  }
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a sync killed at random points', () => {
  it(`resumes after each of ${KILLS} kills and ends with exactly the cache of an uninterrupted sync`, async () => {
    const clean = await stackmeter(syncArgs, 'clean.sqlite');
    expect(clean.code, clean.stderr).toBe(0);
    const cleanRun = JSON.parse(clean.stdout) as SyncRunRow;
    expect(cleanRun.pages).toBeGreaterThan(100);

    const random = seeded(20261122);
    let kills = 0;
    let finished: Exit | null = null;
    const killPoints: string[] = [];
    while (!finished) {
      const { child, exit } = start(syncArgs, 'killed.sqlite');
      if (kills >= KILLS) {
        finished = await exit;
        break;
      }
      // One kill in five lands anywhere from start-up to planning; the others after a few more pages were served,
      // a few milliseconds later: mid-request, mid-parse, mid-commit.
      const early = random() < 0.2;
      const pagesMore = 1 + Math.floor(random() * 8);
      const extraMs = Math.floor(random() * 15);
      const startMs = Math.floor(random() * 400);
      const servedAtStart = sim.stats.usagePages;
      const trigger = new Promise<void>((fire) => {
        if (early) {
          setTimeout(fire, startMs);
          return;
        }
        const poll = setInterval(() => {
          if (sim.stats.usagePages >= servedAtStart + pagesMore) {
            clearInterval(poll);
            setTimeout(fire, extraMs);
          }
        }, 1);
        void exit.then(() => clearInterval(poll));
      });
      const outcome = await Promise.race([exit, trigger.then(() => null)]);
      if (outcome) {
        finished = outcome; // it completed before the kill point
        break;
      }
      child.kill('SIGKILL');
      const killed = await exit;
      if (killed.signal === 'SIGKILL') {
        kills++;
        killPoints.push(early ? `${startMs} ms` : `+${pagesMore} pages +${extraMs} ms`);
      } else {
        finished = killed;
      }
    }

    expect(kills, `killed at ${killPoints.join(', ')}`).toBe(KILLS);
    expect(finished.code, finished.stderr).toBe(0);
    const run = JSON.parse(finished.stdout) as SyncRunRow;
    expect(usageHash(join(dir, 'killed.sqlite'))).toBe(usageHash(join(dir, 'clean.sqlite')));
    // One run, resumed every time, whose committed counts are those of the run that was never interrupted.
    const history = JSON.parse((await stackmeter(['runs', '--json'], 'killed.sqlite')).stdout) as SyncRunRow[];
    expect(history.map((r) => [r.id, r.status])).toEqual([[run.id, 'succeeded']]);
    expect({ pages: run.pages, records: run.records, inserted: run.inserted, updated: run.updated, windows: run.windows })
      .toEqual({
        pages: cleanRun.pages, records: cleanRun.records, inserted: cleanRun.inserted, updated: 0, windows: cleanRun.windows,
      });
  });
});
