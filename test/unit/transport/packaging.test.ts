import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-packaging-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runNode(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('build/build-electron.js', () => {
  it('bundles a self-contained preload that requires nothing but electron', () => {
    const run = runNode(['build/build-electron.js', '--only', 'preload', '--outdir', scratch]);
    expect(run.status, run.stderr).toBe(0);
    const bundle = readFileSync(join(scratch, 'preload', 'preload.cjs'), 'utf8');
    expect(new Set(bundle.match(/require\("[^"]+"\)/g))).toEqual(new Set(['require("electron")']));
    expect(bundle).toContain('exposeInMainWorld');
  });

  it('bundles main as CommonJS with electron and better-sqlite3 left to node_modules', () => {
    const run = runNode(['build/build-electron.js', '--only', 'main', '--outdir', scratch]);
    expect(run.status, run.stderr).toBe(0);
    const bundle = readFileSync(join(scratch, 'main', 'main.cjs'), 'utf8');
    expect(bundle).toContain('require("electron")');
    expect(bundle).toContain('require("better-sqlite3")');
    expect(bundle).not.toMatch(/require\("(zod|decimal\.js|\.\.?\/)/);
  });

  it('refuses an unknown target', () => {
    expect(runNode(['build/build-electron.js', '--only', 'renderer', '--outdir', scratch]).status).toBe(2);
  });
});

describe('build/start-electron.js', () => {
  it('explains in one line, and exits 1, when the Electron binary is missing', () => {
    const run = runNode(['build/start-electron.js'], { ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'no-electron') });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'Electron\'s binary is not installed on this machine, so the desktop window cannot open; '
      + 'run "npm run demo" for the same console in your browser.',
    ]);
  });

  it.skipIf(process.platform === 'win32')('starts the binary on the repository and passes its exit code on', () => {
    // A stand-in executable where the electron package would look; it records how it was started.
    const dist = mkdtempSync(join(scratch, 'electron-dist-'));
    const binary = join(dist, 'electron');
    writeFileSync(binary, `#!/bin/sh\necho "args:$*"\necho "run-as-node:\${ELECTRON_RUN_AS_NODE:-unset}"\nexit 7\n`);
    chmodSync(binary, 0o755);
    const run = runNode(['build/start-electron.js'], { ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '1' });
    expect(run.status).toBe(7);
    expect(run.stdout).toContain(`args:${repo}`);
    expect(run.stdout).toContain('run-as-node:unset');
  });
});
