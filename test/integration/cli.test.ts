import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');
const SECRET = 'cli-secret';

let sim: RunningSimulator;
let dir: string;
let caFile: string;

/** Runs the real `stackmeter` executable in a child process, as an operator or a scheduler would. */
async function stackmeter(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--db', join(dir, 'cli.sqlite')], {
      env: { ...process.env, CLI_SECRET: SECRET, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  sim = await startSimulator({ clientSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-cli-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, sim.caPem);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the stackmeter command against the HTTPS simulator', () => {
  it('adds a stamp, syncs two days, and lists the meters as JSON with exact quantities', async () => {
    const add = await stackmeter(['connect', 'add', 'lab', '--arm', sim.url, '--client-id', sim.clientId,
      '--client-secret-env', 'CLI_SECRET', '--ca', caFile]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('signs in through AD FS');

    const now = Date.now();
    const day = 86_400_000;
    const from = new Date(Math.floor(now / day) * day - 2 * day).toISOString().slice(0, 10);
    const sync = await stackmeter(['sync', 'lab', '--from', from, '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    const runRow = JSON.parse(sync.stdout) as { status: string; records: number; inserted: number };
    expect(runRow.status).toBe('succeeded');
    expect(runRow.records).toBeGreaterThan(1000);
    expect(sync.stderr).toMatch(/100\.0%/);

    const meters = await stackmeter(['meters', '--json']);
    expect(meters.code).toBe(0);
    const rows = JSON.parse(meters.stdout) as { meterId: string; name: string; unit: string; service: string; records: number; quantity: string; known: boolean }[];
    expect(rows.length).toBeGreaterThan(10);
    for (const m of rows) {
      expect(Object.keys(m)).toEqual(['meterId', 'name', 'unit', 'service', 'records', 'quantity', 'known']);
      expect(m.meterId).toBe(m.meterId.toLowerCase());
      expect(m.quantity).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(rows.reduce((n, m) => n + m.records, 0)).toBe(runRow.records);
  });

  it('exits 3 when the secret variable is not set, and 4 when the CA is not trusted', async () => {
    const noSecret = await stackmeter(['connect', 'add', 'nosecret', '--arm', sim.url, '--client-id', sim.clientId,
      '--client-secret-env', 'UNSET_SECRET_VARIABLE', '--ca', caFile]);
    expect(noSecret.code).toBe(3);
    expect(noSecret.stderr).toContain('UNSET_SECRET_VARIABLE');

    const noCa = await stackmeter(['connect', 'add', 'noca', '--arm', sim.url, '--client-id', sim.clientId,
      '--client-secret-env', 'CLI_SECRET']);
    expect(noCa.code).toBe(4);
    expect(noCa.stderr).toMatch(/not trusted.*--ca/s);
  });

  it('refuses a sync range that is not aligned, naming the field, with exit code 2', async () => {
    const bad = await stackmeter(['sync', 'lab', '--from', '2026-01-01T10:30:00Z']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/from/);
  });
});
