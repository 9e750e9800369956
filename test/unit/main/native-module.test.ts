import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Why the packaged app needs no Electron rebuild of better-sqlite3 (electron-builder's npmRebuild stays false): the
 * package ships prebuilt addons for every platform the installers target, and they are N-API addons, whose binary
 * interface is the same in Node and in Electron's embedded Node. An addon built against V8 or Node's C++ API instead
 * would need a build per Electron version; this test fails if an upgrade of better-sqlite3 ever ships one.
 */
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
const prebuild = (target: string) => join(packageDir, 'prebuilds', `${target}.node`);
const hasNm = spawnSync('nm', ['--version']).status === 0;

describe('better-sqlite3\'s prebuilt addon', () => {
  it('exists for every platform the installers target, inside the files electron-builder unpacks from the asar', () => {
    for (const target of ['linux-x64', 'win32-x64', 'linux-arm64']) expect(existsSync(prebuild(target)), target).toBe(true);
    const config = readFileSync(join(import.meta.dirname, '../../../build/electron-builder.yml'), 'utf8');
    expect(config).toContain('- node_modules/better-sqlite3/**/*.node');
    expect(config).toMatch(/^npmRebuild: false$/m);
  });

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64' || !hasNm)(
    'is an N-API module that uses no V8, libuv or Node C++ symbols (so it loads in Electron unchanged)', () => {
      const exported = spawnSync('nm', ['-D', '--defined-only', prebuild('linux-x64')], { encoding: 'utf8' }).stdout;
      const imported = spawnSync('nm', ['-D', '--undefined-only', prebuild('linux-x64')], { encoding: 'utf8' }).stdout;
      expect(exported).toMatch(/ T napi_register_module_v1$/m);
      expect(exported).not.toMatch(/node_register_module_v\d+/);
      const runtimeSymbols = imported.split('\n').map((line) => line.trim().split(/\s+/).at(-1) ?? '')
        .filter((symbol) => /v8|node|uv_/i.test(symbol) && !/^_ZSt\d+_Rb_tree/.test(symbol));
      expect(runtimeSymbols).toEqual([]);
      expect(imported).toMatch(/ U napi_create_function$/m);
    });

  it('opens a database in this Node (the one the CLI and tests run on)', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
  });
});
