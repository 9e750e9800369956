import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-notices-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let text: string;
beforeAll(() => {
  const out = join(scratch, 'THIRD-PARTY-NOTICES.txt');
  const run = spawnSync(process.execPath, ['build/third-party-notices.js', '--out', out], { cwd: repo, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  text = readFileSync(out, 'utf8');
});

const heading = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\d+\\.\\d+\\.\\d+\\S* \\(`, 'm');

describe('build/third-party-notices.js', () => {
  it('lists every production dependency of package.json with its licence text', () => {
    const { dependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(dependencies)) expect(text, name).toMatch(heading(name));
    const sqlite = text.slice(text.search(heading('better-sqlite3')));
    expect(sqlite.slice(0, 600)).toContain('Permission is hereby granted');
  });

  it('includes what those depend on (bundled or copied into the app) but no development tool', () => {
    expect(text).toMatch(heading('exceljs'));
    expect(text).toMatch(heading('unzipper'));
    for (const dev of ['vitest', 'electron', 'electron-builder', 'typescript', 'eslint', '@doyensec/electronegativity']) {
      expect(text, dev).not.toMatch(heading(dev));
    }
  });

  it('uses the reviewed licence for a package that declares none, saying where it was established', () => {
    const section = text.slice(text.search(heading('buffers')));
    expect(section).toMatch(/^buffers 0\.1\.1 \(MIT\)/);
    expect(section.slice(0, 800)).toContain('github.com/substack/node-buffers');
  });

  it('starts with the app\'s own name, version and licence', () => {
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(text.split('\n')[0]).toBe(`Third-party software in Stackmeter ${version}`);
    expect(text).toContain('Stackmeter is released under the MIT licence.');
  });
});
