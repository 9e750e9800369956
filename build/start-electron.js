// `npm start`: opens the desktop console with the Electron binary that the `electron` package installed. The package's
// own index.js would try to download a missing binary, so the lookup is repeated here without that side effect.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable as the electron package locates it (path.txt under dist/, or ELECTRON_OVERRIDE_DIST_PATH). */
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, relative || 'electron') : relative ? join(packageDir, 'dist', relative) : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

const binary = electronBinary();
if (binary === null) {
  console.error('Electron\'s binary is not installed on this machine, so the desktop window cannot open; '
    + 'run "npm run demo" for the same console in your browser.');
  process.exit(1);
}

const env = { ...process.env };
// Set by some tools; it would make Electron behave as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [repo, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (err) => {
  console.error(`Could not start Electron (${binary}): ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
