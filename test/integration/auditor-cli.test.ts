import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundleReadOnly } from '../../electron/core/auditor/open-bundle.ts';
import { createCore } from '../../electron/core/index.ts';
import type { ReadOnlyInfo } from '../../electron/shared/auditor.ts';
import type { ReplayResult } from '../../electron/shared/chargeback.ts';
import type { Result } from '../../electron/shared/result.ts';
import { runCli } from '../support/cli.ts';
import { parseCsv } from '../unit/exports/csv.ts';
import { buildEvidence, CLOCK, PASSPHRASE, PERIOD, type Evidence } from './auditor-fixture.ts';
import { quiet } from './sync-helpers.ts';

// Auditor mode through the real `stackmeter` executable: `serve --read-only` and `audit open` (a cache, a bundle) in
// child processes answering over HTTP, and `statements verify` / `audit export` with --read-only in this process.

const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');

let dir: string;
let evidence: Evidence;
let bundle: string;
let fingerprint: string;

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-auditor-cli-'));
  evidence = await buildEvidence(dir);
  // The sending installation exports the period as a signed bundle; its key's fingerprint is what it reads out.
  const core = createCore({ dbPath: evidence.path, clock: CLOCK, log: quiet, exportDir: join(dir, 'bundles'),
    env: { STACKMETER_BUNDLE_PASSPHRASE: PASSPHRASE } });
  try {
    const written = await core['bundles:export']({ period: PERIOD });
    bundle = written.path;
    fingerprint = written.fingerprint;
  } finally {
    await core.close();
  }
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  child: ChildProcess;
  url: string;
  token: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `stackmeter <args> --json` and resolves once it prints its address. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, ...args, '--json'], {
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'home') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveServed, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const { url } = JSON.parse(line) as { url: string };
      resolveServed({
        child, url: url.split('#')[0]!, token: url.split('#token=')[1]!, stderr: () => stderr,
        stop: () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`stackmeter exited with ${code}: ${stderr}`)));
  });
}

