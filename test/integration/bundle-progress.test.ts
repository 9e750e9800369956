// Progress of bundle export, verification and import: the core's callbacks and `bundles:progress` events, and the
// bars the CLI draws on stderr while stdout stays what it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/core/bundles/export.ts';
import { importBundleFile } from '../../electron/core/bundles/import.ts';
import { unlockSigningKey } from '../../electron/core/bundles/key-store.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { BundleExportResult, BundleProgress } from '../../electron/shared/bundles.ts';
import { runCli } from '../support/cli.ts';
import { cachedRows, quiet } from './sync-helpers.ts';
import { fillCache } from './usage-fixture.ts';

const PASSPHRASE = 'correct horse battery staple';
const ENV = { STACKMETER_BUNDLE_PASSPHRASE: PASSPHRASE, USER: 'operator' };
const PERIOD = { from: '2026-10-01', to: '2026-12-01' };
const NOW = new Date('2026-12-03T09:00:00Z');
const ACTOR = { user: 'test', at: NOW };
const CHUNK = 16 * 1024;

let dir: string;
let sourcePath: string;
let source: Core;
let full: BundleExportResult;
/** The same period in usage chunks of at most CHUNK bytes, and the progress its export reported. */
let chunked: { path: string; fileName: string; rows: number };
let exportProgress: BundleProgress[];

const open = (file: string): Core => createCore({
  dbPath: join(dir, file), clock: { now: () => NOW }, log: quiet, env: ENV, exportDir: join(dir, 'exports'),
});

