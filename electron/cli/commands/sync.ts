import type { Granularity, SyncRequest, SyncRunRow } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { Core } from '../../core/types.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_OVERLAP_HOURS } from '../../core/sync/manager.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command, type OptionValues } from '../command.ts';
import { exitCodeFor } from '../errors.ts';
import { textOption } from '../options.ts';
import { createProgressPrinter } from '../progress.ts';

const DAY = 86_400_000;
// How many failed windows the summary lists; `stackmeter runs <id>` shows them all.
const WINDOW_ERRORS_SHOWN = 10;

export function parseGranularity(value: unknown): Granularity {
  const v = String(value ?? 'hourly').toLowerCase();
  if (v === 'hourly') return 'Hourly';
  if (v === 'daily') return 'Daily';
  throw new StackmeterError('INVALID_ARGUMENT', `--granularity must be hourly or daily, not "${String(value)}".`);
}

/** The start of the last `days` whole UTC days, e.g. for the demo's fixed period. */
export function defaultFrom(now: Date, days = 31): string {
  return new Date(Math.floor(now.getTime() / DAY) * DAY - days * DAY).toISOString().slice(0, 10);
}

function wholeOption(options: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StackmeterError('INVALID_ARGUMENT', `--${name} must be a whole number from ${min} to ${max}, not "${String(raw)}".`);
  }
  return value;
}

/**
 * Starts a sync through the contract and follows it in the foreground with a progress bar; Ctrl-C cancels it and
 * keeps every committed page.
 */
export async function runSyncInForeground(ctx: CliContext, core: Core, request: SyncRequest): Promise<SyncRunRow> {
  const printer = createProgressPrinter(ctx.err, ctx.isTTY);
  let runId = 0;
  const off = core.on('sync:progress', (p) => {
    if (p.runId === runId) printer.update(p);
  });
  try {
    ({ runId } = await call(core, 'sync:start', request));
    const cancel = ctx.interrupted.then(() => call(core, 'sync:cancel', runId).catch(() => undefined));
    await Promise.race([core.waitForRun(runId), cancel.then(() => core.waitForRun(runId))]);
  } finally {
    off();
    printer.finish();
  }
  const run = (await call(core, 'sync:runs', 50)).find((r) => r.id === runId);
  if (!run) throw new StackmeterError('INTERNAL', `Sync run ${runId} vanished from the history.`);
  return run;
}

export function exitCodeForRun(run: SyncRunRow): number {
  if (run.status === 'succeeded') return EXIT.ok;
  if (run.status === 'partial') return EXIT.partial;
  if (run.status === 'cancelled') return EXIT.cancelled;
  switch (run.errorCode) {
    case 'AUTH':
      return EXIT.auth;
    case 'TLS':
    case 'NETWORK':
      return EXIT.network;
    case 'LOCKED':
      return EXIT.locked;
    default:
      return EXIT.api;
  }
}

// From least to most severe: with --all, the most severe outcome of any stamp is the exit code (Ctrl-C overrides).
const SEVERITY: number[] = [EXIT.ok, EXIT.locked, EXIT.partial, EXIT.api, EXIT.network, EXIT.auth, EXIT.usage, EXIT.failure];

/** The exit code of several syncs: cancelled if any was, else the most severe. */
export function worstExitCode(codes: number[]): number {
  if (codes.includes(EXIT.cancelled)) return EXIT.cancelled;
  const rank = (code: number) => (SEVERITY.includes(code) ? SEVERITY.indexOf(code) : SEVERITY.length);
  return codes.reduce((worst, code) => (rank(code) > rank(worst) ? code : worst), EXIT.ok);
}

const n = (v: number): string => v.toLocaleString('en-US');

export function describeRun(run: SyncRunRow): string {
  const range = `${run.from} → ${run.to} (${run.granularity})`;
  const counts = `${n(run.records)} records in ${n(run.pages)} pages from ${run.subscribers} subscribers ` +
    `(${n(run.windowsDone)}/${n(run.windows)} windows, ${n(run.retries)} retries): ${n(run.inserted)} new, ` +
    `${n(run.updated)} updated`;
  const lines = run.status === 'succeeded'
    ? [`Sync of ${run.connection} finished: ${counts}. Reported time ${range}.`]
    : [`Sync of ${run.connection} ${run.status}: ${run.error ?? 'no reason recorded'} So far: ${counts}.`];
  for (const e of run.windowErrors.slice(0, WINDOW_ERRORS_SHOWN)) lines.push(`  failed: ${e}`);
  if (run.windowErrors.length > WINDOW_ERRORS_SHOWN) {
    lines.push(`  … and ${run.windowErrors.length - WINDOW_ERRORS_SHOWN} more: stackmeter runs ${run.id}`);
  }
  return lines.join('\n');
}

