import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The scan itself runs in `npm test` (npm run scan:electron) over the real main process; this proves that the gate
 * fails where it should, on a main process that undoes the security settings.
 */
const repo = resolve(import.meta.dirname, '../../..');
const unsafe = mkdtempSync(join(tmpdir(), 'stackmeter-unsafe-app-'));
afterAll(() => rmSync(unsafe, { recursive: true, force: true }));

describe('build/electronegativity.js', () => {
  it('fails on an unsafe window, naming the findings, and on allow-list entries that no longer match', () => {
    mkdirSync(join(unsafe, 'electron', 'main'), { recursive: true });
    mkdirSync(join(unsafe, 'electron', 'preload'), { recursive: true });
    mkdirSync(join(unsafe, 'renderer'), { recursive: true });
    writeFileSync(join(unsafe, 'electron', 'main', 'window.ts'), [
      "import { BrowserWindow } from 'electron';",
      'export function open(): BrowserWindow {',
      "  const window = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false } });",
      "  void window.loadURL('http://example.com/');",
      '  return window;',
      '}',
    ].join('\n'));
    writeFileSync(join(unsafe, 'electron', 'preload', 'preload.ts'), 'export {};\n');
    writeFileSync(join(unsafe, 'renderer', 'index.html'), '<!doctype html><title>no CSP</title>');

    const run = spawnSync(process.execPath, ['build/electronegativity.js', '--root', unsafe], { cwd: repo, encoding: 'utf8' });
    expect(run.status).toBe(1);
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'CSP_GLOBAL_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      expect(run.stdout).toMatch(new RegExp(`✗ ${check} \\((HIGH|MEDIUM)`));
    }
    expect(run.stdout).toContain('explains OPEN_EXTERNAL_JS_CHECK in electron/main/window.ts, which the scan no longer reports');
  }, 60_000);
});
