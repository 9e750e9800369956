// Offline bundles against real cache files: export from one cache, verify and import into others, tamper with a real
// exported bundle, and check the signing key is never at rest in plain text.

import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/core/bundles/export.ts';
import { decodeContainer, encodeContainer } from '../../electron/core/bundles/format.ts';
import { unlockSigningKey } from '../../electron/core/bundles/key-store.ts';
import { readBundle } from '../../electron/core/bundles/read.ts';
import { writeBundle } from '../../electron/core/bundles/write.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { saveAdjustment } from '../../electron/core/chargeback/adjustments-store.ts';
import { createStatement, finalizeStatement } from '../../electron/core/chargeback/statements.ts';
import { createCore } from '../../electron/core/index.ts';
import { startSimulator } from '../../electron/core/simulator/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { BundleExportResult } from '../../electron/shared/bundles.ts';
import { StackmeterError } from '../../electron/shared/result.ts';
import { runCli } from '../support/cli.ts';
import { stampConnection } from '../support/connections.ts';
import { fixtureMeters, storeCard } from './chargeback-helpers.ts';
import { addSimulator, cachedRows, quiet, SECRET, syncAndWait } from './sync-helpers.ts';
import { fillCache } from './usage-fixture.ts';

const PASSPHRASE = 'correct horse battery staple';
const ENV = { STACKMETER_BUNDLE_PASSPHRASE: PASSPHRASE, USER: 'operator', SIM_SECRET: SECRET };
const PERIOD = { from: '2026-10-01', to: '2026-12-01' };
const NOW = new Date('2026-12-03T09:00:00Z');
const clock = { now: () => NOW };
/** The source prices with a tax: a replay after import is identical only if the adjustment travelled too. */
const VAT = { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' } as const;

let dir: string;
let source: Core;
let sourcePath: string;
let full: BundleExportResult;
/** The same period with usage chunks of at most CHUNK bytes. */
let chunked: { path: string; fileName: string };
const CHUNK = 16 * 1024;

const open = (file: string, env: Record<string, string> = ENV): Core =>
  createCore({ dbPath: join(dir, file), clock, log: quiet, env, exportDir: join(dir, 'exports') });

/** Exact usage sums per day, meter and granularity, from the rollup every report reads. */
function dailyTotals(path: string): Record<string, string> {
  const db = openCache(path);
  try {
    const rows = db.prepare(`SELECT d.day || '|' || m.match_key || '|' || d.granularity AS k,
                                    decimal_sum(d.quantity_text) AS q, sum(d.records) AS n
                             FROM usage_daily_meter d JOIN meters m ON m.id = d.meter_key
                             GROUP BY d.day, m.match_key, d.granularity ORDER BY 1`).all() as
      { k: string; q: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.k, `${r.q} (${r.n})`]));
  } finally {
    db.close();
  }
}

/** Row counts of what an import writes: a refused import must leave them all as they were. */
function tableCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = ['usage_records', 'usage_daily', 'connections', 'subscriptions', 'statements', 'rate_card_versions',
      'adjustments', 'audit_log', 'imported_audit_log', 'meter_overrides', 'bundle_trusted_keys'];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

async function importFile(core: Core, path: string, trust?: string) {
  const ref = core.acceptFile(path, path.split('/').at(-1)!);
  return core['bundles:import'](ref, ...(trust === undefined ? [] : [trust]));
}

