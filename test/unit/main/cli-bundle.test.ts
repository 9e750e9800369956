import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The CLI as the installed app runs it: the packaged binary has RunAsNode off, so `stackmeter …` starts the app with
 * --cli, and main hands over to dist/cli/cli.cjs. Both bundles are built as `npm run build` builds them, laid out as in
 * the app (dist/ under the app root), and run under plain Node; main gets the stand-in electron module.
 */
const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-cli-bundle-'));
const appRoot = join(scratch, 'app');
const env = { ...process.env, NODE_PATH: join(repo, 'node_modules'), FAKE_APPDATA: join(scratch, 'appdata'), FAKE_APP_ROOT: appRoot };

beforeAll(() => {
  const build = spawnSync(process.execPath, ['build/build-electron.js', '--outdir', join(appRoot, 'dist')], { cwd: repo, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  mkdirSync(join(appRoot, 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html><title>console from the app folder</title>');
  mkdirSync(join(scratch, 'node_modules', 'electron'), { recursive: true });
  copyFileSync(join(repo, 'test/unit/transport/fixtures/fake-electron.cjs'), join(scratch, 'node_modules', 'electron', 'index.js'));
  copyFileSync(join(import.meta.dirname, 'fixtures', 'drive-cli.cjs'), join(scratch, 'drive-cli.cjs'));
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runInstalledCli(args: string[]) {
  const run = spawnSync(process.execPath, [join(scratch, 'drive-cli.cjs'), join(appRoot, 'dist', 'main', 'main.cjs'), ...args],
    { cwd: scratch, encoding: 'utf8', env, timeout: 30_000 });
  const lines = run.stdout.trimEnd().split('\n');
  return { app: JSON.parse(lines.at(-1)!), output: lines.slice(0, -1).join('\n').trim(), stderr: run.stderr };
}

describe('the app binary with --cli', () => {
  it('runs the CLI with no window and exits with its exit code', () => {
    const db = join(scratch, 'cli.sqlite');
    const ok = runInstalledCli(['runs', '--db', db, '--json']);
    expect(ok.app).toEqual({ exitCode: 0, windows: 0, schemes: 0 });
    expect(JSON.parse(ok.output)).toEqual([]);

    const usage = runInstalledCli(['frobnicate']);
    expect(usage.app.exitCode).toBe(2);
    expect(usage.stderr).toContain('Unknown command "frobnicate"');
    expect(usage.app.windows).toBe(0);
  });

  it('prints the same help as the repository\'s CLI', () => {
    const help = runInstalledCli(['--help']);
    const node = spawnSync(process.execPath, ['bin/stackmeter.js', '--help'], { cwd: repo, encoding: 'utf8' });
    expect(help.app.exitCode).toBe(0);
    expect(help.output).toBe(node.stdout.trim());
  });
});

describe('dist/cli/cli.cjs', () => {
  it('serves the console from the app folder\'s dist/renderer (import.meta.url rewritten for the bundle)', async () => {
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(join(appRoot, 'dist', 'cli', 'cli.cjs'))})`
      + `.main(['serve', '--db', ${JSON.stringify(join(scratch, 'serve.sqlite'))}])`], { cwd: scratch, env });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /Console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (found) resolveUrl(found[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('console from the app folder');
    } finally {
      child.kill('SIGINT');
    }
  }, 30_000);
});