async function api<T>(served: Served, method: string, ...args: unknown[]): Promise<Result<T>> {
  const response = await fetch(`${served.url}api/${method}`, {
    method: 'POST', headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  return await response.json() as Result<T>;
}

describe('auditor mode from the command line', () => {
  it('serve --read-only answers reads and refuses changes over HTTP, leaving the cache as it was', async () => {
    const before = sha256Of(evidence.path);
    const served = await serve(['serve', '--db', evidence.path, '--read-only']);
    try {
      const info = await api<{ readOnly: ReadOnlyInfo }>(served, 'app:info');
      expect(info.ok && info.value.readOnly).toMatchObject({ source: 'cache', path: evidence.path, fingerprint: null });
      const list = await api<Array<{ id: string }>>(served, 'statements:list');
      expect(list.ok && list.value.map((s) => s.id)).toEqual([evidence.draft.id, evidence.finalized.id]);
      const replay = await api<ReplayResult>(served, 'statements:replay', evidence.finalized.id);
      expect(replay.ok && replay.value.identical).toBe(true);
      const finalize = await api(served, 'statements:finalize', evidence.draft.id, 'closing it anyway');
      expect(finalize).toEqual({ ok: false, error: { code: 'READ_ONLY', message: expect.stringContaining(
        'This console is in auditor mode (read-only): finalizing a statement would change the cache') } });
      const sync = await api(served, 'sync:start', { connection: 'east', granularity: 'Hourly' });
      expect(sync.ok || sync.error.code).toBe('READ_ONLY');
      const exported = await api<{ fileName: string }>(served, 'audit:export', 'pdf');
      expect(exported.ok).toBe(true);
      const file = exported.ok ? exported.value.fileName : '';
      const download = await fetch(`${served.url}api/exports/${file}`,
        { headers: { Authorization: `Bearer ${served.token}` } });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(sha256Of(evidence.path)).toBe(before);
  }, 30_000);

  it('statements verify --read-only replays every finalized statement and writes nothing', async () => {
    const before = sha256Of(evidence.path);
    const text = await runCli(['statements', 'verify', '--db', evidence.path, '--read-only']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain(`${evidence.finalized.id}: identical (SHA-256 ${evidence.finalized.hash})`);
    expect(text.stdout).toContain('All 1 statement(s) are identical when recomputed.');
    const json = await runCli(['statements', 'verify', '--db', evidence.path, '--read-only', '--json']);
    expect((JSON.parse(json.stdout) as ReplayResult[]).map((r) => [r.statementId, r.identical]))
      .toEqual([[evidence.finalized.id, true]]);
    expect(sha256Of(evidence.path)).toBe(before);
  });

  it('refuses a change made with --read-only, naming auditor mode, with exit code 1', async () => {
    const before = sha256Of(evidence.path);
    const outcome = await runCli(['statements', 'finalize', evidence.draft.id, '--reason', 'x', '--db', evidence.path,
      '--read-only']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Error: This console is in auditor mode (read-only)');
    expect(sha256Of(evidence.path)).toBe(before);
  });

  it('audit export --read-only writes the CSV trail to --out, each entry with its hash, recording nothing', async () => {
    const before = sha256Of(evidence.path);
    const out = join(dir, 'trail.csv');
    const outcome = await runCli(['audit', 'export', '--out', out, '--db', evidence.path, '--read-only']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Wrote the audit trail \(\d+ entries, chain intact\) to /);
    const rows = parseCsv(readFileSync(out, 'utf8').slice(1));
    const listed = JSON.parse((await runCli(['audit', 'list', '--limit', '0', '--json', '--db', evidence.path,
      '--read-only'])).stdout) as { rows: Array<{ seq: number; hash: string }> };
    expect(rows.slice(1).map((r) => [Number(r[0]), r[8]])).toEqual(listed.rows.reverse().map((e) => [e.seq, e.hash]));
    expect(sha256Of(evidence.path)).toBe(before);
  });

  it('audit open serves a bundle read-only: verified, trusted by fingerprint, the signer\'s audit trail', async () => {
    const bundleBefore = sha256Of(bundle);
    const tempsBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('stackmeter-auditor-') && !dir.endsWith(n));
    const served = await serve(['audit', 'open', bundle, '--trust', fingerprint]);
    try {
      const info = await api<{ readOnly: ReadOnlyInfo }>(served, 'app:info');
      expect(info.ok && info.value.readOnly).toMatchObject({ source: 'bundle', path: bundle, fingerprint,
        bundle: { period: PERIOD } });
      const statements = await api<Array<{ id: string; status: string }>>(served, 'statements:list');
      expect(statements.ok && statements.value.map((s) => [s.id, s.status]))
        .toEqual([[evidence.finalized.id, 'finalized']]);
      // The trail under review is the sender's own log (its finalize entry), not the entries of reading the bundle in.
      const audit = await api<{ rows: Array<{ action: string; subject: string }>; total: number }>(served,
        'audit:list', 0, 500);
      expect(audit.ok && audit.value.rows.map((r) => r.action)).toContain('statement.finalize');
      expect(audit.ok && audit.value.rows.map((r) => r.action)).not.toContain('bundle.import');
      const replay = await api<ReplayResult>(served, 'statements:replay', evidence.finalized.id);
      // Priced with the sender's VAT adjustment, which travels in the bundle: the replay is identical.
      expect(replay.ok && replay.value)
        .toMatchObject({ statementId: evidence.finalized.id, hash: evidence.finalized.hash, identical: true });
      const verdict = await api<{ intact: boolean }>(served, 'audit:verify');
      expect(verdict.ok && verdict.value.intact).toBe(true);
      const refused = await api(served, 'adjustments:remove', 'vat', 'no');
      expect(refused.ok || refused.error.code).toBe('READ_ONLY');
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(sha256Of(bundle)).toBe(bundleBefore);
    // The temporary cache the bundle was read into is gone.
    const tempsAfter = readdirSync(tmpdir()).filter((n) => n.startsWith('stackmeter-auditor-') && !dir.endsWith(n));
    expect(tempsAfter.filter((n) => !tempsBefore.includes(n))).toEqual([]);
  }, 30_000);

  it('openBundleReadOnly replays a statement priced with a tax adjustment identical, with the sender\'s adjustments',
    async () => {
      const opened = await openBundleReadOnly(bundle, { clock: CLOCK, log: quiet, trustFingerprint: fingerprint });
      try {
        expect(evidence.finalized.result.adjustmentLines.length).toBeGreaterThan(0);
        expect((await opened.core['adjustments:list']()).map((a) => [a.id, a.type])).toEqual([['vat', 'tax']]);
        expect(opened.imported.counts.find((c) => c.what === 'adjustments')).toMatchObject({ added: 1, present: 0 });
        expect(await opened.core['statements:replay'](evidence.finalized.id))
          .toMatchObject({ identical: true, hash: evidence.finalized.hash });
      } finally {
        await opened.dispose();
      }
    });

  it('audit open refuses a bundle without --trust naming its key, a damaged one naming the failed check', async () => {
    const untrusted = await runCli(['audit', 'open', bundle]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(`passed every check and is signed by key`);
    expect(untrusted.stderr).toContain(fingerprint);
    expect(untrusted.stderr).toContain('--trust <fingerprint>');

    const damaged = join(dir, 'damaged.smb');
    const bytes = readFileSync(bundle);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(damaged, bytes);
    const refused = await runCli(['audit', 'open', damaged, '--trust', fingerprint]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The bundle damaged\.smb is refused\. .+ failed the [a-z0-9-]+ check/);

    const other = join(dir, 'other.txt');
    copyFileSync(CLI, other);
    expect((await runCli(['audit', 'open', other])).stderr).toContain('is neither a Stackmeter cache');
    expect(existsSync(other)).toBe(true);
  });
});
