// Bundles the Electron main process and the preload with esbuild.
//   node build/build-electron.js [--only main|preload] [--outdir <dir>]
// Main: one CommonJS file for Node 22 with the core inlined; Electron and the native better-sqlite3 stay external and
// are loaded from node_modules at run time. Preload: one self-contained file, because a sandboxed preload cannot
// require anything but 'electron'.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    outdir: { type: 'string', default: join(repo, 'dist') },
  },
});
if (values.only !== undefined && values.only !== 'main' && values.only !== 'preload') {
  console.error(`--only takes "main" or "preload", not "${values.only}".`);
  process.exit(2);
}
const outdir = resolve(values.outdir);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
  // import.meta is empty in a CommonJS bundle; code that relies on it would silently get undefined, so fail instead.
  logOverride: { 'empty-import-meta': 'error' },
};

const targets = {
  main: {
    ...common,
    entryPoints: [join(repo, 'electron/main/main.ts')],
    outfile: join(outdir, 'main/main.cjs'),
    external: ['electron', 'better-sqlite3'],
  },
  preload: {
    ...common,
    entryPoints: [join(repo, 'electron/preload/preload.ts')],
    outfile: join(outdir, 'preload/preload.cjs'),
    external: ['electron'],
  },
};

const names = values.only ? [values.only] : Object.keys(targets);
try {
  for (const name of names) {
    await build(targets[name]);
    console.log(`built ${name}: ${targets[name].outfile}`);
  }
} catch {
  // esbuild has already printed the errors with their file and line.
  process.exit(1);
}
