// Command-line options of `npm run bench`.

export interface BenchOptions {
  /**
   * 'ingest': every ingest path beside the raw ceiling (then the query bench, see `queries`); 'memory': one long sync,
   * watching the process's memory; 'queries': only the query bench.
   */
  mode: 'ingest' | 'memory' | 'queries';
  /** Records each phase ingests (about: the sync range ends on the hour that reaches it); in 'queries' mode, 0. */
  records: number;
  /** Records (about) of the big cache the query bench reads, or null when this run has no query bench. */
  queryRecords: number | null;
  /** Timed runs of every query, after one warm-up; the table gives their median and 95th percentile. */
  queryRuns: number;
  /** 'full', 'quick' or 'custom': names the RESULTS.md section, so each size keeps its own latest figures. */
  size: 'full' | 'quick' | 'custom';
  /** Rounds of every phase; each phase reports its best round (interference from other work only adds time). */
  rounds: number;
  /** False with --no-save: print the table only, leave RESULTS.md alone. */
  save: boolean;
  /** The arguments as given, for the command line recorded with the results. */
  argv: string[];
}

export const FULL_RECORDS = 300_000;
export const QUICK_RECORDS = 50_000;
export const MEMORY_RECORDS = 5_000_000;
export const DEFAULT_ROUNDS = 3;
export const QUERY_RECORDS = 10_000_000;
export const QUICK_QUERY_RECORDS = 1_000_000;
export const DEFAULT_QUERY_RUNS = 7;

const count = (n: number) => n.toLocaleString('en-US');

/** A mistake on the command line: reported as its message alone, without a stack. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run bench -- [--quick | --records <n>] [--rounds <n>] [--runs <n>] [--no-queries] [--no-save]
       npm run bench -- --queries [--quick | --records <n>] [--runs <n>] [--no-save]
       npm run bench -- --memory [--records <n>] [--no-save]

  By default: the ingest phases, then the query bench on a cache of about ${count(QUERY_RECORDS)} records.

  --quick        ${count(QUICK_RECORDS)} records per ingest phase instead of ${count(FULL_RECORDS)}, and a query bench
                 cache of about ${count(QUICK_QUERY_RECORDS)} records instead of ${count(QUERY_RECORDS)}
  --records <n>  about n records per ingest phase (at least 1,000; no query bench), or with --queries in the cache
  --rounds <n>   rounds of every ingest phase, best one reported (default ${DEFAULT_ROUNDS})
  --queries      only the query bench: a month of hourly usage of a large stamp (generated once through the usage
                 writer and kept in the temp folder for later runs), the console's queries on it beside DuckDB
  --runs <n>     timed runs of every query after one warm-up (default ${DEFAULT_QUERY_RUNS})
  --no-queries   the ingest phases only
  --memory       instead of the ingest phases: one sync of about ${count(MEMORY_RECORDS)} records (or --records)
                 into a fresh cache, sampling RSS and heap to show whether memory stays flat
  --no-save      print the results without recording them in test/bench/RESULTS.md`;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let records: number | null = null;
  let quick = false;
  let memory = false;
  let queries: boolean | null = null;
  let save = true;
  let rounds: number | null = null;
  let runs: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-save') {
      save = false;
    } else if (arg === '--memory') {
      memory = true;
    } else if (arg === '--queries' || arg === '--no-queries') {
      if (queries !== null) throw new UsageError('give --queries or --no-queries once');
      queries = arg === '--queries';
    } else if (arg === '--quick') {
      quick = true;
    } else if (arg === '--records' || arg?.startsWith('--records=')) {
      const text = arg === '--records' ? argv[++i] : arg.slice('--records='.length);
      records = wholeNumber('--records', text, 1000);
    } else if (arg === '--rounds' || arg?.startsWith('--rounds=')) {
      const text = arg === '--rounds' ? argv[++i] : arg.slice('--rounds='.length);
      rounds = wholeNumber('--rounds', text, 1);
    } else if (arg === '--runs' || arg?.startsWith('--runs=')) {
      const text = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length);
      runs = wholeNumber('--runs', text, 1);
    } else {
      throw new UsageError(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  if (quick && records !== null) throw new UsageError('--quick and --records cannot be combined');
  if (memory && quick) throw new UsageError('--memory sizes itself with --records, not --quick');
  // One run is the measurement: memory over time, which a best-of-rounds would not describe.
  if (memory && rounds !== null) throw new UsageError('--memory runs one sync; --rounds does not apply');
  if (memory && queries !== null) throw new UsageError('--memory runs one sync; it has no query bench');
  if (queries === true && rounds !== null) throw new UsageError('--queries has no ingest phases; --rounds does not apply');
  if ((memory || queries === false || (queries === null && records !== null)) && runs !== null) {
    throw new UsageError('--runs times the query bench, which this run does not have');
  }
  const size: BenchOptions['size'] = records !== null ? 'custom' : quick ? 'quick' : 'full';
  const queryRuns = runs ?? DEFAULT_QUERY_RUNS;
  if (queries === true) {
    return {
      mode: 'queries', records: 0, queryRecords: records ?? (quick ? QUICK_QUERY_RECORDS : QUERY_RECORDS), queryRuns,
      size, rounds: 0, save, argv,
    };
  }
  const defaultRecords = memory ? MEMORY_RECORDS : quick ? QUICK_RECORDS : FULL_RECORDS;
  // A custom ingest size says nothing about the query bench's: such a run measures ingest only.
  const withQueries = !memory && queries === null && records === null;
  return {
    mode: memory ? 'memory' : 'ingest',
    records: records ?? defaultRecords,
    queryRecords: withQueries ? (quick ? QUICK_QUERY_RECORDS : QUERY_RECORDS) : null,
    queryRuns,
    size,
    rounds: memory ? 1 : rounds ?? DEFAULT_ROUNDS,
    save,
    argv,
  };
}

function wholeNumber(option: string, text: string | undefined, min: number): number {
  const n = Number(text?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${option} needs a whole number of at least ${min}, not "${text ?? ''}"`);
  }
  return n;
}
