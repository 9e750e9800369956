// `npm run bench`: how fast usage records reach the cache by each ingest path, against the raw SQLite ceiling measured
// in the same process run; with --memory, whether memory stays flat through one sync of millions of records instead.
// See USAGE in options.ts; results are printed and recorded in RESULTS.md next to this file.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCache } from '../../electron/core/cache/open.ts';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { capacityBench, capacityMethod, type CapacityBench } from './capacity.ts';
import { chargebackBench, chargebackMethod, type ChargebackBench } from './chargeback.ts';
import { cacheDir, ensureBigCache, MONTH, SEED as CACHE_SEED, type BigCache } from './big-cache.ts';
import { openDuckBaseline, queryRows, type DuckBaseline } from './duckdb.ts';
import { describeMachine, machineLine } from './machine.ts';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options.ts';
import {
  fetchRound, importRound, PHASES, rawRound, syncRound, type Measurement, type PhaseId, type RoundContext,
} from './phases.ts';
import { runMemoryPhase, type MemoryResult } from './memory.ts';
import { runQueries, TARGET_MS, type QueryBench, type QueryResult } from './queries.ts';
import {
  renderBreakdownTable, renderGrowthTable, renderMemoryTable, renderQueryTable, renderTable, targetText,
  updateResultsFile, type PhaseResult,
} from './report.ts';
import { startRssSampler, type RssSampler } from './rss-sampler.ts';
import { savePages, SEED, startWorkload, type SavedPages, type Workload } from './workload.ts';

// The npm script runs plain `node test/bench/run.ts`, so gc is exposed here rather than by a flag: each phase starts
// from a collected heap instead of paying for the garbage the previous one left.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

const say = (message: string) => process.stderr.write(`bench: ${message}\n`);
const count = (n: number) => n.toLocaleString('en-US');
const iso = (d: Date) => d.toISOString().replace(':00.000Z', 'Z');
const today = () => new Date().toISOString().slice(0, 10);

interface RunFacts {
  workload: Workload;
  saved: SavedPages;
  syncRun: SyncRunRow;
  results: PhaseResult[];
}

/**
 * Every phase once per round, interleaved (raw, import, sync, ... then again), so that a burst of load from elsewhere
 * on the machine hits one round of several phases rather than every round of one phase.
 */
async function runRounds(options: BenchOptions, dir: string, rss: RssSampler): Promise<RunFacts> {
  say(`starting the simulator, sized for about ${count(options.records)} records`);
  const workload = await startWorkload(options.records);
  try {
    say(`scale ${workload.scale}: ${count(workload.records)} records reported ${iso(workload.from)} – ` +
      `${iso(workload.to)}; saving them as REST pages`);
    const pagesDir = join(dir, 'pages');
    mkdirSync(pagesDir);
    const saved = await savePages(workload, pagesDir);

    const measurements = new Map<PhaseId, Measurement[]>();
    const record = (phase: PhaseId, m: Measurement) => measurements.set(phase, [...measurements.get(phase) ?? [], m]);
    let syncRun: SyncRunRow | undefined;
    for (let round = 1; round <= options.rounds; round++) {
      say(`round ${round} of ${options.rounds}: raw ceiling, import, sync, re-sync, fetch`);
      const ctx: RoundContext = { workload, saved, dir, round, rss, collectGarbage, record };
      await rawRound(ctx);
      await importRound(ctx);
      syncRun = await syncRound(ctx);
      await fetchRound(ctx);
      // Each round's files are only needed by that round; removing them keeps the temp folder at one round's size.
      for (const name of ['raw', 'import', 'sync']) {
        for (const suffix of ['', '-wal', '-shm']) {
          rmSync(join(dir, `${name}-${round}.sqlite${suffix}`), { force: true });
        }
      }
    }
    const results = (Object.keys(PHASES) as PhaseId[]).map((id): PhaseResult => {
      const ms = measurements.get(id) ?? [];
      return {
        ...PHASES[id],
        records: workload.records,
        runs: ms.map((m) => m.seconds),
        peakRss: Math.max(...ms.map((m) => m.peakRss)),
      };
    });
    return { workload, saved, syncRun: syncRun as SyncRunRow, results };
  } finally {
    await workload.sim.close();
  }
}

