// Command-line options of `npm run bench`.

export interface BenchOptions {
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
export const DEFAULT_ROUNDS = 3;

const count = (n: number) => n.toLocaleString('en-US');

/** A mistake on the command line: reported as its message alone, without a stack. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run bench -- [--quick | --records <n>] [--rounds <n>] [--no-save]

  --quick        ${count(QUICK_RECORDS)} records per phase instead of ${count(FULL_RECORDS)}
  --records <n>  about n records per phase (at least 1,000)
  --rounds <n>   rounds of every phase, best one reported (default ${DEFAULT_ROUNDS})
  --no-save      print the results without recording them in test/bench/RESULTS.md`;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let records = FULL_RECORDS;
  let size: BenchOptions['size'] = 'full';
  let save = true;
  let rounds = DEFAULT_ROUNDS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-save') {
      save = false;
    } else if (arg === '--quick') {
      if (size === 'custom') throw new UsageError('--quick and --records cannot be combined');
      records = QUICK_RECORDS;
      size = 'quick';
    } else if (arg === '--records' || arg?.startsWith('--records=')) {
      if (size === 'quick') throw new UsageError('--quick and --records cannot be combined');
      const text = arg === '--records' ? argv[++i] : arg.slice('--records='.length);
      records = wholeNumber('--records', text, 1000);
      size = 'custom';
    } else if (arg === '--rounds' || arg?.startsWith('--rounds=')) {
      const text = arg === '--rounds' ? argv[++i] : arg.slice('--rounds='.length);
      rounds = wholeNumber('--rounds', text, 1);
    } else {
      throw new UsageError(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  return { records, size, rounds, save, argv };
}

function wholeNumber(option: string, text: string | undefined, min: number): number {
  const n = Number(text?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${option} needs a whole number of at least ${min}, not "${text ?? ''}"`);
  }
  return n;
}