interface StampOutcome {
  connection: string;
  exitCode: number;
  run: SyncRunRow | null;
  error: string | null;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Pull usage from a stamp (or all of them) into the cache: incremental, resumable, safe to schedule',
  details:
    'Without --from, the sync is incremental: each subscriber from its watermark (the reported time synced so far)\n' +
    'less --overlap hours, so rows reported late still land; a subscriber never synced starts 31 days back. --to\n' +
    'defaults to the last whole hour. Times are reported time: --from inclusive, --to exclusive, hour-aligned\n' +
    '(midnight for daily). Subscriptions deleted since the last sync are swept with small all-tenant queries;\n' +
    '--sweep-deleted sweeps the whole period (subscriptions created and deleted between two syncs).\n' +
    'Every page is committed with a checkpoint: a sync that was killed resumes where it stopped on the next run of\n' +
    'the same stamp. One sync per stamp at a time (a second one exits with 7). Ctrl-C cancels and keeps every\n' +
    'committed page. Exit codes: 0 ok, 3 auth, 4 network/TLS, 5 API error, 6 partial (some windows failed),\n' +
    '7 locked, 130 cancelled; with --all the worst outcome wins.',
  positionals: [{ name: 'connection', description: 'Name given to "stackmeter connect add" (or use --all)', required: false }],
  options: {
    all: { type: 'boolean', description: 'Sync every stamp in the cache, one after another' },
    from: { type: 'string', placeholder: '<date>', description: 'Start, YYYY-MM-DD or YYYY-MM-DDTHH:00:00Z (default: incremental)' },
    to: { type: 'string', placeholder: '<date>', description: 'End, exclusive (default: the last whole hour)' },
    granularity: { type: 'string', placeholder: 'hourly|daily', description: 'Aggregation granularity (default: hourly)' },
    overlap: {
      type: 'string',
      placeholder: '<hours>',
      description: `Hours before each watermark read again for late rows (default: ${DEFAULT_OVERLAP_HOURS})`,
    },
    concurrency: {
      type: 'string',
      placeholder: '<n>',
      description: `Subscribers queried at the same time (default: ${DEFAULT_CONCURRENCY})`,
    },
    'sweep-deleted': {
      type: 'boolean',
      description: 'Sweep the whole period for usage of deleted subscriptions (all-tenant queries)',
    },
  },
  async run(ctx, options, [connection]) {
    const all = options.all === true;
    if (all === (connection !== undefined)) {
      throw new StackmeterError('INVALID_ARGUMENT', 'Name one stamp, or give --all to sync every stamp (not both).');
    }
    const granularity = parseGranularity(options.granularity);
    const sync = {
      overlapHours: wholeOption(options, 'overlap', DEFAULT_OVERLAP_HOURS, 0, 24 * 31),
      concurrency: wholeOption(options, 'concurrency', DEFAULT_CONCURRENCY, 1, 32),
    };
    const core = ctx.openCore({ sync });
    const names = all ? (await call(core, 'connections:list')).map((c) => c.name) : [connection as string];
    if (names.length === 0) {
      ctx.err('No stamps in the cache yet: add one with "stackmeter connect add".');
      if (ctx.json) ctx.out('[]');
      return EXIT.ok;
    }
    const outcomes: StampOutcome[] = [];
    for (const name of names) {
      try {
        const run = await runSyncInForeground(ctx, core, {
          connection: name,
          from: textOption(options, 'from'),
          to: textOption(options, 'to'),
          granularity,
          sweepDeleted: options['sweep-deleted'] === true,
        });
        outcomes.push({ connection: name, exitCode: exitCodeForRun(run), run, error: null });
        if (!ctx.json || all) ctx.err(describeRun(run));
      } catch (e) {
        // One stamp's refusal (locked, a credential missing here) must not keep a scheduled --all from the others.
        if (!all || !(e instanceof StackmeterError)) throw e;
        ctx.err(`${name}: Error: ${e.message}`);
        outcomes.push({ connection: name, exitCode: exitCodeFor(e.code), run: null, error: e.message });
      }
      if (outcomes.at(-1)?.exitCode === EXIT.cancelled) break;
    }
    if (ctx.json) {
      ctx.out(JSON.stringify(all ? outcomes : outcomes[0]?.run, null, 2));
    }
    return worstExitCode(outcomes.map((o) => o.exitCode));
  },
};