function commandLine(options: BenchOptions): string {
  const args = options.argv.join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return args ? `npm run bench -- ${args}` : 'npm run bench';
  return `node test/bench/run.ts${args ? ` ${args}` : ''}`;
}

function sizesLine(facts: RunFacts): string {
  const { workload: w, saved, syncRun } = facts;
  const last = saved.records - (saved.files.length - 1) * 1000;
  const hours = (w.to.getTime() - w.from.getTime()) / 3_600_000;
  return `simulator seed ${SEED}, scale ${w.scale} (${w.sim.stamp.subscriptions.length} subscriptions, ` +
    `${count(w.sim.stamp.resourceList.length)} resources); reported range ${iso(w.from)} – ${iso(w.to)} ` +
    `(${hours} h), Hourly: ${count(w.records)} records, the same ones in every phase. Saved as ${saved.files.length} ` +
    `REST pages of 1,000 records (the last ${last}), ${(saved.bytes / 2 ** 20).toFixed(1)} MiB; the sync reads them ` +
    `per subscriber and day: ${syncRun.subscribers} subscribers, ${syncRun.pages} pages`;
}

function ingestNotes(options: BenchOptions, facts: RunFacts, load: number, startRss: number, seconds: number,
  dir: string): string {
  return [
    `- Command: \`${commandLine(options)}\``,
    `- Machine: ${machineLine(describeMachine(dir))}; load average ${load.toFixed(2)} when the run started`,
    `- Sizes: ${sizesLine(facts)}`,
    `- Method: ${options.rounds} interleaved rounds, each phase on a fresh cache file (re-sync and re-import reuse ` +
      'the one just filled); rates and ratios use the best round. Whole run ' +
      `${seconds.toFixed(0)} s. Peak RSS is the whole process (${(startRss / 2 ** 20).toFixed(0)} MiB at start), ` +
      'sampled every 5 ms from a collected heap at the start of each phase; the raw and parse rows hold every row ' +
      'in memory by design.',
    '- The simulator serves the sync from this same process: its page rendering and the server side of TLS share ' +
      'the event loop with the client. The "fetch" row is that cost alone (full 1,000-record pages).',
  ].join('\n');
}

/** The ingest phases beside the raw ceiling; returns the RESULTS.md section. */
async function ingestBench(options: BenchOptions, dir: string, rss: RssSampler): Promise<string> {
  const started = performance.now();
  const startRss = process.memoryUsage.rss();
  const load = loadavg()[0] ?? 0;
  const facts = await runRounds(options, dir, rss);
  const seconds = (performance.now() - started) / 1000;
  const table = renderTable(facts.results);
  const notes = ingestNotes(options, facts, load, startRss, seconds, dir);
  console.log(`\n${table}\n\n${notes}\n`);
  const label = options.size === 'custom' ? 'custom size' : options.size;
  return `## ${today()} — ${label}, ${count(options.records)} records\n\n${notes}\n\n${table}\n`;
}

