import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../../electron/shared/schemas.ts';
import { PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL, invokeChannel } from '../../../electron/shared/contract.ts';

/**
 * Runs the real bundled main process (dist/main/main.cjs as `npm run build` makes it, with the real core and SQLite)
 * under plain Node, with fixtures/fake-electron.cjs standing in for the Electron module that only exists inside
 * Electron's binary. It proves the wiring: window options, app:// serving with the CSP, IPC through the core, the
 * navigation and permission guards, and a quit that waits for the core to close.
 */
const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-main-'));

/** What fixtures/drive-main.cjs prints. */
interface AppResponse { status: number; csp: string | null; type: string | null; body: string }
interface MainReport {
  errors: string[];
  schemes: unknown[];
  userData: string;
  window: { options: Record<string, unknown> & { webPreferences: Record<string, unknown> }; loadedUrl: string };
  channels: string[];
  appInfo: unknown;
  listFromEvilFrame: unknown;
  listFromSubframe: unknown;
  menu: string[];
  importEnabled: boolean;
  maximized: boolean;
  savedState: unknown;
  badArgs: unknown;
  index: AppResponse;
  traversal: AppResponse;
  navigationPrevented: Record<string, boolean>;
  windowOpen: unknown;
  permission: boolean;
  permissionCheck: boolean;
  quit: { events: boolean[]; channelsLeft: number };
}
let report: MainReport;

/** Runs the driver against the bundle built in beforeAll, with extra arguments for main. */
function driveMain(args: string[] = []): MainReport {
  const run = spawnSync(process.execPath,
    [join(scratch, 'drive-main.cjs'), join(scratch, 'dist', 'main', 'main.cjs')], {
      cwd: scratch,
      encoding: 'utf8',
      env: {
        ...process.env,
        // better-sqlite3, left out of the bundle, comes from the repository.
        NODE_PATH: join(repo, 'node_modules'),
        FAKE_APPDATA: join(scratch, 'appdata'),
        FAKE_APP_ROOT: scratch,
        MAIN_ARGS: JSON.stringify(args),
      },
    });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as MainReport;
}

beforeAll(() => {
  const build = spawnSync(process.execPath, ['build/build-electron.js', '--outdir', join(scratch, 'dist')],
    { cwd: repo, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  mkdirSync(join(scratch, 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(scratch, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Stackmeter console</title>');
  writeFileSync(join(scratch, 'package.json'), '{"secret": "outside the renderer folder"}');
  mkdirSync(join(scratch, 'node_modules', 'electron'), { recursive: true });
  copyFileSync(join(import.meta.dirname, 'fixtures', 'fake-electron.cjs'), join(scratch, 'node_modules', 'electron', 'index.js'));
  // The driver runs from the scratch folder, so that require('electron') finds the stand-in, never the real package.
  copyFileSync(join(import.meta.dirname, 'fixtures', 'drive-main.cjs'), join(scratch, 'drive-main.cjs'));

  report = driveMain();
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Electron main process (bundled, under a stand-in electron module)', () => {
  it('starts without an error and opens its cache in <appData>/Stackmeter', () => {
    expect(report.errors).toEqual([]);
    expect(report.userData).toBe(join(scratch, 'appdata', 'Stackmeter'));
    expect(existsSync(join(scratch, 'appdata', 'Stackmeter', 'stackmeter.sqlite'))).toBe(true);
  });

  it('opens one isolated, sandboxed window on app:// with the bundled preload', () => {
    expect(report.window.loadedUrl).toBe('app://stackmeter/index.html');
    expect(report.window.options.webPreferences).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false,
      preload: join(scratch, 'dist', 'preload', 'preload.cjs'),
    });
    expect(report.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('serves the renderer over app:// with the CSP header and nothing outside it', () => {
    expect(report.index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(report.index.body).toContain('Stackmeter console');
    expect(report.index.csp).toContain("default-src 'self'");
    expect(report.traversal.status).toBe(404);
    expect(report.traversal.body).not.toContain('outside the renderer folder');
  });

  it('answers the contract over IPC through the real core, for the console frame only', () => {
    expect(report.channels).toEqual([...METHODS.map(invokeChannel), PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL].sort());
    expect(report.appInfo).toMatchObject({
      ok: true, value: { dbPath: join(scratch, 'appdata', 'Stackmeter', 'stackmeter.sqlite'), canProtectSecrets: true },
    });
    expect(report.listFromEvilFrame).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.listFromSubframe).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.badArgs).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('reopens the window where it was, installs the menu, and remembers the window on close', () => {
    expect(report.window.options).toMatchObject({ x: 10, y: 20, width: 1200, height: 800, minWidth: 1024, minHeight: 700 });
    expect(report.window.options.webPreferences).toMatchObject({ disableBlinkFeatures: 'Auxclick' });
    expect(report.maximized).toBe(true);
    expect(report.menu).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(report.importEnabled).toBe(true);
    expect(report.savedState).toEqual({ x: 30, y: 20, width: 1200, height: 800, maximized: true });
  });

  it('denies navigation away from the console, new windows and permissions', () => {
    expect(report.navigationPrevented).toEqual({ evil: true, file: true, redirect: true, inApp: false });
    // Written to the log file beside the cache, since an app started from a menu has no terminal.
    expect(readFileSync(join(scratch, 'appdata', 'Stackmeter', 'logs', 'stackmeter.log'), 'utf8'))
      .toContain('warn Refused to leave the console {"what":"navigation","url":"https://evil.example/"}');
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.permission).toBe(false);
    expect(report.permissionCheck).toBe(false);
  });

  it('holds the first quit until the core has closed, then quits with the IPC handlers removed', () => {
    expect(report.quit).toEqual({ events: [true, false], channelsLeft: 0 });
  });

  it('opens another cache read-only with --read-only (File › Open read-only… relaunches with it)', () => {
    const cache = join(scratch, 'appdata', 'Stackmeter', 'stackmeter.sqlite');
    const readOnly = driveMain(['--read-only', cache]);
    expect(readOnly.errors).toEqual([]);
    expect(readOnly.appInfo).toMatchObject({
      ok: true, value: { dbPath: cache, canProtectSecrets: false, readOnly: { source: 'cache', path: cache } },
    });
    expect(readOnly.importEnabled).toBe(false);
  }, 30_000);
});
