// One round of every measured phase, each on a fresh cache file. The caller runs several rounds and keeps the best.

import { join } from 'node:path';
import { openCache } from '../../electron/core/cache/open.ts';
import { importUsageFiles } from '../../electron/core/exports/import-pages.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { buildRawRows, insertRawRows, parsePages } from './raw-ceiling.ts';
import type { RssSampler } from './rss-sampler.ts';
import { clock, SECRET, timeFetch, type SavedPages, type Workload } from './workload.ts';

export const PHASES = {
  raw: { name: 'raw ceiling: prepared INSERT, 1,000 rows/transaction', kind: 'baseline' },
  import: { name: 'import saved pages (importUsageFiles)', kind: 'ingest' },
  sync: { name: 'sync over loopback HTTPS, empty cache', kind: 'ingest' },
  resync: { name: 're-sync of the same range, all unchanged', kind: 'ingest' },
  reimport: { name: 're-import of the same pages, all unchanged', kind: 'info' },
  fetch: { name: 'fetch the pages over HTTPS, no parsing', kind: 'info' },
  parse: { name: 'read + parse the saved pages, no writes', kind: 'info' },
} as const;

export type PhaseId = keyof typeof PHASES;

export interface Measurement {
  seconds: number;
  peakRss: number;
}

export interface RoundContext {
  workload: Workload;
  saved: SavedPages;
  dir: string;
  round: number;
  rss: RssSampler;
  collectGarbage: () => void;
  record: (phase: PhaseId, m: Measurement) => void;
}

const quiet = { info() {}, warn() {}, error() {} };

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench: ${message}`);
}

/** Runs `phase` from a collected heap; its result's `seconds` is what the phase itself timed. */
async function measure<T extends { seconds: number }>(
  ctx: RoundContext, id: PhaseId, phase: () => T | Promise<T>,
): Promise<T> {
  ctx.collectGarbage();
  ctx.rss.reset();
  const value = await phase();
  ctx.record(id, { seconds: value.seconds, peakRss: ctx.rss.peak() });
  return value;
}

export async function fetchRound(ctx: RoundContext): Promise<void> {
  await measure(ctx, 'fetch', async () => ({ seconds: await timeFetch(ctx.workload) }));
}

export async function rawRound(ctx: RoundContext): Promise<void> {
  const parsed = await measure(ctx, 'parse', () => parsePages(ctx.saved.files));
  const db = openCache(join(ctx.dir, `raw-${ctx.round}.sqlite`));
  try {
    const rows = buildRawRows(db, parsed.records);
    parsed.records = [];
    await measure(ctx, 'raw', () => ({ seconds: insertRawRows(db, rows) }));
  } finally {
    db.close();
  }
}

export async function importRound(ctx: RoundContext): Promise<void> {
  const total = ctx.workload.records;
  const db = openCache(join(ctx.dir, `import-${ctx.round}.sqlite`));
  try {
    const run = () => {
      const started = performance.now();
      const files = importUsageFiles(db, ctx.saved.files, { connectionId: null });
      return { files, seconds: (performance.now() - started) / 1000 };
    };
    const first = await measure(ctx, 'import', run);
    const inserted = first.files.reduce((n, f) => n + f.inserted, 0);
    check(inserted === total, `import inserted ${inserted} of ${total} records`);
    const again = await measure(ctx, 'reimport', run);
    const changed = again.files.reduce((n, f) => n + f.inserted + f.updated, 0);
    check(changed === 0, `re-import changed ${changed} records; expected none`);
  } finally {
    db.close();
  }
}

/** Syncs the workload's range once; fails the bench unless the run succeeded. */
export async function syncOnce(core: Core, w: Workload): Promise<{ run: SyncRunRow; seconds: number }> {
  const started = performance.now();
  const { runId } = await core['sync:start']({
    connection: 'bench', from: w.from.toISOString(), to: w.to.toISOString(), granularity: 'Hourly',
  });
  await core.waitForRun(runId);
  const seconds = (performance.now() - started) / 1000;
  const run = (await core['sync:runs']()).find((r) => r.id === runId);
  check(run?.status === 'succeeded', `sync run ${runId} ended ${run?.status}: ${run?.error}`);
  return { run: run as SyncRunRow, seconds };
}

/** A core on a fresh cache file at `dbPath`, with the simulator added as the connection "bench" (signed in). */
export async function benchCore(dbPath: string, w: Workload): Promise<Core> {
  const core = createCore({ dbPath, clock, log: quiet, env: { BENCH_SECRET: SECRET } });
  try {
    await core['connections:add']({
      name: 'bench',
      armEndpoint: w.sim.url,
      clientId: w.sim.clientId,
      credential: { type: 'secret', source: { kind: 'env', variable: 'BENCH_SECRET' } },
      caPem: w.sim.caPem,
    });
    return core;
  } catch (err) {
    await core.close();
    throw err;
  }
}

/** Syncs the range into a fresh cache, then again; returns the first run (its page count describes the workload). */
export async function syncRound(ctx: RoundContext): Promise<SyncRunRow> {
  const w = ctx.workload;
  const total = w.records;
  const core = await benchCore(join(ctx.dir, `sync-${ctx.round}.sqlite`), w);
  try {
    const first = (await measure(ctx, 'sync', () => syncOnce(core, w))).run;
    check(first.records === total && first.inserted === total,
      `sync fetched ${first.records} and inserted ${first.inserted} of ${total} records`);
    const again = (await measure(ctx, 'resync', () => syncOnce(core, w))).run;
    check(again.records === total && again.inserted === 0 && again.updated === 0,
      `re-sync fetched ${again.records} records, inserted ${again.inserted}, updated ${again.updated}; ` +
      `expected ${total}, 0, 0`);
    return first;
  } finally {
    await core.close();
  }
}
