// `npm run typecheck`: one compiler run per runtime project, so each keeps its own globals (no DOM in the core, no
// Node in the shared contract). Runs them one after another and fails if any fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

const projects = [
  { project: 'electron/shared/tsconfig.json', compiler: tsc },
  { project: 'electron/tsconfig.node.json', compiler: tsc },
  { project: 'electron/tsconfig.electron.json', compiler: tsc },
  { project: 'test/tsconfig.json', compiler: tsc },
  { project: 'renderer/tsconfig.json', compiler: 'vue-tsc', optional: true },
];

let failed = 0;
for (const { project, compiler, optional } of projects) {
  if (optional && !existsSync(join(repo, project))) {
    console.log(`- ${project}: skipped (not created yet)`);
    continue;
  }
  const bin = compiler === 'vue-tsc' ? require.resolve('vue-tsc/bin/vue-tsc.js') : compiler;
  const started = Date.now();
  const run = spawnSync(process.execPath, [bin, '-p', project, '--pretty'], { cwd: repo, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) {
    console.log(`✓ ${project} (${seconds}s)`);
  } else {
    failed += 1;
    console.log(`✗ ${project} (${seconds}s)${run.error ? `: ${run.error.message}` : ''}`);
  }
}
if (failed > 0) {
  console.log(`${failed} project(s) failed to typecheck.`);
  process.exit(1);
}