async function refusal(core: Core, path: string, trust?: string): Promise<StackmeterError> {
  try {
    await importFile(core, path, trust);
  } catch (err) {
    expect(err).toBeInstanceOf(StackmeterError);
    return err as StackmeterError;
  }
  throw new Error('the bundle was imported');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-bundles-'));
  sourcePath = join(dir, 'source.sqlite');
  const db = openCache(sourcePath);
  fillCache(db);
  const card = storeCard(db, {
    name: 'Standard', versions: [{ effectiveFrom: '2026-01-01', meters: fixtureMeters('0.05') }],
  });
  saveAdjustment(db, VAT, 'law', { user: 'alice', at: new Date('2026-11-01T08:00:00Z') });
  const draft = createStatement(db, { period: { from: '2026-10-01', to: '2026-11-01' }, rateCardId: card.id },
    { user: 'alice', at: new Date('2026-11-02T08:00:00Z') });
  finalizeStatement(db, draft.id, 'October', { user: 'alice', at: new Date('2026-11-02T09:00:00Z') });
  db.prepare(`INSERT INTO meter_overrides (match_key, meter_id, name, unit, service, description, updated_at)
              VALUES ('dead00000000400080000000000000000a', 'dead0000-0000-4000-8000-00000000000a', 'Backup GB',
                      'GB', 'Backup', NULL, '2026-11-01T00:00:00Z')`).run();
  db.close();
  source = open('source.sqlite');
  full = await source['bundles:export']({ period: PERIOD });
  const sourceDb = new Database(sourcePath);
  try {
    const { privateKeyPem } = unlockSigningKey(sourceDb, { passphrase: PASSPHRASE }, { user: 'test', at: NOW });
    chunked = (await exportBundle(sourceDb, { period: PERIOD },
      { dir: join(dir, 'chunked'), now: NOW, privateKeyPem, usageChunkBytes: CHUNK })).file;
  } finally {
    sourceDb.close();
  }
});

afterAll(async () => {
  await source.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundle export', () => {
  it('writes a signed .smb with every entry and audits it', async () => {
    expect(full.fileName).toMatch(/^stackmeter-bundle-2026-10-01-20261203-090000\.smb$/);
    expect(full.counts).toMatchObject({ stamps: 2, statements: 1, rateCardVersions: 1, meterOverrides: 1,
      adjustments: 1 });
    expect(full.counts.usage).toBe(cachedRows(sourcePath).size);
    const { manifest, entries } = readBundle(readFileSync(full.path), full.fileName, { trusted: [full.fingerprint] });
    expect(manifest.stamps).toEqual(['east', 'west']);
    expect(entries.map((e) => e.name)).toEqual(['adjustments.json', 'audit.ndjson', 'meters.json', 'rate-cards.json',
      'stamps.ndjson', 'statements.ndjson', 'subscriptions.ndjson', 'usage-000001.ndjson']);
    expect(JSON.parse(entries[0]!.bytes.toString('utf8')))
      .toEqual({ format: 'stackmeter-adjustments', version: 1, adjustments: [VAT] });
    const audit = (await source['audit:list'](0, 3)).rows;
    expect(audit[0]).toMatchObject({ action: 'export', subject: 'bundle' });
    expect(audit[1]).toMatchObject({ action: 'bundle.key-create' });
    expect(await source['bundles:key']()).toMatchObject({ fingerprint: full.fingerprint, protection: 'passphrase' });
  });

  it('keeps the private key encrypted at rest, and needs the passphrase to sign', async () => {
    const db = new Database(sourcePath);
    const { privateKeyPem } = unlockSigningKey(db, { passphrase: PASSPHRASE }, { user: 'test', at: NOW });
    db.close();
    const jwk = createPrivateKey(privateKeyPem).export({ format: 'jwk' });
    const raw = Buffer.from(jwk.d!, 'base64url');
    const der = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
    for (const file of [sourcePath, `${sourcePath}-wal`].filter(existsSync)) {
      const bytes = readFileSync(file);
      expect(bytes.includes('PRIVATE KEY')).toBe(false);
      expect(bytes.includes(raw)).toBe(false);
      expect(bytes.includes(der)).toBe(false);
      expect(bytes.includes(PASSPHRASE)).toBe(false);
    }
    const wrong = open('source.sqlite', { ...ENV, STACKMETER_BUNDLE_PASSPHRASE: 'not the passphrase at all' });
    await expect(wrong['bundles:export']({ period: PERIOD }))
      .rejects.toThrow(/is not the one this installation's signing key was encrypted with/);
    await wrong.close();
    const none = open('fresh-no-passphrase.sqlite', { USER: 'operator' });
    await expect(none['bundles:export']({ period: PERIOD })).rejects.toThrow(/STACKMETER_BUNDLE_PASSPHRASE/);
    await none.close();
  });
});

describe('usage in chunks', () => {
  it('an export with a tiny chunk size writes several chunks, whole records each, that import identically', async () => {
    const { manifest, entries } = readBundle(readFileSync(chunked.path), chunked.fileName);
    const chunks = entries.filter((e) => e.name.startsWith('usage'));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.name)).toEqual(chunks.map((_, i) => `usage-${String(i + 1).padStart(6, '0')}.ndjson`));
    // The chunks are the last entries of the container, as a streaming writer writes them.
    expect(manifest.entries.slice(-chunks.length).map((e) => e.name)).toEqual(chunks.map((c) => c.name));
    for (const c of chunks) {
      expect(c.bytes.length).toBeLessThanOrEqual(CHUNK);
      expect(c.bytes.at(-1)).toBe(0x0a);
    }
    const lines = chunks.flatMap((c) => c.bytes.toString('utf8').trimEnd().split('\n'));
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.length).toBe(full.counts.usage);

    const target = open('chunked.sqlite');
    try {
      const result = await importFile(target, chunked.path, full.fingerprint);
      expect(result.counts.find((c) => c.what === 'usage records')).toMatchObject({ added: full.counts.usage });
      expect(cachedRows(join(dir, 'chunked.sqlite'))).toEqual(cachedRows(sourcePath));
      expect(dailyTotals(join(dir, 'chunked.sqlite'))).toEqual(dailyTotals(sourcePath));
      expect(await target['statements:replay']('ST-202610-0001')).toMatchObject({ identical: true });
    } finally {
      await target.close();
    }
  });
});