/** Each phase's reports: done never goes back, and the last report is done = total = the phase's total. */
function expectMonotonic(reports: BundleProgress[], total: number): void {
  expect(reports.length).toBeGreaterThan(2);
  for (let i = 1; i < reports.length; i++) {
    expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
    expect(reports[i]!.percent).toBeGreaterThanOrEqual(reports[i - 1]!.percent);
  }
  expect(reports[0]).toMatchObject({ done: 0, percent: 0 });
  expect(reports.at(-1)).toMatchObject({ done: total, total, percent: 100 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-bundle-progress-'));
  sourcePath = join(dir, 'source.sqlite');
  const db = openCache(sourcePath);
  fillCache(db);
  db.close();
  source = open('source.sqlite');
  full = await source['bundles:export']({ period: PERIOD });
  const sourceDb = new Database(sourcePath);
  try {
    const { privateKeyPem } = unlockSigningKey(sourceDb, { passphrase: PASSPHRASE }, ACTOR);
    exportProgress = [];
    chunked = (await exportBundle(sourceDb, { period: PERIOD }, {
      dir: join(dir, 'chunked'), now: NOW, privateKeyPem, usageChunkBytes: CHUNK,
      onProgress: (p) => exportProgress.push(p),
    })).file;
  } finally {
    sourceDb.close();
  }
});

afterAll(async () => {
  await source.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundle progress in the core', () => {
  it('export reports usage records per chunk, its total from the hourly rollup, ending at every record', () => {
    expect(chunked.rows).toBe(cachedRows(sourcePath).size);
    // The total known before the first chunk is the count the export wrote: no correction at the end.
    expect(new Set(exportProgress.map((p) => p.total))).toEqual(new Set([chunked.rows]));
    expectMonotonic(exportProgress, chunked.rows);
    expect(exportProgress.every((p) => p.operation === 'export' && p.phase === 'writing' && p.unit === 'records'
      && p.fileName === chunked.fileName)).toBe(true);
    // One report before the first chunk, then one per chunk: several chunks, so several steps in between.
    expect(exportProgress.length).toBeGreaterThan(4);
  });

  it('import reports its verify pass, then its write pass, per usage chunk, and still imports everything', () => {
    const reports: BundleProgress[] = [];
    const db = openCache(join(dir, 'target.sqlite'));
    try {
      const result = importBundleFile(db, chunked.path, {
        fileName: chunked.fileName, actor: ACTOR, trustFingerprint: full.fingerprint,
        onProgress: (p) => reports.push(p),
      });
      expect(result.counts.find((c) => c.what === 'usage records')).toMatchObject({ added: chunked.rows });
    } finally {
      db.close();
    }
    const chunks = exportProgress.length - 1;
    const verifying = reports.filter((p) => p.phase === 'verifying');
    const importing = reports.filter((p) => p.phase === 'importing');
    expect(reports).toEqual([...verifying, ...importing]);
    expectMonotonic(verifying, chunks);
    expectMonotonic(importing, chunks);
    expect(reports.every((p) => p.operation === 'import' && p.unit === 'chunks' && p.fileName === chunked.fileName))
      .toBe(true);
  });

  it('a progress callback that throws during the write pass leaves nothing of the import behind', () => {
    const path = join(dir, 'thrown.sqlite');
    const db = openCache(path);
    try {
      expect(() => importBundleFile(db, chunked.path, {
        fileName: chunked.fileName, actor: ACTOR, trustFingerprint: full.fingerprint,
        onProgress: (p) => {
          if (p.phase === 'importing' && p.done === 2) throw new Error('display gone');
        },
      })).toThrow('display gone');
      expect(db.prepare('SELECT count(*) FROM usage_records').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM bundle_trusted_keys').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('the core emits bundles:progress for export, verify and import', async () => {
    const events: BundleProgress[] = [];
    const off = source.on('bundles:progress', (p) => events.push(p));
    try {
      const again = await source['bundles:export']({ period: PERIOD });
      const ref = source.acceptFile(chunked.path, chunked.fileName);
      await source['bundles:verify'](ref);
      expect(events.filter((p) => p.operation === 'export').at(-1))
        .toMatchObject({ done: again.counts.usage, total: again.counts.usage, percent: 100 });
      // The name the export was started under: a second export in the same second is published with a suffix.
      expect(again.fileName.startsWith(events[0]!.fileName.replace(/\.smb$/, ''))).toBe(true);
      expect(events.filter((p) => p.operation === 'verify').at(-1)).toMatchObject({
        fileName: chunked.fileName, phase: 'verifying', done: exportProgress.length - 1, percent: 100,
      });
    } finally {
      off();
    }
  });
});

describe('bundle progress in the CLI', () => {
  it('export, verify and import draw one line per 10 % on a pipe, on stderr only', async () => {
    const saved = process.env.STACKMETER_BUNDLE_PASSPHRASE;
    process.env.STACKMETER_BUNDLE_PASSPHRASE = PASSPHRASE;
    try {
      const out = join(dir, 'cli.smb');
      const exported = await runCli(['bundle', 'export', '--period', '2026-10', '--out', out, '--db', sourcePath]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).not.toContain('[');
      expect(exported.stdout).toMatch(/^Wrote .*cli\.smb/);
      // One chunk: its start and its end.
      expect(exported.stderr).toMatch(/^\[-{28}\] {3}0\.0% {2}writing {2}0\/\d[\d,]* usage records {2}stackmeter-bundle-/m);
      expect(exported.stderr).toMatch(/^\[#{28}\] 100\.0% {2}writing/m);

      const verified = await runCli(['bundle', 'verify', chunked.path]);
      expect(verified.code).toBe(0);
      const chunks = exportProgress.length - 1;
      const verifyLines = verified.stderr.split('\n').filter((l) => l.includes('verifying'));
      // At most one line per 10 % step, from 0 % to 100 %.
      expect(verifyLines.length).toBeGreaterThan(2);
      expect(verifyLines.length).toBeLessThanOrEqual(11);
      expect(verifyLines[0]).toContain(`0/${chunks} usage chunks  ${chunked.fileName}`);
      expect(verifyLines.at(-1)).toContain(`100.0%  verifying  ${chunks}/${chunks} usage chunks`);
      expect(verified.stdout).not.toContain('verifying');

      const imported = await runCli(['bundle', 'import', chunked.path, '--trust', full.fingerprint, '--json',
        '--db', join(dir, 'cli-target.sqlite')]);
      expect(imported.code, imported.stderr).toBe(0);
      const result = JSON.parse(imported.stdout) as { counts: { what: string; added: number }[] };
      expect(result.counts.find((c) => c.what === 'usage records')?.added).toBe(chunked.rows);
      const lines = imported.stderr.trimEnd().split('\n');
      const steps = (phase: string) => lines.filter((l) => l.includes(`  ${phase}  `))
        .map((l) => Math.floor(Number(/(\d+\.\d)%/.exec(l)![1]) / 10));
      for (const phase of ['verifying', 'importing']) {
        const seen = steps(phase);
        expect(seen[0]).toBe(0);
        expect(seen.at(-1)).toBe(10);
        // Each 10 % step at most once, rising.
        expect(seen).toEqual([...new Set(seen)].sort((a, b) => a - b));
      }
      expect(lines.findIndex((l) => l.includes('importing'))).toBeGreaterThan(
        lines.findLastIndex((l) => l.includes('verifying')));
    } finally {
      if (saved === undefined) delete process.env.STACKMETER_BUNDLE_PASSPHRASE;
      else process.env.STACKMETER_BUNDLE_PASSPHRASE = saved;
    }
  });
});
