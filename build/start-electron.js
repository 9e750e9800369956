// `npm start`: opens the desktop console with the Electron binary that the `electron` package installed.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELECTRON_MISSING, electronBinary } from '../electron/cli/electron-binary.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const binary = electronBinary();
if (binary === null) {
  console.error(ELECTRON_MISSING);
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
