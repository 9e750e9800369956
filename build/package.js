// `npm run package [-- <electron-builder options, e.g. --linux --win>]`: builds the app, writes the third-party licence
// notices and runs electron-builder with build/electron-builder.yml, never publishing anything.
//
// electron-builder needs Electron's prebuilt binaries for each target platform and would download them; disconnected
// build machines (and this repository's CI) cannot. So the binaries come from a local folder, checked before anything
// is built: STACKMETER_ELECTRON_DIST names a folder holding electron-v<version>-<platform>-<arch>.zip files (as
// published on Electron's GitHub releases page) or an unpacked Electron; without it, the electron package's own dist/
// (present where `node node_modules/electron/install.js` once ran) is used for the current platform.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')).version;

/** The folder to hand to electron-builder as electronDist, or the reason there is none. */
function findElectronDist(env) {
  const named = env.STACKMETER_ELECTRON_DIST;
  if (named) {
    const dir = resolve(named);
    if (!existsSync(dir)) return { error: `STACKMETER_ELECTRON_DIST names ${dir}, which does not exist.` };
    const entries = readdirSync(dir);
    const zips = entries.filter((name) => name.startsWith(`electron-v${electronVersion}-`) && name.endsWith('.zip'));
    const unpacked = entries.some((name) => name === 'electron' || name === 'electron.exe');
    if (zips.length === 0 && !unpacked) {
      return {
        error: `${dir} holds neither electron-v${electronVersion}-<platform>-<arch>.zip files nor an unpacked Electron `
          + `${electronVersion} (found: ${entries.slice(0, 8).join(', ') || 'nothing'}).`,
      };
    }
    return { dir, found: zips.length > 0 ? zips.join(', ') : `an unpacked Electron in ${dir}` };
  }
  const bundled = join(repo, 'node_modules/electron/dist');
  if (existsSync(join(bundled, process.platform === 'win32' ? 'electron.exe' : 'electron'))) {
    return { dir: bundled, found: `the electron package's own binary (${bundled}), for this platform only` };
  }
  return {
    error: `Electron ${electronVersion}'s binaries are not on this machine, and electron-builder cannot download them `
      + 'here.',
  };
}

const dist = findElectronDist(process.env);
if (dist.error) {
  console.error(`npm run package: ${dist.error}`);
  console.error(`Put electron-v${electronVersion}-linux-x64.zip and electron-v${electronVersion}-win32-x64.zip (from `
    + `https://github.com/electron/electron/releases/tag/v${electronVersion}) in a folder and run `
    + '"STACKMETER_ELECTRON_DIST=<folder> npm run package -- --linux --win", or run it on a machine where '
    + '"node node_modules/electron/install.js" has fetched Electron. Nothing was built.');
  process.exit(1);
}
console.log(`Electron ${electronVersion}: ${dist.found}`);

function step(title, command, args) {
  console.log(`\n> ${title}`);
  const run = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`npm run package: ${title} failed${run.error ? ` (${run.error.message})` : ''}.`);
    process.exit(run.status ?? 1);
  }
}

const node = process.execPath;
const vite = join(repo, 'node_modules/vite/bin/vite.js');
step('console (Vite)', node, [vite, 'build', '--config', 'build/vite.renderer.config.ts']);
step('main, preload and CLI (esbuild)', node, ['build/build-electron.js']);
step('third-party licence notices', node, ['build/third-party-notices.js', '--out', 'dist/THIRD-PARTY-NOTICES.txt']);
step('installers (electron-builder)', node, [
  join(repo, 'node_modules/electron-builder/cli.js'),
  '--config', 'build/electron-builder.yml',
  `--config.electronDist=${dist.dir}`,
  '--publish', 'never',
  ...process.argv.slice(2),
]);
console.log(`\nInstallers are in ${join(repo, 'release')}.`);