describe('bundle import into another cache', () => {
  let target: Core;
  const targetPath = () => join(dir, 'target.sqlite');
  beforeAll(() => {
    target = open('target.sqlite');
  });
  afterAll(() => target.close());

  it('refuses a signer that is not trusted, naming the check, and writes nothing', async () => {
    const before = tableCounts(targetPath());
    const report = await target['bundles:verify'](target.acceptFile(full.path, full.fileName));
    expect(report.ok).toBe(false);
    expect(report.signer).toMatchObject({ fingerprint: full.fingerprint, trustedAs: null });
    expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['trusted-key']);
    const err = await refusal(target, full.path);
    expect(err.message).toMatch(/failed the trusted-key check/);
    expect(err.message).toMatch(/--trust/);
    const other = await refusal(target, full.path, 'ab'.repeat(32));
    expect(other.message).toMatch(/not by the key abab:abab:abab:abab you chose to trust/);
    expect(tableCounts(targetPath())).toEqual(before);
  });

  it('imports everything once trusted: same usage per day and meter, statements, rate cards', async () => {
    const result = await importFile(target, full.path, full.fingerprint);
    expect(result.newlyTrusted).toBe(true);
    const counts = Object.fromEntries(result.counts.map((c) => [c.what, c]));
    expect(counts['usage records']).toMatchObject({ added: full.counts.usage, present: 0 });
    expect(counts.stamps).toMatchObject({ added: 2 });
    expect(counts.statements).toMatchObject({ added: 1 });
    expect(counts.adjustments).toMatchObject({ added: 1, present: 0 });
    expect(await target['adjustments:list']()).toEqual([VAT]);
    expect(cachedRows(targetPath())).toEqual(cachedRows(sourcePath));
    expect(dailyTotals(targetPath())).toEqual(dailyTotals(sourcePath));
    const statements = await target['statements:list']();
    const sourceStatements = await source['statements:list']();
    expect(statements.map((s) => [s.id, s.hash])).toEqual(sourceStatements.map((s) => [s.id, s.hash]));
    expect((await target['statements:get'](statements[0]!.id)).result.adjustmentLines.length).toBeGreaterThan(0);
    expect(await target['statements:replay'](statements[0]!.id)).toMatchObject({ identical: true });
    expect(await target['rates:list']()).toEqual(await source['rates:list']());
    const stamps = await target['connections:list']();
    expect(stamps.map((c) => [c.name, c.secretSource])).toEqual([['east', 'imported'], ['west', 'imported']]);
    await expect(Promise.resolve().then(() => target['sync:start']({ connection: 'east', granularity: 'Hourly' })))
      .rejects.toThrow(/came in an offline bundle and has no sign-in here/);
    // Newest first: the replay above, the import, and the trust it gave the signer.
    const audit = (await target['audit:list'](0, 10)).rows;
    expect(audit.map((e) => e.action)).toEqual(['statement.replay', 'bundle.import', 'bundle.trust']);
    expect(audit[1]).toMatchObject({ details: { signer: full.fingerprint, fileName: full.fileName,
      addedAdjustments: [VAT] } });
    expect(await target['audit:verify']()).toMatchObject({ intact: true });
    expect((await target['bundles:trusted']()).map((k) => k.fingerprint)).toEqual([full.fingerprint]);
  });

  it('imports the same bundle again without duplicating anything', async () => {
    const before = tableCounts(targetPath());
    const result = await importFile(target, full.path);
    for (const c of result.counts) expect(c.added, c.what).toBe(0);
    expect(result.counts.find((c) => c.what === 'adjustments')).toMatchObject({ present: 1 });
    const usage = result.counts.find((c) => c.what === 'usage records')!;
    expect(usage.present).toBe(full.counts.usage);
    expect(tableCounts(targetPath())).toEqual({ ...before, audit_log: before.audit_log + 1 });
  });
});

