import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * build/electron-builder.yml checked with electron-builder's own loader and JSON schema (app-builder-lib/scheme.json,
 * the validation `electron-builder` itself runs first), plus what the schema cannot know: the fuses, the files the
 * config points at, and the launcher scripts that put the CLI on PATH.
 */
const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-builder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function validate(yaml: string): Promise<Configuration> {
  const file = join(scratch, `config-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  const config = await getConfig(repo, file, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

const yaml = readFileSync(join(repo, 'build/electron-builder.yml'), 'utf8');
let config: Configuration;
beforeAll(async () => {
  config = await validate(yaml);
});

describe('electron-builder configuration', () => {
  it('passes electron-builder\'s schema', () => {
    expect(config.productName).toBe('Stackmeter');
  });

  it.each([
    ['a misspelt key', yaml.replace('oneClick: false', 'oneClik: false')],
    ['a key in the wrong place', yaml.replace('publish: null', 'publish: null\nperMachine: true')],
    ['a wrong type', yaml.replace('npmRebuild: false', 'npmRebuild: "no"')],
    ['a misspelt fuse', yaml.replace('runAsNode: false', 'runAsNodee: false')],
  ])('fails on %s', async (_what, broken) => {
    expect(broken).not.toBe(yaml);
    await expect(validate(broken)).rejects.toThrow(/Invalid configuration object/);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or inspector; encrypted cookies; only the checked app.asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('ships the main, preload, CLI and console bundles without source maps, and the native addon unpacked', () => {
    // electron-builder's loader normalises the list into one filter set.
    expect((config.files as { filter: string[] }[]).flatMap((set) => set.filter)).toEqual(expect.arrayContaining(
      ['dist/main/**/*', 'dist/preload/**/*', 'dist/cli/**/*', 'dist/renderer/**/*', '!dist/**/*.map', 'package.json']));
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });

  it('builds AppImage and deb for Linux, an NSIS installer offering per-user or per-machine and a zip for Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis', 'zip']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
  });

  it('never publishes or updates itself, and ships no remote module', () => {
    expect(config.publish).toBeNull();
    expect(yaml).not.toMatch(/electron-updater|autoUpdate/);
    const lock = readFileSync(join(repo, 'package-lock.json'), 'utf8');
    expect(lock).not.toMatch(/"node_modules\/(@electron\/remote|electron-updater)"/);
  });

  it('points only at files that exist (or that npm run package writes), and keeps the launchers executable', () => {
    const referenced = [
      config.deb!.afterInstall!, config.deb!.afterRemove!,
      ...[config.extraResources, config.linux!.extraResources, config.win!.extraResources]
        .flatMap((list) => (list as { from: string }[] | undefined) ?? []).map((entry) => entry.from),
    ];
    expect(referenced).toContain('dist/THIRD-PARTY-NOTICES.txt');
    for (const file of referenced.filter((f) => !f.startsWith('dist/'))) {
      expect(existsSync(join(repo, file)), file).toBe(true);
    }
    for (const script of ['build/bin/stackmeter', 'build/linux/after-install.sh', 'build/linux/after-remove.sh']) {
      expect(statSync(join(repo, script)).mode & 0o111, script).not.toBe(0);
      expect(spawnSync(script.endsWith('.sh') ? 'bash' : 'sh', ['-n', join(repo, script)]).status, script).toBe(0);
    }
  });

  it('links /usr/bin/stackmeter to the CLI launcher on deb installs', () => {
    const install = readFileSync(join(repo, 'build/linux/after-install.sh'), 'utf8');
    expect(install).toContain("ln -sf '/opt/${sanitizedProductName}/resources/bin/stackmeter' '/usr/bin/${executable}'");
    expect(readFileSync(join(repo, 'build/linux/after-remove.sh'), 'utf8')).toContain("rm -f '/usr/bin/${executable}'");
    expect(readFileSync(join(repo, 'build/bin/stackmeter.cmd'), 'utf8')).toContain('"%~dp0..\\..\\Stackmeter.exe" --cli %*');
  });
});

describe.skipIf(process.platform === 'win32')('build/bin/stackmeter (the installed CLI on Linux)', () => {
  it('runs the app binary beside it with --cli and the arguments, through a symlink as on PATH, keeping the exit code', () => {
    // The installed layout: /opt/Stackmeter/stackmeter, /opt/Stackmeter/resources/bin/stackmeter, /usr/bin link.
    const opt = join(scratch, 'opt', 'Stackmeter');
    mkdirSync(join(opt, 'resources', 'bin'), { recursive: true });
    writeFileSync(join(opt, 'stackmeter'), '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\nexit 3\n');
    chmodSync(join(opt, 'stackmeter'), 0o755);
    writeFileSync(join(opt, 'resources', 'bin', 'stackmeter'), readFileSync(join(repo, 'build/bin/stackmeter')));
    chmodSync(join(opt, 'resources', 'bin', 'stackmeter'), 0o755);
    mkdirSync(join(scratch, 'usr', 'bin'), { recursive: true });
    symlinkSync(join(opt, 'resources', 'bin', 'stackmeter'), join(scratch, 'usr', 'bin', 'stackmeter'));

    const run = (env: Record<string, string>) => spawnSync(join(scratch, 'usr', 'bin', 'stackmeter'),
      ['sync', 'lab', '--from', 'two words'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    const desktop = run({ DISPLAY: ':0' });
    expect(desktop.stdout.trim().split('\n')).toEqual(['arg:--cli', 'arg:sync', 'arg:lab', 'arg:--from', 'arg:two words']);
    expect(desktop.status).toBe(3);
    // Over ssh or from cron there is no display: Chromium's headless platform, since the CLI opens no window.
    expect(run({}).stdout.trim().split('\n'))
      .toEqual(['arg:--ozone-platform=headless', 'arg:--cli', 'arg:sync', 'arg:lab', 'arg:--from', 'arg:two words']);
  });
});

describe('build/package.js', () => {
  it('says what is missing, and builds nothing, when Electron\'s binaries are not on the machine', () => {
    const run = spawnSync(process.execPath, ['build/package.js'], {
      cwd: repo, encoding: 'utf8', env: { ...process.env, STACKMETER_ELECTRON_DIST: join(scratch, 'no-such-folder') },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`STACKMETER_ELECTRON_DIST names ${join(scratch, 'no-such-folder')}, which does not exist.`);
    expect(run.stderr).toMatch(/electron-v\d+\.\d+\.\d+-linux-x64\.zip/);
    expect(run.stderr).toContain('Nothing was built.');
    expect(run.stdout).toBe('');
  });
});
