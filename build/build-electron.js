// Bundles the Electron main process, the preload and the CLI that the installed app runs (`stackmeter …` → the app
// binary with --cli) with esbuild.
//   node build/build-electron.js [--only main|preload|cli] [--outdir <dir>]
// Main and CLI: one CommonJS file each for Node 22 with the core inlined; Electron and the native better-sqlite3 stay
// external and are loaded from node_modules at run time. Preload: one self-contained file, because a sandboxed preload
// cannot require anything but 'electron'.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    outdir: { type: 'string', default: join(repo, 'dist') },
  },
});
const TARGETS = ['main', 'preload', 'cli'];
if (values.only !== undefined && !TARGETS.includes(values.only)) {
  console.error(`--only takes ${TARGETS.map((t) => `"${t}"`).join(', ')}, not "${values.only}".`);
  process.exit(2);
}
const outdir = resolve(values.outdir);

/**
 * `import.meta.url` is empty in a CommonJS bundle. The CLI finds the built console with it (`new URL('../../../dist/
 * renderer/', import.meta.url)`), so each source file's `import.meta.url` becomes the URL that file would have beside
 * the bundle: every bundle lies two folders below the app root (dist/<name>/), as the sources lie under electron/, so
 * the relative paths the code computes from it land where they do in the repository, inside app.asar included.
 */
const sourceFileUrls = {
  name: 'source-file-urls',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]electron[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromRoot = relative(repo, args.path).split('\\').join('/');
      const path = `require('node:path').join(__dirname, '..', '..', ${JSON.stringify(fromRoot)})`;
      const url = `require('node:url').pathToFileURL(${path}).href`;
      return { contents: source.replaceAll('import.meta.url', `(${url})`), loader: 'ts' };
    });
  },
};

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
  cli: {
    ...common,
    entryPoints: [join(repo, 'electron/cli/main.ts')],
    outfile: join(outdir, 'cli/cli.cjs'),
    external: ['electron', 'better-sqlite3'],
    plugins: [sourceFileUrls],
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