describe('a bundle written before chunks and adjustments', () => {
  it('imports its single usage.ndjson, and nothing for the adjustments.json it lacks', async () => {
    const db = new Database(sourcePath);
    const { privateKeyPem } = unlockSigningKey(db, { passphrase: PASSPHRASE }, { user: 'test', at: NOW });
    db.close();
    const { manifest, entries } = readBundle(readFileSync(full.path), full.fileName);
    // Before chunks, all usage was one usage.ndjson; before adjustments travelled, there was no adjustments.json.
    const usage = Buffer.concat(entries.filter((e) => e.name.startsWith('usage-')).map((e) => e.bytes));
    const old = writeBundle([...entries.filter((e) => e.name !== 'adjustments.json' && !e.name.startsWith('usage-')),
      { name: 'usage.ndjson', bytes: usage }],
      { createdAt: new Date(manifest.createdAt), stamps: manifest.stamps, period: manifest.period }, privateKeyPem);
    const path = join(dir, 'without-adjustments.smb');
    writeFileSync(path, old);
    const target = open('old-bundle.sqlite');
    try {
      const result = await importFile(target, path, full.fingerprint);
      const counts = Object.fromEntries(result.counts.map((c) => [c.what, c]));
      expect(counts.adjustments).toMatchObject({ added: 0, present: 0 });
      expect(counts.statements).toMatchObject({ added: 1 });
      expect(counts['usage records']).toMatchObject({ added: full.counts.usage });
      expect(await target['adjustments:list']()).toEqual([]);
      expect(cachedRows(join(dir, 'old-bundle.sqlite'))).toEqual(cachedRows(sourcePath));
    } finally {
      await target.close();
    }
  });
});

describe('several bundles into one cache', () => {
  it('consolidates overlapping periods and separate stamps into the same rows as the source', async () => {
    const early = await source['bundles:export']({ period: { from: '2026-10-01', to: '2026-11-01' } });
    const late = await source['bundles:export']({ period: { from: '2026-10-31', to: '2026-12-01' } });
    const east = await source['bundles:export']({ period: PERIOD, stamps: ['east'] });
    const west = await source['bundles:export']({ period: PERIOD, stamps: ['west'] });
    const target = open('consolidated.sqlite');
    try {
      for (const b of [late, early, early]) await importFile(target, b.path, full.fingerprint);
      expect(cachedRows(join(dir, 'consolidated.sqlite'))).toEqual(cachedRows(sourcePath));
      expect(dailyTotals(join(dir, 'consolidated.sqlite'))).toEqual(dailyTotals(sourcePath));
    } finally {
      await target.close();
    }
    const stamps = open('stamps.sqlite');
    try {
      await importFile(stamps, east.path, full.fingerprint);
      await importFile(stamps, west.path);
      const db = new Database(join(dir, 'stamps.sqlite'), { readonly: true });
      const perStamp = db.prepare(`SELECT c.name, count(*) AS n FROM usage_records u JOIN connections c
                                   ON c.id = u.connection_id GROUP BY c.name ORDER BY c.name`).all();
      db.close();
      const src = new Database(sourcePath, { readonly: true });
      expect(perStamp).toEqual(src.prepare(`SELECT c.name, count(*) AS n FROM usage_records u JOIN connections c
                                            ON c.id = u.connection_id GROUP BY c.name ORDER BY c.name`).all());
      src.close();
      expect(east.counts.statements).toBe(0);
    } finally {
      await stamps.close();
    }
  });
});

