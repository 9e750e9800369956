// `npm run bench -- --memory`: one sync of millions of records over loopback HTTPS into a fresh cache, watching the
// process's memory. A sync that streams pages holds one page per subscriber query at a time, so after warming up its
// memory must stop growing however many records pass through; anything that keeps a range (or an index of it) in
// memory shows as growth that goes on with the records.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SyncProgress, SyncRunRow } from '../../electron/shared/domain.ts';
import { benchCore, check, syncOnce } from './phases.ts';
import type { RssSampler } from './rss-sampler.ts';
import type { Workload } from './workload.ts';

/** Where the marks are taken: these fractions of the range's records ingested. */
const MARK_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1] as const;

// Often enough to follow a sync of a few minutes closely, rarely enough to cost nothing measurable.
const SAMPLE_INTERVAL_MS = 250;

export interface MemorySample {
  /** Seconds since the sync started. */
  seconds: number;
  /** Records the sync had fetched and committed by then (its latest progress event). */
  records: number;
  rss: number;
  heapUsed: number;
}

export interface MemoryMark extends MemorySample {
  fraction: number;
  /** heapUsed right after a full collection: what the heap still references, garbage aside. */
  liveHeap: number;
  /** RSS right after that collection: what the process keeps once the garbage V8 was carrying is gone. */
  rssAfterGc: number;
  /** What that RSS is made of, right after the collection. */
  afterGc: RssBreakdown;
  /** Highest RSS of the 250 ms samples since the previous mark (this mark included). */
  peakRssSince: number;
}

export interface MemoryResult {
  run: SyncRunRow;
  seconds: number;
  /** Just before the sync, from a collected heap: the simulator and the core are up, the cache is empty. */
  start: MemoryMark;
  marks: MemoryMark[];
  /** Highest RSS the 5 ms sampler saw during the sync. */
  peakRss: number;
  /** The timer sample with the highest RSS (to tell when the peak came) and the highest heapUsed seen. */
  peakRssSample: MemorySample;
  peakHeapUsed: number;
  /** Bytes of the cache file once the core closed it (WAL checkpointed), and of its WAL when the sync ended. */
  cacheBytes: number;
  walBytes: number;
  /** Rows in usage_records, counted from the file after the core closed it. */
  storedRows: number;
}

/** Parts of the RSS, to tell which kind of memory grows. Linux reports the anonymous/file split; elsewhere it is null. */
export interface RssBreakdown {
  /** V8's heap as committed (heapTotal): touched heap pages count in RSS whether or not they hold live objects. */
  heapTotal: number;
  /** Memory outside the V8 heap that JS objects own (Buffers, the TLS and HTTP parsers' buffers). */
  external: number;
  /** Anonymous memory (every heap: V8's, malloc's for SQLite, OpenSSL and Node; thread stacks). */
  anon: number | null;
  /** File-backed pages mapped in: code of node and its libraries, and SQLite's WAL index (-shm). */
  file: number | null;
}

function rssBreakdown(m: NodeJS.MemoryUsage): RssBreakdown {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // Not Linux: the split is unknown.
  }
  const kib = (field: string): number | null => {
    const value = new RegExp(`^${field}:\\s*(\\d+) kB$`, 'm').exec(status)?.[1];
    return value === undefined ? null : Number(value) * 1024;
  };
  return { heapTotal: m.heapTotal, external: m.external, anon: kib('RssAnon'), file: kib('RssFile') };
}

const fileSize = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/**
 * Syncs the workload's whole range once into a fresh cache in `dir`, sampling memory every 250 ms on the main thread
 * (heapUsed is per isolate, so a worker could not see it; a sync awaits the network between pages, so the timer runs)
 * and taking a mark when the progress events pass each of MARK_FRACTIONS of the records.
 */
export async function runMemoryPhase(
  w: Workload, dir: string, rss: RssSampler, collectGarbage: () => void, say: (message: string) => void,
): Promise<MemoryResult> {
  const dbPath = join(dir, 'memory.sqlite');
  const core = await benchCore(dbPath, w);
  const samples: MemorySample[] = [];
  const marks: MemoryMark[] = [];
  let started = performance.now();
  let records = 0;
  const sample = (): MemorySample => {
    const m = process.memoryUsage();
    return { seconds: (performance.now() - started) / 1000, records, rss: m.rss, heapUsed: m.heapUsed };
  };
  let peakSince = 0;
  const mark = (fraction: number): MemoryMark => {
    const taken = sample();
    collectGarbage();
    const after = process.memoryUsage();
    const peakRssSince = Math.max(peakSince, taken.rss);
    peakSince = 0;
    return {
      ...taken, fraction, liveHeap: after.heapUsed, rssAfterGc: after.rss, afterGc: rssBreakdown(after), peakRssSince,
    };
  };
  let nextLog = 0;
  const unsubscribe = core.on('sync:progress', (p: SyncProgress) => {
    records = p.records;
    // One mark per fraction, at the first progress event that reaches it (events come every 100 ms or so).
    while (marks.length < MARK_FRACTIONS.length && records >= (MARK_FRACTIONS[marks.length] as number) * w.records) {
      marks.push(mark(MARK_FRACTIONS[marks.length] as number));
    }
    const last = samples.at(-1);
    if (last && records >= nextLog) {
      say(`${count(records)} records, RSS ${mib(last.rss)} MiB, heapUsed ${mib(last.heapUsed)} MiB`);
      nextLog = records + w.records / 20;
    }
  });
  let timer: NodeJS.Timeout | undefined;
  let start: MemoryMark;
  let synced: { run: SyncRunRow; seconds: number };
  let peakRss: number;
  let walBytes: number;
  try {
    collectGarbage();
    started = performance.now();
    start = mark(0);
    rss.reset();
    timer = setInterval(() => {
      const taken = sample();
      samples.push(taken);
      peakSince = Math.max(peakSince, taken.rss);
    }, SAMPLE_INTERVAL_MS);
    synced = await syncOnce(core, w);
    peakRss = rss.peak();
    walBytes = fileSize(`${dbPath}-wal`);
  } finally {
    clearInterval(timer);
    unsubscribe();
    await core.close();
  }

  const db = new Database(dbPath, { readonly: true });
  let storedRows: number;
  try {
    storedRows = db.prepare('SELECT count(*) FROM usage_records').pluck().get() as number;
  } finally {
    db.close();
  }
  const { run, seconds } = synced;
  check(run.records === w.records && run.inserted === w.records && storedRows === w.records,
    `memory sync fetched ${run.records}, inserted ${run.inserted} and left ${storedRows} rows; ` +
    `the range holds ${w.records}`);
  check(marks.length === MARK_FRACTIONS.length, `only ${marks.length} of the memory marks were taken`);
  const all = [...samples, ...marks];
  return {
    run,
    seconds,
    start,
    marks,
    peakRss,
    peakRssSample: all.reduce((a, b) => (b.rss > a.rss ? b : a), start),
    peakHeapUsed: Math.max(...all.map((s) => s.heapUsed)),
    cacheBytes: fileSize(dbPath),
    walBytes,
    storedRows,
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
