// `npm run bench`: how fast usage records reach the cache, by each ingest path, against the raw SQLite ceiling, in one
// process run. See USAGE in options.ts; results are printed and recorded in RESULTS.md next to this file.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCache } from '../../electron/core/cache/open.ts';
import { importPageFiles } from '../../electron/core/exports/import-pages.ts';
import { createCore } from '../../electron/core/index.ts';
import type { Core } from '../../electron/core/types.ts';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { describeMachine, machineLine } from './machine.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { buildRawRows, insertRawRows, parsePages, ROWS_PER_TRANSACTION } from './raw-ceiling.ts';
import { renderTable, updateResultsFile, type PhaseResult } from './report.ts';
import { startRssSampler, type RssSampler } from './rss-sampler.ts';
import { clock, savePages, SECRET, SEED, startWorkload, type SavedPages, type Workload } from './workload.ts';

// The npm script runs plain `node test/bench/run.ts`, so gc is exposed from here rather than by a flag: each phase
// starts from a collected heap instead of paying for the garbage the previous one left.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const quiet = { info() {}, warn() {}, error() {} };

const say = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** Runs `phase` from a collected heap and returns its peak RSS with its result. */
async function measured<T>(rss: RssSampler, phase: () => T | Promise<T>): Promise<{ value: T; peakRss: number }> {
  collectGarbage();
  rss.reset();
  const value = await phase();
  return { value, peakRss: rss.peak() };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench: ${message}`);
}

async function syncOnce(core: Core, w: Workload): Promise<{ run: SyncRunRow; seconds: number }> {
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

interface RunFacts {
  workload: Workload;
  saved: SavedPages;
  syncRun: SyncRunRow;
  results: PhaseResult[];
}

async function runPhases(options: BenchOptions, dir: string, rss: RssSampler): Promise<RunFacts> {
  const results: PhaseResult[] = [];
  say(`starting the simulator, sized for about ${options.records.toLocaleString('en-US')} records`);
  const workload = await startWorkload(options.records);
  try {
    const total = workload.records;
    say(`scale ${workload.scale}: ${total.toLocaleString('en-US')} records reported ` +
      `${workload.from.toISOString()} – ${workload.to.toISOString()}; saving them as REST pages`);
    const pagesDir = join(dir, 'pages');
    mkdirSync(pagesDir);
    const setup = await measured(rss, () => savePages(workload, pagesDir));
    const saved = setup.value;
    results.push({ name: 'fetch the pages over HTTPS, no parsing', kind: 'info', records: total,
      seconds: saved.fetchSeconds, peakRss: setup.peakRss });

    say('raw ceiling');
    const parse = await measured(rss, () => parsePages(saved.files));
    results.push({ name: 'read + parse the saved pages, no writes', kind: 'info', records: total,
      seconds: parse.value.seconds, peakRss: parse.peakRss });
    const rawDb = openCache(join(dir, 'raw.sqlite'));
    try {
      let rows = buildRawRows(rawDb, parse.value.records);
      parse.value.records.length = 0;
      const raw = await measured(rss, () => insertRawRows(rawDb, rows));
      rows = [];
      results.unshift({ name: `raw ceiling: prepared INSERT, ${ROWS_PER_TRANSACTION} rows/transaction`,
        kind: 'baseline', records: total, seconds: raw.value, peakRss: raw.peakRss });
    } finally {
      rawDb.close();
    }

    say(`import of ${saved.files.length} saved pages`);
    const importDb = openCache(join(dir, 'import.sqlite'));
    try {
      const imported = await measured(rss, () => {
        const started = performance.now();
        const files = importPageFiles(importDb, saved.files, { connectionId: null });
        return { files, seconds: (performance.now() - started) / 1000 };
      });
      const inserted = imported.value.files.reduce((n, f) => n + f.inserted, 0);
      check(inserted === total, `import inserted ${inserted} of ${total} records`);
      results.splice(1, 0, { name: `import ${saved.files.length} saved pages (importPageFiles)`, kind: 'ingest',
        records: total, seconds: imported.value.seconds, peakRss: imported.peakRss });
    } finally {
      importDb.close();
    }

    say('sync over loopback HTTPS');
    const core = createCore({ dbPath: join(dir, 'sync.sqlite'), clock, log: quiet, env: { BENCH_SECRET: SECRET } });
    try {
      await core['connections:add']({
        name: 'bench',
        armEndpoint: workload.sim.url,
        clientId: workload.sim.clientId,
        secret: { kind: 'env', variable: 'BENCH_SECRET' },
        caPem: workload.sim.caPem,
      });
      const first = await measured(rss, () => syncOnce(core, workload));
      check(first.value.run.records === total && first.value.run.inserted === total,
        `sync fetched ${first.value.run.records} and inserted ${first.value.run.inserted} of ${total} records`);
      results.splice(2, 0, { name: 'sync over loopback HTTPS (empty cache)', kind: 'ingest', records: total,
        seconds: first.value.seconds, peakRss: first.peakRss });

      say('re-sync of the same range');
      const again = await measured(rss, () => syncOnce(core, workload));
      check(again.value.run.records === total && again.value.run.inserted === 0 && again.value.run.updated === 0,
        `re-sync fetched ${again.value.run.records} records, inserted ${again.value.run.inserted}, ` +
        `updated ${again.value.run.updated}; expected ${total}, 0, 0`);
      results.splice(3, 0, { name: 're-sync of the same range (all unchanged)', kind: 'ingest', records: total,
        seconds: again.value.seconds, peakRss: again.peakRss });
      return { workload, saved, syncRun: first.value.run, results };
    } finally {
      await core.close();
    }
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
  return `simulator seed ${SEED}, scale ${w.scale}, ${w.sim.stamp.subscriptions.length} subscriptions, ` +
    `${w.sim.stamp.resourceList.length.toLocaleString('en-US')} resources; reported range ` +
    `${w.from.toISOString()} – ${w.to.toISOString()} (${hours} h), Hourly: ${w.records.toLocaleString('en-US')} records; ` +
    `saved as ${saved.files.length} pages of 1,000 records (last ${last}), ${(saved.bytes / 2 ** 20).toFixed(1)} MiB; ` +
    `the sync reads them per subscriber and day in ${syncRun.pages} pages`;
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'stackmeter-bench-'));
  const rss = startRssSampler();
  const started = performance.now();
  try {
    const startRss = process.memoryUsage.rss();
    const facts = await runPhases(options, dir, rss);
    const machine = describeMachine(dir);
    const seconds = (performance.now() - started) / 1000;
    const table = renderTable(facts.results);
    const date = new Date().toISOString().slice(0, 10);
    const notes = [
      `- Command: \`${commandLine(options)}\``,
      `- Machine: ${machineLine(machine)}`,
      `- Sizes: ${sizesLine(facts)}`,
      `- Whole run: ${seconds.toFixed(0)} s; RSS at start ${(startRss / 2 ** 20).toFixed(0)} MiB. Peak RSS is the ` +
        'process, sampled every 5 ms, from a collected heap at the start of each phase; the raw ceiling and the ' +
        'parse row hold all their rows in memory by design.',
      '- The simulator serves the sync from the same process (its rendering and the server side of TLS share the ' +
        'event loop with the client); the "fetch" row is that cost alone, for the same records in full pages.',
    ].join('\n');
    console.log(`\n${table}\n\n${notes}\n`);
    if (options.save) {
      const label = options.size === 'custom' ? 'custom size' : options.size;
      updateResultsFile(RESULTS_FILE, `## ${date} — ${label}, ${options.records.toLocaleString('en-US')} records\n\n` +
        `${notes}\n\n${table}\n`);
      say(`recorded in ${RESULTS_FILE}`);
    }
  } finally {
    await rss.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
