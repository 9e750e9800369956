// Browser mode's file picker: uploads become file references the contract's bundle and usage import methods take.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../../electron/core/cache/open.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import { safeUploadName } from '../../electron/server/uploads.ts';
import type { BundleExportResult } from '../../electron/shared/bundles.ts';
import { quiet } from './sync-helpers.ts';
import { fillCache } from './usage-fixture.ts';

const ENV = { STACKMETER_BUNDLE_PASSPHRASE: 'correct horse battery staple', USER: 'operator' };

let dir: string;
let core: Core;
let server: RunningServer;
let bundle: BundleExportResult;

interface Answer { status: number; body: string; headers: Record<string, string | string[] | undefined> }

function send(path: string, options: { method?: string; body?: Buffer | string; headers?: Record<string, string> }):
Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: options.method ?? 'POST', path,
      headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'),
        headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}` });
const upload = (name: string, body: Buffer | string, headers: Record<string, string> = auth()) =>
  send(`/api/uploads?name=${encodeURIComponent(name)}`, { body, headers });
const call = async (method: string, args: unknown[]) => JSON.parse((await send(`/api/${method}`, {
  body: JSON.stringify({ args }), headers: { ...auth(), 'Content-Type': 'application/json' },
})).body) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-uploads-test-'));
  const db = openCache(join(dir, 'cache.sqlite'));
  fillCache(db);
  db.close();
  core = createCore({ dbPath: join(dir, 'cache.sqlite'), log: quiet, env: ENV, exportDir: join(dir, 'exports') });
  server = await startServer({ core, staticDir: join(dir, 'none'), exportDir: core.exportDir });
  bundle = await core['bundles:export']({ period: { from: '2026-10-01', to: '2026-12-01' } });
});

afterAll(async () => {
  await server.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /api/uploads', () => {
  it('answers 401 without the launch token and stores nothing', async () => {
    const answer = await upload('x.smb', 'data', {});
    expect(answer.status).toBe(401);
  });

  it('takes a bundle, and the reference it answers verifies and imports it', async () => {
    const answer = await upload(bundle.fileName, readFileSync(bundle.path));
    expect(answer.status).toBe(200);
    const { value } = JSON.parse(answer.body) as { value: { fileRef: string; name: string; bytes: number } };
    expect(value).toMatchObject({ name: bundle.fileName, bytes: bundle.bytes });
    expect(value.fileRef).toMatch(/^file-[0-9a-f]{32}$/);
    const report = await call('bundles:verify', [value.fileRef]);
    expect(report).toMatchObject({ ok: true, value: { ok: true, fileName: bundle.fileName,
      signer: { fingerprint: bundle.fingerprint, own: true } } });
    const imported = await call('bundles:import', [value.fileRef]);
    expect(imported.ok).toBe(true);
    const usage = (imported.value as { counts: { what: string; added: number; present: number }[] }).counts
      .find((c) => c.what === 'usage records');
    expect(usage).toMatchObject({ added: 0, present: bundle.counts.usage });
  });

  it('refuses a path where a file reference belongs', async () => {
    const answer = await call('bundles:verify', [bundle.path]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('keeps only a plain file name and stores under a private folder', async () => {
    const answer = await upload('../../etc/passwd', 'not a bundle');
    const { value } = JSON.parse(answer.body) as { value: { fileRef: string; name: string } };
    expect(value.name).toBe('passwd');
    const report = await call('bundles:verify', [value.fileRef]);
    expect(report).toMatchObject({ ok: true, value: { ok: false, checks: [{ check: 'header', ok: false }] } });
    const folders = readdirSync(tmpdir()).filter((f) => f.startsWith('stackmeter-uploads-'))
      .map((f) => join(tmpdir(), f)).filter((f) => readdirSync(f).some((n) => n.endsWith('-passwd')));
    expect(folders).toHaveLength(1);
    expect(statSync(folders[0]!).mode & 0o077).toBe(0);
    expect(safeUploadName('C:\\Users\\me\\usage "Oct".csv')).toBe('usage Oct.csv');
    expect(safeUploadName('...')).toBe('upload');
  });

  it('refuses a body declared larger than the limit before reading it', async () => {
    const answer = await send('/api/uploads?name=huge.smb', {
      headers: { ...auth(), 'Content-Length': String(3 * 2 ** 30) }, body: '',
    }).catch(() => null);
    // The server answers 413 at once; the client may see the socket closed instead, having promised more bytes.
    if (answer !== null) expect(answer.status).toBe(413);
    // Either way, nothing of it was stored.
    const stored = readdirSync(tmpdir()).filter((f) => f.startsWith('stackmeter-uploads-'))
      .flatMap((f) => readdirSync(join(tmpdir(), f))).filter((n) => n.endsWith('-huge.smb'));
    expect(stored).toEqual([]);
  });

  it('imports a usage file picked in the console, naming it as picked', async () => {
    const file = join(dir, 'page.json');
    writeFileSync(file, readFileSync(join(import.meta.dirname, '../fixtures/usage-page-2019-12-10T19.json')));
    const answer = await upload('October page.json', readFileSync(file));
    const { value } = JSON.parse(answer.body) as { value: { fileRef: string } };
    const imported = await call('usage:import', [[value.fileRef]]);
    expect(imported).toMatchObject({ ok: true, value: [{ file: 'October page.json', format: 'rest-pages' }] });
    const bad = await upload('broken.json', '{"value": [{"nope": 1}]}');
    const badRef = (JSON.parse(bad.body) as { value: { fileRef: string } }).value.fileRef;
    const failed = await call('usage:import', [[badRef]]);
    expect(failed).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(failed.error!.message).toContain('broken.json');
    expect(failed.error!.message).not.toContain('stackmeter-uploads-');
  });

  it('downloads the exported bundle from the exports folder', async () => {
    const answer = await send(`/api/exports/${bundle.fileName}`, { method: 'GET', headers: auth() });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
  });
});