describe('conflicts refuse the whole bundle and write nothing', () => {
  /** A cache like the source's, with its own card and statement made here, and the error importing the bundle. */
  async function importInto(file: string, price: string, period: { from: string; to: string }):
  Promise<StackmeterError> {
    const path = join(dir, file);
    const db = openCache(path);
    fillCache(db);
    const card = storeCard(db, {
      name: 'Standard', versions: [{ effectiveFrom: '2026-01-01', meters: fixtureMeters(price) }],
    });
    const own = createStatement(db, { period, rateCardId: card.id },
      { user: 'bob', at: new Date('2026-11-03T08:00:00Z') });
    finalizeStatement(db, own.id, 'Made here', { user: 'bob', at: new Date('2026-11-03T09:00:00Z') });
    db.close();
    const before = tableCounts(path);
    const target = open(file);
    try {
      const err = await refusal(target, full.path, full.fingerprint);
      expect(err.code).toBe('CONFLICT');
      return err;
    } finally {
      await target.close();
      expect(tableCounts(path)).toEqual(before);
    }
  }

  it('a published rate card version that differs under the same ID', async () => {
    const err = await importInto('conflict-card.sqlite', '0.07', { from: '2026-10-01', to: '2026-11-01' });
    expect(err.message).toMatch(/version 1 of rate card standard differs from the published version 1 here/);
  });

  it('a stamp name this cache gave another stamp', async () => {
    const path = join(dir, 'conflict-stamp.sqlite');
    const db = openCache(path);
    connections.insert(db, stampConnection('east', { armEndpoint: 'https://adminmanagement.elsewhere.example' }));
    db.close();
    const before = tableCounts(path);
    const target = open('conflict-stamp.sqlite');
    try {
      const err = await refusal(target, full.path, full.fingerprint);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toContain('its stamp "east" (https://adminmanagement.east.example) is not the stamp of');
    } finally {
      await target.close();
    }
    expect(tableCounts(path)).toEqual(before);
  });

  it('an adjustment ID this cache gave another adjustment', async () => {
    const path = join(dir, 'conflict-adjustment.sqlite');
    const db = openCache(path);
    saveAdjustment(db, { ...VAT, percent: '19' }, 'other country', { user: 'bob', at: NOW });
    db.close();
    const before = tableCounts(path);
    const target = open('conflict-adjustment.sqlite');
    try {
      const err = await refusal(target, full.path, full.fingerprint);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toContain('its adjustment "vat" differs from the adjustment "vat" here');
      expect((await target['adjustments:list']()).map((a) => a.type === 'tax' && a.percent)).toEqual(['19']);
    } finally {
      await target.close();
    }
    expect(tableCounts(path)).toEqual(before);
  });

  it('a statement ID this cache gave another statement', async () => {
    const err = await importInto('conflict-statement.sqlite', '0.05', { from: '2026-10-01', to: '2026-10-15' });
    expect(err.message).toMatch(/its statement ST-202610-0001 is not the statement ST-202610-0001 of this cache/);
  });
});

