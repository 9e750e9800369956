// `npm run bench`: how fast usage records reach the cache by each ingest path, against the raw SQLite ceiling measured
// in the same process run. See USAGE in options.ts; results are printed and recorded in RESULTS.md next to this file.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SyncRunRow } from '../../electron/shared/domain.ts';
import { describeMachine, machineLine } from './machine.ts';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options.ts';
import {
  fetchRound, importRound, PHASES, rawRound, syncRound, type Measurement, type PhaseId, type RoundContext,
} from './phases.ts';
import { renderTable, updateResultsFile, type PhaseResult } from './report.ts';
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
    const load = loadavg()[0] ?? 0;
    const facts = await runRounds(options, dir, rss);
    const machine = describeMachine(dir);
    const seconds = (performance.now() - started) / 1000;
    const table = renderTable(facts.results);
    const notes = [
      `- Command: \`${commandLine(options)}\``,
      `- Machine: ${machineLine(machine)}; load average ${load.toFixed(2)} when the run started`,
      `- Sizes: ${sizesLine(facts)}`,
      `- Method: ${options.rounds} interleaved rounds, each phase on a fresh cache file (re-sync and re-import reuse ` +
        'the one just filled); rates and ratios use the best round. Whole run ' +
        `${seconds.toFixed(0)} s. Peak RSS is the whole process (${(startRss / 2 ** 20).toFixed(0)} MiB at start), ` +
        'sampled every 5 ms from a collected heap at the start of each phase; the raw and parse rows hold every row ' +
        'in memory by design.',
      '- The simulator serves the sync from this same process: its page rendering and the server side of TLS share ' +
        'the event loop with the client. The "fetch" row is that cost alone (full 1,000-record pages).',
    ].join('\n');
    console.log(`\n${table}\n\n${notes}\n`);
    if (options.save) {
      const date = new Date().toISOString().slice(0, 10);
      const label = options.size === 'custom' ? 'custom size' : options.size;
      const heading = `## ${date} — ${label}, ${count(options.records)} records`;
      updateResultsFile(RESULTS_FILE, `${heading}\n\n${notes}\n\n${table}\n`);
      say(`recorded in ${RESULTS_FILE}`);
    }
  } finally {
    await rss.stop();
    rmSync(dir, { recursive: true, force: true });
  }
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
