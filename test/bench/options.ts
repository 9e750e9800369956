// Command-line options of `npm run bench`.

export interface BenchOptions {
  /** 'ingest': every ingest path beside the raw ceiling; 'memory': one long sync, watching the process's memory. */
  mode: 'ingest' | 'memory';
  /** Records each phase ingests (about: the sync range ends on the hour that reaches it). */
  records: number;
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

const count = (n: number) => n.toLocaleString('en-US');

/** A mistake on the command line: reported as its message alone, without a stack. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run bench -- [--quick | --records <n>] [--rounds <n>] [--no-save]
       npm run bench -- --memory [--records <n>] [--no-save]

  --quick        ${count(QUICK_RECORDS)} records per phase instead of ${count(FULL_RECORDS)}
  --records <n>  about n records per phase (at least 1,000)
  --rounds <n>   rounds of every phase, best one reported (default ${DEFAULT_ROUNDS})
  --memory       instead of the ingest phases: one sync of about ${count(MEMORY_RECORDS)} records (or --records)
                 into a fresh cache, sampling RSS and heap to show whether memory stays flat
  --no-save      print the results without recording them in test/bench/RESULTS.md`;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let records: number | null = null;
  let quick = false;
  let memory = false;
  let save = true;
  let rounds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-save') {
      save = false;
    } else if (arg === '--memory') {
      memory = true;
    } else if (arg === '--quick') {
      quick = true;
    } else if (arg === '--records' || arg?.startsWith('--records=')) {
      const text = arg === '--records' ? argv[++i] : arg.slice('--records='.length);
      records = wholeNumber('--records', text, 1000);
    } else if (arg === '--rounds' || arg?.startsWith('--rounds=')) {
      const text = arg === '--rounds' ? argv[++i] : arg.slice('--rounds='.length);
      rounds = wholeNumber('--rounds', text, 1);
    } else {
      throw new UsageError(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  if (quick && records !== null) throw new UsageError('--quick and --records cannot be combined');
  if (memory && quick) throw new UsageError('--memory sizes itself with --records, not --quick');
  // One run is the measurement: memory over time, which a best-of-rounds would not describe.
  if (memory && rounds !== null) throw new UsageError('--memory runs one sync; --rounds does not apply');
  const size: BenchOptions['size'] = records !== null ? 'custom' : quick ? 'quick' : 'full';
  const defaultRecords = memory ? MEMORY_RECORDS : quick ? QUICK_RECORDS : FULL_RECORDS;
  return {
    mode: memory ? 'memory' : 'ingest',
    records: records ?? defaultRecords,
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
