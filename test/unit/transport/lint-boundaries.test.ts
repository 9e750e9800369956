import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The import boundaries of DESIGN.md ("Which folder may import which") are held by eslint.config.js. Each case lints a
 * snippet as if it lived at the given path and checks that the repository's real configuration refuses (or allows) it.
 */
const repo = resolve(import.meta.dirname, '../../..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repo });
});

async function restrictedImports(path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(repo, path) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `${path} did not parse`).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2);
}

const refused: [path: string, specifier: string][] = [
  // Electron anywhere but main and preload.
  ['electron/core/sync/engine.ts', 'electron'],
  ['electron/cli/main.ts', 'electron'],
  ['electron/server/server.ts', 'electron'],
  ['electron/shared/contract.ts', 'electron'],
  ['renderer/src/api/client.ts', 'electron'],
  ['build/build-electron.js', 'electron'],
  ['test/unit/core/anything.test.ts', 'electron'],
  // The renderer: no Node, no native or Node-only packages, none of our Node-side folders.
  ['renderer/src/api/client.ts', 'node:fs'],
  ['renderer/src/api/client.ts', 'fs'],
  ['renderer/src/api/client.ts', 'fs/promises'],
  ['renderer/src/stores/usage.ts', 'path'],
  ['renderer/src/stores/usage.ts', 'crypto'],
  ['renderer/src/stores/usage.ts', 'child_process'],
  ['renderer/src/stores/usage.ts', 'http'],
  ['renderer/src/stores/usage.ts', 'worker_threads'],
  ['renderer/src/stores/usage.ts', 'better-sqlite3'],
  ['renderer/src/stores/usage.ts', '../../../electron/core/index.ts'],
  ['renderer/src/stores/usage.ts', '../../../electron/core/types.ts'],
  ['renderer/src/stores/usage.ts', '../../../electron/main/ipc.ts'],
  ['renderer/src/stores/usage.ts', '../../../electron/preload/preload.ts'],
  ['renderer/src/stores/usage.ts', '../../../electron/cli/main.ts'],
  ['renderer/src/stores/usage.ts', '../../../electron/server/server.ts'],
  // The shared contract: runtime-neutral and depending on nothing else of ours.
  ['electron/shared/schemas.ts', 'node:path'],
  ['electron/shared/schemas.ts', 'os'],
  ['electron/shared/schemas.ts', 'better-sqlite3'],
  ['electron/shared/schemas.ts', '../core/types.ts'],
  ['electron/shared/schemas.ts', '../main/ipc.ts'],
  ['electron/shared/schemas.ts', '../server/server.ts'],
  ['electron/shared/schemas.ts', '../../renderer/src/api/client.ts'],
  // The core and the front doors built on it.
  ['electron/core/sync/engine.ts', '../../main/ipc.ts'],
  ['electron/core/sync/engine.ts', '../../preload/preload.ts'],
  ['electron/core/sync/engine.ts', '../../cli/main.ts'],
  ['electron/core/sync/engine.ts', '../../server/server.ts'],
  ['electron/core/index.ts', '../../renderer/src/main.ts'],
  ['electron/server/server.ts', '../main/ipc.ts'],
  ['electron/server/server.ts', '../preload/preload.ts'],
  ['electron/cli/commands/serve.ts', '../../main/main.ts'],
  ['electron/cli/commands/serve.ts', '../../../renderer/src/main.ts'],
  // Main talks to the preload and the renderer through IPC only.
  ['electron/main/main.ts', '../preload/preload.ts'],
  ['electron/main/main.ts', '../cli/main.ts'],
  ['electron/main/main.ts', '../../renderer/src/main.ts'],
  // The sandboxed preload: electron and shared only.
  ['electron/preload/preload.ts', 'node:fs'],
  ['electron/preload/preload.ts', 'path'],
  ['electron/preload/preload.ts', '../core/index.ts'],
  ['electron/preload/preload.ts', '../main/ipc.ts'],
  ['electron/preload/preload.ts', 'better-sqlite3'],
];

const allowed: [path: string, specifier: string][] = [
  ['electron/main/main.ts', 'electron'],
  ['electron/main/main.ts', 'node:path'],
  ['electron/main/main.ts', '../core/index.ts'],
  ['electron/main/main.ts', '../shared/contract.ts'],
  ['electron/main/app-files.ts', '../server/static-files.ts'],
  ['electron/preload/preload.ts', 'electron'],
  ['electron/preload/preload.ts', '../shared/contract.ts'],
  ['renderer/src/api/client.ts', '../../../electron/shared/contract.ts'],
  ['renderer/src/api/client.ts', 'vue'],
  ['renderer/src/stores/usage.ts', 'pinia'],
  ['renderer/src/charts/usage.ts', 'chart.js'],
  ['electron/shared/schemas.ts', 'zod'],
  ['electron/shared/schemas.ts', './contract.ts'],
  ['electron/core/index.ts', 'better-sqlite3'],
  ['electron/core/index.ts', 'node:fs/promises'],
  ['electron/core/index.ts', '../shared/schemas.ts'],
  ['electron/core/sync/engine.ts', '../cache/open.ts'],
  ['electron/core/sync/engine.ts', 'zod/v4/core'],
  ['electron/server/server.ts', 'node:http'],
  ['electron/server/server.ts', '../core/dispatch.ts'],
  ['electron/cli/main.ts', '../core/index.ts'],
  ['electron/cli/main.ts', '../server/server.ts'],
  ['test/integration/server.test.ts', '../../electron/server/server.ts'],
  ['test/unit/transport/ipc.test.ts', '../../../electron/main/ipc.ts'],
  ['build/build-electron.js', 'esbuild'],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(refused)('%s may not import %s', async (path, specifier) => {
    const errors = await restrictedImports(path, `import * as refused from '${specifier}';\nexport { refused };\n`);
    expect(errors).toHaveLength(1);
  });

  it.each(allowed)('%s may import %s', async (path, specifier) => {
    expect(await restrictedImports(path, `import * as allowed from '${specifier}';\nexport { allowed };\n`)).toEqual([]);
  });

  it('catches type-only imports and re-exports too', async () => {
    expect(await restrictedImports('renderer/src/api/client.ts',
      "import type { Core } from '../../../electron/core/types.ts';\nexport type { Core };\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/api/client.ts',
      "export { createCore } from '../../../electron/core/index.ts';\n")).toHaveLength(1);
  });

  it('applies to Vue single-file components', async () => {
    const component = '<script setup lang="ts">\nimport { readFileSync } from \'node:fs\';\n'
      + 'const text = readFileSync(\'x\');\n</script>\n\n<template>\n  <p>{{ text }}</p>\n</template>\n';
    expect(await restrictedImports('renderer/src/components/Leaky.vue', component)).toHaveLength(1);
  });

  it('says why, so the message is actionable', async () => {
    const [error] = await restrictedImports('electron/core/sync/engine.ts', "import { app } from 'electron';\nexport { app };\n");
    expect(error.message).toMatch(/Only electron\/main and electron\/preload may import Electron/);
  });
});