describe('a tampered bundle is refused with the check and file, and nothing is written', () => {
  let target: Core;
  const targetPath = () => join(dir, 'tamper.sqlite');
  let file: Buffer;
  beforeAll(async () => {
    target = open('tamper.sqlite');
    await target['bundles:trust'](full.fingerprint, 'Source installation');
    file = readFileSync(full.path);
  });
  afterAll(() => target.close());

  async function expectRefused(bytes: Buffer, name: string, failure: RegExp): Promise<void> {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const before = tableCounts(targetPath());
    const report = await target['bundles:verify'](target.acceptFile(path, name));
    expect(report.ok).toBe(false);
    const err = await refusal(target, path, full.fingerprint);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(failure);
    const failed = report.checks.find((c) => !c.ok)!;
    expect(err.message).toContain(`${failed.subject} failed the ${failed.check} check`);
    expect(tableCounts(targetPath())).toEqual(before);
  }

  const records = () => decodeContainer(file);
  const rebuild = (list: { name: string; stored: Buffer }[]) => encodeContainer(list);

  it('a flipped byte in a usage chunk', async () => {
    const usage = records().find((r) => r.name === 'usage-000001.ndjson')!;
    const at = usage.offset + 2 + usage.name.length + 8 + Math.floor(usage.stored.length / 2);
    const copy = Buffer.from(file);
    copy[at] = copy[at]! ^ 0x01;
    await expectRefused(copy, 'flipped.smb', /usage-000001\.ndjson failed the (decompress|sha256) check/);
  });

  it('a usage chunk dropped', async () => {
    const chunks = decodeContainer(readFileSync(chunked.path));
    await expectRefused(encodeContainer(chunks.filter((r) => r.name !== 'usage-000002.ndjson')), 'chunk-dropped.smb',
      /usage-000002\.ndjson failed the present check: The entry usage-000002\.ndjson listed in manifest\.json is not/);
  });

  it('two usage chunks swapped in the container', async () => {
    const chunks = decodeContainer(readFileSync(chunked.path));
    const first = chunks.findIndex((r) => r.name === 'usage-000001.ndjson');
    [chunks[first], chunks[first + 1]] = [chunks[first + 1]!, chunks[first]!];
    await expectRefused(encodeContainer(chunks), 'chunks-swapped.smb', new RegExp('chunks-swapped\\.smb failed the '
      + 'container check: The record "usage-000001\\.ndjson" at byte \\d+ comes after "usage-000002\\.ndjson"'));
  });

  it('a dropped entry', async () => {
    await expectRefused(rebuild(records().filter((r) => r.name !== 'statements.ndjson')), 'dropped.smb',
      /statements\.ndjson failed the present check: The entry statements\.ndjson listed in manifest\.json is not in/);
  });

  it('an audit log reordered and re-signed by whoever holds the key', async () => {
    const db = new Database(sourcePath);
    const { privateKeyPem } = unlockSigningKey(db, { passphrase: PASSPHRASE }, { user: 'test', at: NOW });
    db.close();
    const { manifest, entries } = readBundle(file, full.fileName);
    const reordered = entries.map((e) => {
      if (e.name !== 'audit.ndjson') return e;
      const lines = e.bytes.toString('utf8').trimEnd().split('\n');
      [lines[0], lines[1]] = [lines[1]!, lines[0]!];
      return { name: e.name, bytes: Buffer.from(`${lines.join('\n')}\n`) };
    });
    const resigned = writeBundle(reordered, { createdAt: new Date(manifest.createdAt), stamps: manifest.stamps,
      period: manifest.period }, privateKeyPem);
    await expectRefused(resigned, 'reordered.smb', /audit\.ndjson failed the audit-chain check: Line 1: /);
  });

  it('a bad record in a later chunk, after earlier chunks were written: all of it rolled back', async () => {
    const db = new Database(sourcePath);
    const { privateKeyPem } = unlockSigningKey(db, { passphrase: PASSPHRASE }, { user: 'test', at: NOW });
    db.close();
    const { manifest, entries } = readBundle(readFileSync(chunked.path), chunked.fileName);
    const damaged = entries.map((e) => (e.name === 'usage-000003.ndjson'
      ? { name: e.name, bytes: Buffer.from(e.bytes.toString('utf8').replace(/"quantity":"[^"]*"/, '"quantity":"12,5"')) }
      : e));
    const path = join(dir, 'bad-record.smb');
    writeFileSync(path, writeBundle(damaged, { createdAt: new Date(manifest.createdAt), stamps: manifest.stamps,
      period: manifest.period }, privateKeyPem));
    const before = tableCounts(targetPath());
    const err = await refusal(target, path);
    expect(err.message).toBe('The bundle bad-record.smb is refused: usage-000003.ndjson line 1: quantity is not a '
      + 'decimal number. Nothing of it was imported.');
    expect(tableCounts(targetPath())).toEqual(before);
  });

  it('a truncated file', async () => {
    await expectRefused(file.subarray(0, Math.floor(file.length * 0.6)), 'truncated.smb',
      /truncated\.smb failed the container check: The file is truncated or damaged/);
  });
});

describe('import, then sync the same stamp', () => {
  it('never duplicates a record: the sync takes the imported rows over', async () => {
    const now = new Date('2026-11-20T12:30:00Z');
    const sim = await startSimulator({ clientSecret: SECRET, now: () => now, seed: 7 });
    const simClock = { now: () => now };
    const request = { from: '2026-11-16', to: '2026-11-18', granularity: 'Hourly' as const };
    try {
      const a = createCore({ dbPath: join(dir, 'sim-a.sqlite'), clock: simClock, log: quiet, env: ENV });
      await addSimulator(a, sim, 'stamp');
      await syncAndWait(a, { connection: 'stamp', ...request });
      // Usage starts before the reported-time range a sync asks for: the bundle takes the whole month.
      const bundle = await a['bundles:export']({ period: { from: '2026-11-01', to: '2026-12-01' } });
      const b = createCore({ dbPath: join(dir, 'sim-b.sqlite'), clock: simClock, log: quiet, env: ENV });
      await importFile(b, bundle.path, bundle.fingerprint);
      await addSimulator(b, sim, 'stamp-synced');
      const run = await syncAndWait(b, { connection: 'stamp-synced', ...request });
      expect(run.status).toBe('succeeded');
      expect(run.inserted).toBe(0);
      await a.close();
      await b.close();
      expect(cachedRows(join(dir, 'sim-b.sqlite'))).toEqual(cachedRows(join(dir, 'sim-a.sqlite')));
      expect(dailyTotals(join(dir, 'sim-b.sqlite'))).toEqual(dailyTotals(join(dir, 'sim-a.sqlite')));
    } finally {
      await sim.close();
    }
  });
});

describe('the CLI', () => {
  it('exports, verifies (with ✓ and ✗) and imports a bundle', async () => {
    const out = join(dir, 'cli.smb');
    const saved = process.env.STACKMETER_BUNDLE_PASSPHRASE;
    process.env.STACKMETER_BUNDLE_PASSPHRASE = PASSPHRASE;
    try {
      const exported = await runCli(['bundle', 'export', '--period', '2026-10', '--out', out, '--db',
        join(dir, 'cli-source.sqlite')]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(/Wrote .*cli\.smb/);
      const key = await runCli(['bundle', 'key', '--db', join(dir, 'cli-source.sqlite')]);
      const fingerprint = key.stdout.split('\n')[1]!;
      expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);

      const verified = await runCli(['bundle', 'verify', out, '--trust', fingerprint]);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('✓ signature (signature.bin)');
      expect(verified.stdout).toContain('✓ audit-chain (audit.ndjson)');

      const damaged = join(dir, 'cli-damaged.smb');
      writeFileSync(damaged, readFileSync(out).subarray(0, 200));
      const bad = await runCli(['bundle', 'verify', damaged]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('✗ container (cli-damaged.smb)');

      const refused = await runCli(['bundle', 'import', out, '--db', join(dir, 'cli-target.sqlite')]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/trusted-key check/);
      const imported = await runCli(['bundle', 'import', out, '--trust', fingerprint, '--db',
        join(dir, 'cli-target.sqlite')]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/now trusted/);
      const trusted = await runCli(['bundle', 'trusted', '--db', join(dir, 'cli-target.sqlite')]);
      expect(trusted.stdout).toContain(fingerprint);
    } finally {
      if (saved === undefined) delete process.env.STACKMETER_BUNDLE_PASSPHRASE;
      else process.env.STACKMETER_BUNDLE_PASSPHRASE = saved;
    }
  });
});
