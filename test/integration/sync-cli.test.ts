import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { SECRET } from './sync-helpers.ts';

// `stackmeter sync` as cron or Task Scheduler runs it: --all over several stamps, exit codes a script can branch on.

const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const FROM = new Date(today - 2 * DAY).toISOString().slice(0, 10);
const TO = new Date(today - DAY).toISOString().slice(0, 10);
const TODAY = new Date(today).toISOString().slice(0, 10);

let east: RunningSimulator;
let west: RunningSimulator;
let dir: string;

async function stackmeter(args: string[], db: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args, '--db', join(dir, db)], {
      env: { ...process.env, SIM_SECRET: SECRET, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function connect(db: string, name: string, sim: RunningSimulator, variable = 'SIM_SECRET'): Promise<void> {
  const caFile = join(dir, `${name}-ca.pem`);
  writeFileSync(caFile, sim.caPem);
  const add = await stackmeter(['connect', 'add', name, '--arm', sim.url, '--client-id', sim.clientId,
    '--client-secret-env', variable, '--ca', caFile], db, { [variable]: SECRET });
  expect(add.code, add.stderr).toBe(0);
}

beforeAll(async () => {
  east = await startSimulator({ clientSecret: SECRET, seed: 31, tenants: 2, historyDays: 4 });
  west = await startSimulator({ clientSecret: SECRET, seed: 32, tenants: 2, historyDays: 4 });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-sync-cli-'));
});
afterAll(async () => {
  await east.close();
  await west.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stackmeter sync for schedulers', () => {
  it('syncs every stamp with --all, one after another, and reports each as JSON', async () => {
    await connect('all.sqlite', 'east', east);
    await connect('all.sqlite', 'west', west);
    const all = await stackmeter(['sync', '--all', '--from', FROM, '--to', TO, '--json'], 'all.sqlite');
    expect(all.code, all.stderr).toBe(0);
    const outcomes = JSON.parse(all.stdout) as { connection: string; exitCode: number; run: SyncRunRow }[];
    expect(outcomes.map((o) => [o.connection, o.exitCode, o.run.status])).toEqual([['east', 0, 'succeeded'], ['west', 0, 'succeeded']]);
    expect(all.stderr).toMatch(/Sync of east finished: .* windows, 0 retries\)/);

    const runs = await stackmeter(['runs'], 'all.sqlite');
    expect(runs.stdout.split('\n')[0]).toMatch(/^id\s+stamp\s+status\s+granularity\s+from\s+to\s+started\s+windows\s+pages\s+records\s+new\s+updated\s+retries\s+error$/);
    expect(runs.stdout).toMatch(/west\s+succeeded\s+Hourly/);
  });

  it('exits 6 when some windows failed, lists them, and `runs <id>` shows every one', async () => {
    // The stamp's clock says yesterday noon: to it, the window that ends today at midnight is in the future.
    const skewed = await startSimulator({
      clientSecret: SECRET, seed: 33, tenants: 6, historyDays: 4, now: () => new Date(today - DAY / 2),
    });
    try {
      await connect('partial.sqlite', 'skewed', skewed);
      const partial = await stackmeter(['sync', 'skewed', '--from', FROM, '--to', TODAY], 'partial.sqlite');
      expect(partial.code, partial.stderr).toBe(6);
      const subscribers = skewed.stamp.subscriptions.length;
      expect(partial.stderr).toContain(`Sync of skewed partial: ${subscribers} of ${2 * subscribers} windows failed`);
      expect(partial.stderr).toMatch(/failed: subscriber [0-9a-f-]{36}, .*, page 1: .*HTTP 400 \(RequestEndTimeIsInFuture/);
      expect(partial.stderr).toContain(`… and ${subscribers - 10} more: stackmeter runs 1`);
      const detail = await stackmeter(['runs', '1'], 'partial.sqlite');
      expect(detail.code).toBe(0);
      expect(detail.stdout.match(/failed: subscriber/g)?.length).toBe(subscribers);
    } finally {
      await skewed.close();
    }
  });

  it('with --all goes on past a stamp that cannot sync and exits with the worst outcome', async () => {
    await connect('worst.sqlite', 'east', east);
    await connect('worst.sqlite', 'west', west, 'WEST_SECRET');
    // WEST_SECRET is not set in the scheduled job's environment: west fails with 3, east still syncs.
    const all = await stackmeter(['sync', '--all', '--from', FROM, '--to', TO], 'worst.sqlite');
    expect(all.code).toBe(3);
    expect(all.stderr).toMatch(/Sync of east finished/);
    expect(all.stderr).toMatch(/west: Error: .*WEST_SECRET/);
  });

  it('needs a stamp name or --all, not both', async () => {
    expect((await stackmeter(['sync'], 'usage.sqlite')).code).toBe(2);
    const both = await stackmeter(['sync', 'east', '--all'], 'usage.sqlite');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/Name one stamp, or give --all/);
    expect((await stackmeter(['sync', 'east', '--concurrency', '0'], 'usage.sqlite')).stderr).toMatch(/--concurrency must be a whole number from 1 to 32/);
  });
});
