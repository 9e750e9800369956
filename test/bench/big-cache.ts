// The big cache the query bench reads: a month of hourly usage of a large simulated stamp, written through the real
// ingest path (the usage writer, which maintains the rollups exactly as a sync does), and kept in a temp folder between
// runs, keyed by its size, seed, schema and the source of everything that shapes its rows.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { usagePageFromJson, type UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { insert as insertConnection } from '../../electron/core/cache/connections.ts';
import { MIGRATIONS } from '../../electron/core/cache/migrations/index.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { upsert as upsertSubscriptions } from '../../electron/core/cache/subscriptions.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { SyntheticStamp, type StampRecord } from '../../electron/core/simulator/index.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAY_MS = 86_400_000;

/** The month the cache holds: October 2026, 744 hours. */
export const MONTH = { from: '2026-10-01', to: '2026-11-01' } as const;
export const CONNECTION = 'bench';
const MONTH_START_MS = Date.parse(`${MONTH.from}T00:00:00Z`);
const MONTH_END_MS = Date.parse(`${MONTH.to}T00:00:00Z`);
// The stamp's clock is after the month, and its 62 days of history start before it, so every hour of it exists.
const STAMP_NOW = new Date('2026-11-20T12:30:00Z');
/** 60 directory tenants give 124 subscriptions (each tenant has one to three). */
export const TENANTS = 60;
export const SEED = 1;
const PAGE_SIZE = 1000;

// Everything whose change alters the rows or rollups of a generated cache; a change gives the cache a new key.
const SOURCES = [
  'electron/core/cache/usage-writer.ts', 'electron/core/cache/usage-rollup.ts', 'electron/core/cache/exact-decimal.ts',
  'electron/core/cache/decimal-sum.ts', 'electron/core/cache/resource-uri.ts', 'electron/core/cache/migrations',
  'electron/core/azure/usage-record.ts', 'electron/core/resources/instance-data.ts', 'electron/core/simulator',
  'test/bench/big-cache.ts',
];

export interface BigCache {
  /** The SQLite cache file. */
  path: string;
  /** Where a loaded DuckDB copy of the same rows may be kept (see duckdb.ts). */
  duckdbPath: string;
  records: number;
  scale: number;
  tenants: number;
  subscriptions: number;
  resources: number;
  /** True when an earlier run's cache was found and checked, false when it was generated now. */
  reused: boolean;
  /** Seconds generating and ingesting took (in the run that generated it). */
  ingestSeconds: number;
}

interface Manifest {
  key: string;
  records: number;
  scale: number;
  subscriptions: number;
  resources: number;
  ingestSeconds: number;
}

function sourceFiles(path: string): string[] {
  const full = join(REPO, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).sort().flatMap((name) => sourceFiles(join(path, name)));
}