/** One sync of about `options.records` records, watching memory; returns the RESULTS.md section. */
async function memoryBench(options: BenchOptions, dir: string, rss: RssSampler): Promise<string> {
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  say(`starting the simulator, sized for about ${count(options.records)} records`);
  const w = await startWorkload(options.records);
  let m: MemoryResult;
  try {
    say(`scale ${w.scale}: ${count(w.records)} records reported ${iso(w.from)} – ${iso(w.to)}; syncing them into ` +
      'a fresh cache');
    m = await runMemoryPhase(w, dir, rss, collectGarbage, say);
  } finally {
    await w.sim.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const hours = (w.to.getTime() - w.from.getTime()) / 3_600_000;
  const notes = [
    `- Command: \`${commandLine(options)}\``,
    `- Machine: ${machineLine(describeMachine(dir))}; load average ${load.toFixed(2)} when the run started`,
    `- Sizes: simulator seed ${SEED}, scale ${w.scale} (${w.sim.stamp.subscriptions.length} subscriptions, ` +
      `${count(w.sim.stamp.resourceList.length)} resources); reported range ${iso(w.from)} – ${iso(w.to)} (${hours} h), ` +
      `Hourly: ${count(w.records)} records, read per subscriber and day: ${m.run.subscribers} subscribers, ` +
      `${count(m.run.pages)} pages`,
    `- Result: ${count(m.run.inserted)} records ingested in ${m.seconds.toFixed(1)} s ` +
      `(${count(Math.round(m.run.inserted / m.seconds))} records/s), ${count(m.storedRows)} rows counted in the ` +
      `cache afterwards. Cache file ${(m.cacheBytes / 2 ** 20).toFixed(0)} MiB once closed ` +
      `(${Math.round(m.cacheBytes / m.storedRows)} bytes per record); its WAL was ` +
      `${(m.walBytes / 2 ** 20).toFixed(1)} MiB when the sync ended. Whole run ${seconds.toFixed(0)} s.`,
    '- Method: one sync (createCore, connections:add, sync:start, as in the ingest phases) over loopback HTTPS from ' +
      'the simulator in this same process, which renders each page when it is asked for, so neither side needs the ' +
      'range in memory. RSS is the whole process: simulator, both ends of TLS, the core and SQLite. RSS and heapUsed ' +
      '(process.memoryUsage) are sampled on the main thread every 250 ms and at the first progress event (every ' +
      '~100 ms) past each mark; at a mark a full GC follows, giving the heap after GC. Peak RSS is also sampled every ' +
      '5 ms by a worker.',
    '- Reading the growth table: memory that holds what was ingested grows about as much per million records from ' +
      '50 % to 100 % as from 10 % to 50 %; flat memory grows during warm-up and then stops. Between collections ' +
      'the heap carries garbage (heapUsed against heap after GC), which sets the peaks.',
    '- Reading the breakdown: file-backed pages are code and the WAL index. "Other anonymous" is what malloc holds ' +
      'for SQLite (its page cache), OpenSSL and Node, in use or freed: glibc gives freed memory of its main heap back ' +
      'only from the top, so a burst of native allocations can leave a step that stays although nothing is kept.',
  ].join('\n');
  const tables = `${renderMemoryTable(m)}\n\n${renderGrowthTable(m)}\n\n${renderBreakdownTable(m)}`;
  console.log(`\n${tables}\n\n${notes}\n`);
  const label = options.size === 'custom' ? 'memory (custom size)' : 'memory';
  return `## ${today()} — ${label}, ${count(options.records)} records\n\n${notes}\n\n${tables}\n`;
}

function queryNotes(options: BenchOptions, cache: BigCache, duck: DuckBaseline, duckVersion: string, bench: QueryBench,
  charge: ChargebackBench, capacity: CapacityBench, load: number, seconds: number): string {
  const f = bench.facts;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const rollups = f.rollups.map((r) => `${r.table} ${count(r.rows)}`).join(', ');
  const made = cache.reused
    ? `reused from an earlier run, which generated and ingested it in ${cache.ingestSeconds.toFixed(0)} s`
    : `generated and ingested in this run in ${cache.ingestSeconds.toFixed(0)} s ` +
      `(${count(Math.round(cache.records / cache.ingestSeconds))} records/s)`;
  const loaded = duck.reused
    ? `reused from an earlier run, which loaded it in ${duck.loadSeconds.toFixed(0)} s`
    : `loaded in this run in ${duck.loadSeconds.toFixed(0)} s`;
  return [
    `- Command: \`${commandLine(options)}\``,
    `- Machine: ${machineLine(describeMachine(cacheDir()))}; load average ${load.toFixed(2)} when the run started`,
    `- Sizes: ${count(cache.records)} hourly records of ${MONTH.from} – ${MONTH.to} (744 h) from the simulator ` +
      `(seed ${CACHE_SEED}, scale ${cache.scale}, ${cache.tenants} tenants, ${cache.subscriptions} subscriptions, ` +
      `${count(cache.resources)} resources, ${f.metersWithUsage} of the cache's ${f.meters} meters). Cache file ` +
      `${mib(f.fileBytes)} (${Math.round(f.fileBytes / cache.records)} bytes per record), ${made}: written through ` +
      'the usage writer (createUsageWriter().writePage, pages of 1,000 records per subscriber and day), so the ' +
      `rollups are those a sync maintains. Rows: ${rollups}. DuckDB ${duckVersion} copy: one table of the same rows with every dimension ` +
      `denormalised, ${mib(f.duckdbBytes)} on disk, ${loaded}. Charted meter: ${f.biggestMeter.name} ` +
      `(${f.biggestMeter.meterId}, the most records: ${count(f.biggestMeter.records)}); filtered tenant: ` +
      `${f.tenant.tenantId} (${count(f.tenant.records)} records).`,
    `- Method: every query once to warm up, then ${options.queryRuns} timed runs; median and 95th percentile ` +
      '(nearest rank). Ours: the core\'s function (listMeters, getMeterSeries, exploreUsage) called as the core\'s ' +
      'handlers call it, on the cache opened with openCache as the app opens it; its time includes turning rows ' +
      'into the DTO. DuckDB: the same question in plain SQL over the raw rows (exact sums over DECIMAL(38,18)), ' +
      'through @duckdb/node-api in this process, its time including the rows read into JS. "vs DuckDB" is our ' +
      `median over DuckDB's (below 1: faster). "p95 < target": whether the 95th percentile is under the row's ` +
      `target (${targetText(TARGET_MS)} for the console's queries, ${targetText(charge.result.targetMs)} for the ` +
      `chargeback, ${targetText(capacity.result.targetMs)} for the capacity report). The ` +
      'explorer groups a query once into a TEMP table and reads later blocks from it: its "first block" runs each ' +
      'time on a fresh connection (opened untimed), "again" and "second block" on the connection that kept it. ' +
      `Whole run ${seconds.toFixed(0)} s.`,
    chargebackMethod(charge),
    capacityMethod(capacity),
    '- Checks: each answer of ours was compared with DuckDB\'s before its time was kept (a mismatch fails the run):',
    ...results(bench, charge, capacity).map((r) => `  - ${r.name}: ${r.agreement}`),
  ].join('\n');
}

const results = (bench: QueryBench, charge: ChargebackBench, capacity: CapacityBench): QueryResult[] =>
  [...bench.results, charge.result, capacity.result];

/** The console's queries on a big cache beside DuckDB on the same rows; returns the RESULTS.md section. */
async function queryBench(options: BenchOptions, records: number): Promise<string> {
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  say(`query bench: a month of usage, about ${count(records)} records`);
  const cache = ensureBigCache(records, say);
  const duck = await openDuckBaseline(cache, say);
  let bench: QueryBench;
  let charge: ChargebackBench;
  let capacity: CapacityBench;
  let duckVersion: string;
  try {
    duckVersion = String((await queryRows(duck.connection, 'SELECT version() AS v'))[0]?.v);
    const db = openCache(cache.path);
    try {
      say(`timing each query: one warm-up, then ${options.queryRuns} runs, ours and DuckDB's`);
      bench = await runQueries(db, cache, duck, options.queryRuns, say);
      say('  chargeback of the month by tenant');
      charge = await chargebackBench(db, cache, duck, options.queryRuns, say);
      say('  capacity report of the month');
      capacity = await capacityBench(db, cache, duck, options.queryRuns, say);
    } finally {
      db.close();
    }
  } finally {
    duck.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const table = renderQueryTable(results(bench, charge, capacity));
  const notes = queryNotes(options, cache, duck, duckVersion, bench, charge, capacity, load, seconds);
  console.log(`\n${table}\n\n${notes}\n`);
  const label = options.size === 'custom' ? 'queries (custom size)' : options.size === 'quick' ? 'queries (quick)'
    : 'queries';
  return `## ${today()} — ${label}, ${count(records)} records\n\n${notes}\n\n${table}\n`;
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const record = (section: string) => {
    if (!options.save) return;
    updateResultsFile(RESULTS_FILE, section);
    say(`recorded in ${RESULTS_FILE}`);
  };
  if (options.mode !== 'queries') {
    const dir = mkdtempSync(join(tmpdir(), 'stackmeter-bench-'));
    const rss = startRssSampler();
    try {
      record(options.mode === 'memory' ? await memoryBench(options, dir, rss) : await ingestBench(options, dir, rss));
    } finally {
      await rss.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (options.queryRecords !== null) record(await queryBench(options, options.queryRecords));
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`bench: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
