// ESLint flat config. Besides the usual recommended rules, it holds the architecture's import boundaries (DESIGN.md,
// "Which folder may import which"): the compiler keeps each runtime's globals apart, these rules keep the folders apart.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const SOURCE_FILES = ['**/*.{js,mjs,cjs,ts,mts,cts,vue}'];

// --- Import restrictions, composed per folder --------------------------------------------------------------------

const electronImport = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import Electron; everything else must run under plain Node.',
};

const nodeBuiltins = {
  paths: builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({
    name,
    message: 'This code also runs outside Node (the sandboxed preload, the browser, the shared contract); '
      + 'Node built-ins are not available there.',
  })),
  patterns: [{
    regex: '^node:',
    message: 'This code also runs outside Node (the sandboxed preload, the browser, the shared contract); '
      + 'Node built-ins are not available there.',
  }],
};

/**
 * A relative import that climbs up (`../`) and then enters one of our top-level folders. `electron/` may appear on the
 * way (from renderer/ or test/), so both `../main/x.ts` and `../../electron/main/x.ts` are caught.
 */
function ourFolders(folders, message) {
  const names = folders.join('|');
  return { regex: `^(\\.\\./)+(electron/)?(${names})(/|$)`, message };
}

function restrict({ electron = true, node = false, packages = [], folders = [], why = '' }) {
  const paths = [...(electron ? [electronImport] : []), ...(node ? nodeBuiltins.paths : []),
    ...packages.map((name) => ({ name, message: `${name} cannot be used here. ${why}`.trim() }))];
  const patterns = [...(node ? nodeBuiltins.patterns : []),
    ...(folders.length > 0 ? [ourFolders(folders, `This folder may not import electron/{${folders.join(',')}}. ${why}`.trim())] : [])];
  return ['error', { paths, patterns }];
}

const boundaries = [
  // Everything not listed below (build scripts, tests, configs, the CLI entry): no Electron.
  { files: SOURCE_FILES, rules: { 'no-restricted-imports': restrict({}) } },
  {
    files: ['electron/shared/**'],
    rules: {
      'no-restricted-imports': restrict({
        node: true,
        packages: ['better-sqlite3', 'undici', 'vue', 'pinia'],
        folders: ['core', 'main', 'preload', 'cli', 'server', 'renderer'],
        why: 'electron/shared is the runtime-neutral contract imported by every other folder.',
      }),
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['main', 'preload', 'cli', 'server', 'renderer'],
        why: 'The core is the plain-Node domain layer; the front doors depend on it, not the reverse.',
      }),
    },
  },
  {
    files: ['electron/cli/**', 'electron/server/**'],
    rules: {
      'no-restricted-imports': restrict({
        folders: ['main', 'preload', 'renderer'],
        why: 'The CLI and the browser-mode server are built on the core and shared only.',
      }),
    },
  },
  {
    files: ['electron/main/**'],
    rules: {
      'no-restricted-imports': restrict({
        electron: false,
        folders: ['preload', 'cli', 'renderer'],
        why: 'The main process talks to the preload and the renderer only through IPC.',
      }),
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': restrict({
        electron: false,
        node: true,
        packages: ['better-sqlite3', 'undici', 'zod'],
        folders: ['core', 'main', 'cli', 'server', 'renderer'],
        why: 'The sandboxed preload can only require electron; it may use channel names from electron/shared.',
      }),
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrict({
        node: true,
        packages: ['better-sqlite3', 'undici'],
        folders: ['core', 'main', 'preload', 'cli', 'server'],
        why: 'The console reaches the core only through src/api (IPC or HTTP); it may import electron/shared.',
      }),
    },
  },
];

// --- The config ---------------------------------------------------------------------------------------------------

export default defineConfig(
  {
    ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**',
      'test/e2e/screenshots/**', 'coverage/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', ecmaVersion: 'latest', extraFileExtensions: ['.vue'] },
    },
    rules: {
      // As for .ts files (typescript-eslint turns it off there): the compiler, vue-tsc, knows which names exist.
      'no-undef': 'off',
      // Layout rules that would force one attribute or one text node per line; the console's templates are dense and
      // kept within ~120 columns instead (indentation and self-closing stay enforced, both fixable with --fix).
      'vue/max-attributes-per-line': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: SOURCE_FILES,
    ignores: ['renderer/**', 'electron/preload/**', 'electron/shared/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**', 'electron/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      // Same convention as the compiler's noUnusedParameters: a leading underscore marks an intentionally unused name.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_',
      }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
);
