// Command-line options of `npm run bench`.

export interface BenchOptions {
  /** Records each phase ingests (about: the sync range ends on the hour that reaches it). */
  records: number;
  /** 'full', 'quick' or 'custom': names the RESULTS.md section, so each size keeps its own latest figures. */
  size: 'full' | 'quick' | 'custom';
  /** False with --no-save: print the table only, leave RESULTS.md alone. */
  save: boolean;
  /** The arguments as given, for the command line recorded with the results. */
  argv: string[];
}

export const FULL_RECORDS = 300_000;
export const QUICK_RECORDS = 50_000;

export const USAGE = `Usage: npm run bench -- [--quick | --records <n>] [--no-save]

  --quick        ${QUICK_RECORDS.toLocaleString('en-US')} records per phase instead of ${FULL_RECORDS.toLocaleString('en-US')}
  --records <n>  about n records per phase (at least 1,000)
  --no-save      print the results without recording them in test/bench/RESULTS.md`;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let records = FULL_RECORDS;
  let size: BenchOptions['size'] = 'full';
  let save = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-save') {
      save = false;
    } else if (arg === '--quick') {
      if (size === 'custom') throw new Error('--quick and --records cannot be combined');
      records = QUICK_RECORDS;
      size = 'quick';
    } else if (arg === '--records' || arg?.startsWith('--records=')) {
      if (size === 'quick') throw new Error('--quick and --records cannot be combined');
      const text = arg === '--records' ? argv[++i] : arg.slice('--records='.length);
      const n = Number(text?.replaceAll('_', ''));
      if (!Number.isInteger(n) || n < 1000) throw new Error(`--records needs a whole number of at least 1000, not "${text ?? ''}"`);
      records = n;
      size = 'custom';
    } else {
      throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  return { records, size, save, argv };
}
