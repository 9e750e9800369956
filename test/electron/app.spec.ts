import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { REPO, electronForTests } from './availability.ts';

const available = electronForTests();

test.describe('desktop app', () => {
  test.skip('missing' in available, 'missing' in available ? available.missing : '');

  let app: ElectronApplication;
  let page: Page;
  let home: string;

  test.beforeAll(async () => {
    if (!('binary' in available)) return;
    // A fresh data folder: on Linux Electron's appData follows XDG_CONFIG_HOME (window state and log go there too);
    // STACKMETER_DB puts the cache in it on every system.
    home = mkdtempSync(join(tmpdir(), 'stackmeter-electron-'));
    const env = { ...process.env, XDG_CONFIG_HOME: home, STACKMETER_DB: join(home, 'stackmeter.sqlite') } as Record<string, string>;
    delete env.ELECTRON_RUN_AS_NODE;
    app = await electron.launch({
      executablePath: available.binary,
      // Chromium refuses to start its sandbox as root (containers); the page's sandbox setting is still checked below.
      args: [REPO, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('opens one window on app:// with the console, on the cache it was given', async () => {
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/^app:\/\/stackmeter\/index\.html/);
    await expect(page).toHaveTitle(/Stackmeter/);
    const info = await page.evaluate(() => (window as unknown as { stackmeter: { invoke(m: string, a: unknown[]): Promise<unknown> } })
      .stackmeter.invoke('app:info', []));
    expect(info).toMatchObject({ ok: true, value: { dbPath: join(home, 'stackmeter.sqlite'), readOnly: null } });
    await page.screenshot({ path: join(REPO, 'test-results/electron/desktop-overview.png') });
  });

  test('gives the page the bridge (calls, events, file dialogs) and nothing of Node or Electron', async () => {
    const globals = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { stackmeter: object }).stackmeter).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: ['invoke', 'on', 'pickFile', 'saveExports'], require: 'undefined', process: 'undefined' });
  });

  test('serves the console with the CSP header and keeps the window on it', async () => {
    const csp = await page.evaluate(async () => (await fetch('app://stackmeter/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'self'");
    expect(await page.evaluate(() => window.open('https://evil.example/') === null)).toBe(true);
    await page.evaluate(() => { window.location.href = 'https://evil.example/'; });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/stackmeter\//);
    expect(app.windows()).toHaveLength(1);
  });

  test('has the application menu with File, Edit, View and Help', async () => {
    const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.items.map((item) => item.label.replace('&', '')));
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Help']));
    const file = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.items
      .find((item) => item.label.replace('&', '') === 'File')!.submenu!.items.map((item) => item.label));
    expect(file).toEqual(expect.arrayContaining(['Import usage files…', 'Export bundle…', 'Open read-only…']));
  });
});