/** size, seed and schema version, and a hash of the sources that shape the rows. */
function cacheKey(targetRecords: number): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(sourceFiles)) {
    hash.update(relative(REPO, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const schema = MIGRATIONS.length;
  return `queries-${targetRecords}-seed${SEED}-schema${schema}-${hash.digest('hex').slice(0, 12)}`;
}

export function cacheDir(): string {
  return join(tmpdir(), 'stackmeter-bench-cache');
}

const stampOptions = (scale: number) => ({ seed: SEED, tenants: TENANTS, scale, now: () => STAMP_NOW });

/**
 * The scale for about `targetRecords` records in the month, from the month's records at scale 1 (records grow about
 * linearly with the scale), and the records expected at that scale.
 */
function scaleFor(targetRecords: number): { scale: number; expected: number } {
  const one = new SyntheticStamp(stampOptions(1));
  let n = 0;
  for (const _ of one.recordsForUsageRange(MONTH_START_MS, MONTH_END_MS, 'Hourly')) n++;
  const scale = Math.max(0.05, Math.round((targetRecords / n) * 100) / 100);
  return { scale, expected: Math.round(n * scale) };
}

/**
 * Decodes the stamp's records with the product's page decoder (validation, time and instanceData parsing, tags and
 * additionalInfo as a sync gets them), from the objects a parsed page would hold.
 */
function decodePage(records: StampRecord[], source: string): UsageRecord[] {
  const value = records.map((r) => ({
    properties: {
      subscriptionId: r.subscriptionId, usageStartTime: r.usageStart, usageEndTime: r.usageEnd,
      instanceData: r.instanceData, quantity: r.quantity, meterId: r.meterId,
    },
  }));
  return usagePageFromJson({ value, nextLink: null }, source).records;
}

function storeConnection(db: Database.Database, stamp: SyntheticStamp): number {
  const connection = insertConnection(db, {
    name: CONNECTION, armEndpoint: 'https://adminmanagement.local.azurestack.external', kind: 'operator',
    authType: 'adfs', loginEndpoint: 'https://adfs.local.azurestack.external/adfs', audience: stamp.audience,
    tenantId: null, clientId: 'stackmeter-bench', credentialType: 'secret', secretSource: 'env:BENCH_SECRET',
    secretBlob: null, caPem: null, proxy: null, providerSubscriptionId: stamp.providerSubscriptionId,
    createdAt: STAMP_NOW.toISOString(),
  });
  upsertSubscriptions(db, connection.id, stamp.subscriptions.map((s) => ({
    subscriptionId: s.subscriptionId, displayName: s.displayName, owner: s.owner, tenantId: s.tenantId,
    offerId: s.offerId, state: s.state,
  })), STAMP_NOW);
  return connection.id;
}

/**
 * Writes the month day by day and, within a day, subscriber by subscriber in pages of 1,000 records (the last page of a
 * subscriber's day shorter), as a sync that reads per subscriber and day writes it.
 */
function generate(path: string, scale: number, estimate: number, say: (m: string) => void): number {
  const stamp = new SyntheticStamp(stampOptions(scale));
  const db = openCache(path);
  let written = 0;
  try {
    const connectionId = storeConnection(db, stamp);
    const writer = createUsageWriter(db);
    const started = performance.now();
    let lastReport = started;
    let pages = 0;
    const write = (batch: StampRecord[]) => {
      const counts = writer.writePage(decodePage(batch, `generated page ${++pages}`),
        { granularity: 'Hourly', connectionId });
      if (counts.inserted !== batch.length) {
        throw new Error(`bench: page ${pages} inserted ${counts.inserted} of ${batch.length} records`);
      }
      written += batch.length;
    };
    for (let dayMs = MONTH_START_MS; dayMs < MONTH_END_MS; dayMs += DAY_MS) {
      for (const sub of stamp.subscriptions) {
        let batch: StampRecord[] = [];
        for (const r of stamp.recordsForUsageRange(dayMs, dayMs + DAY_MS, 'Hourly', sub.subscriptionId)) {
          batch.push(r);
          if (batch.length === PAGE_SIZE) {
            write(batch);
            batch = [];
          }
        }
        if (batch.length > 0) write(batch);
      }
      const now = performance.now();
      if (now - lastReport > 10_000 || dayMs + DAY_MS === MONTH_END_MS) {
        lastReport = now;
        const rate = written / ((now - started) / 1000);
        const left = Math.max(0, estimate - written) / rate;
        say(`  ${new Date(dayMs).toISOString().slice(0, 10)}: ${written.toLocaleString('en-US')} records written, ` +
          `${Math.round(rate).toLocaleString('en-US')} records/s` +
          (dayMs + DAY_MS < MONTH_END_MS ? `, about ${Math.ceil(left)} s to go` : ''));
      }
    }
  } finally {
    db.close();
  }
  return written;
}

/** Whether a cache found on disk holds exactly what its manifest says (a run cut short leaves no manifest). */
function verify(path: string, manifest: Manifest): string | null {
  const db = openCache(path);
  try {
    const rows = db.prepare('SELECT count(*) FROM usage_records').pluck().get() as number;
    const daily = db.prepare('SELECT coalesce(sum(records), 0) FROM usage_daily').pluck().get() as number;
    const monthly = db.prepare('SELECT coalesce(sum(records), 0) FROM usage_monthly').pluck().get() as number;
    if (rows !== manifest.records || daily !== rows || monthly !== rows) {
      return `it holds ${rows} usage rows (${daily} in usage_daily, ${monthly} in usage_monthly), ` +
        `its manifest ${manifest.records}`;
    }
    return null;
  } finally {
    db.close();
  }
}

/**
 * The big cache of about `targetRecords` records: the one an earlier run left when its key matches and its row counts
 * check out, else a new one (replacing caches of the same size made from other sources).
 */
export function ensureBigCache(targetRecords: number, say: (m: string) => void): BigCache {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const key = cacheKey(targetRecords);
  const path = join(dir, `${key}.sqlite`);
  const manifestPath = join(dir, `${key}.json`);
  const duckdbPath = join(dir, `${key}.duckdb`);
  const describe = (m: Manifest, reused: boolean): BigCache => ({
    path, duckdbPath, records: m.records, scale: m.scale, tenants: TENANTS, subscriptions: m.subscriptions,
    resources: m.resources, reused, ingestSeconds: m.ingestSeconds,
  });

  if (existsSync(manifestPath) && existsSync(path)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    say(`found a cache from an earlier run: ${path}; checking its row counts`);
    const problem = verify(path, manifest);
    if (problem === null) {
      say(`reusing it: ${manifest.records.toLocaleString('en-US')} records (generated and ingested in ` +
        `${manifest.ingestSeconds.toFixed(0)} s then)`);
      return describe(manifest, true);
    }
    say(`not reusing it: ${problem}`);
  }

  // This key's files failed the check or are incomplete, and caches of the same size from other sources (an older
  // schema or writer) are stale: remove them all.
  const sizePrefix = `queries-${targetRecords}-`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(sizePrefix)) rmSync(join(dir, name), { recursive: true, force: true });
  }

  say(`generating a month (${MONTH.from} – ${MONTH.to}) of hourly usage, about ` +
    `${targetRecords.toLocaleString('en-US')} records, into ${path}`);
  const { scale, expected } = scaleFor(targetRecords);
  const stamp = new SyntheticStamp(stampOptions(scale));
  say(`simulated stamp: seed ${SEED}, scale ${scale}, ${TENANTS} tenants, ${stamp.subscriptions.length} subscriptions, ` +
    `${stamp.resourceList.length.toLocaleString('en-US')} resources; writing pages of ${PAGE_SIZE} records through ` +
    'the usage writer (rollups maintained as a sync maintains them)');
  const started = performance.now();
  const records = generate(path, scale, expected, say);
  const manifest: Manifest = {
    key, records, scale, subscriptions: stamp.subscriptions.length, resources: stamp.resourceList.length,
    ingestSeconds: (performance.now() - started) / 1000,
  };
  // Written last: a cache without its manifest (a run cut short) is never reused.
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  say(`generated ${records.toLocaleString('en-US')} records in ${manifest.ingestSeconds.toFixed(0)} s; kept for ` +
    'the next run');
  return describe(manifest, false);
}
