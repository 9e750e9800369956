import type { Granularity, SyncRunRow } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { Core } from '../../core/types.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command } from '../command.ts';
import { createProgressPrinter } from '../progress.ts';

const DAY = 86_400_000;

export function parseGranularity(value: unknown): Granularity {
  const v = String(value ?? 'hourly').toLowerCase();
  if (v === 'hourly') return 'Hourly';
  if (v === 'daily') return 'Daily';
  throw new StackmeterError('INVALID_ARGUMENT', `--granularity must be hourly or daily, not "${String(value)}".`);
}

/** The default sync period: the last 31 whole days up to now. */
export function defaultFrom(now: Date, days = 31): string {
  return new Date(Math.floor(now.getTime() / DAY) * DAY - days * DAY).toISOString().slice(0, 10);
}

/**
 * Starts a sync through the contract and follows it in the foreground with a progress bar; Ctrl-C cancels it and
 * keeps every committed page.
 */
export async function runSyncInForeground(
  ctx: CliContext,
  core: Core,
  request: { connection: string; from: string; to: string; granularity: Granularity },
): Promise<SyncRunRow> {
  const printer = createProgressPrinter(ctx.err, ctx.isTTY);
  let runId = 0;
  const off = core.on('sync:progress', (p) => {
    if (p.runId === runId) printer.update(p);
  });
  try {
    ({ runId } = await call(core, 'sync:start', request));
    const cancel = ctx.interrupted.then(() => call(core, 'sync:cancel', runId));
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
  if (run.status === 'cancelled') return EXIT.cancelled;
  switch (run.errorCode) {
    case 'AUTH':
      return EXIT.auth;
    case 'TLS':
    case 'NETWORK':
      return EXIT.network;
    default:
      return EXIT.api;
  }
}

export function describeRun(run: SyncRunRow): string {
  const range = `${run.from} → ${run.to} (${run.granularity})`;
  const counts = `${run.records.toLocaleString('en-US')} records in ${run.pages.toLocaleString('en-US')} pages from ` +
    `${run.subscribers} subscribers: ${run.inserted.toLocaleString('en-US')} new, ${run.updated.toLocaleString('en-US')} updated`;
  if (run.status === 'succeeded') return `Sync of ${run.connection} finished: ${counts}. Reported time ${range}.`;
  return `Sync of ${run.connection} ${run.status}: ${run.error ?? 'no reason recorded'}. So far: ${counts}.`;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Pull usage from a stamp into the cache (one subscriber at a time, one page per transaction)',
  details:
    'The period is in reported time, as the usage API defines it: --from inclusive, --to exclusive, hour-aligned\n' +
    '(midnight for daily). An end in the future is moved back to the last complete hour. Re-syncing a period\n' +
    'never duplicates a record. Ctrl-C cancels and keeps every page committed so far.',
  positionals: [{ name: 'connection', description: 'Name given to "stackmeter connect add"', required: true }],
  options: {
    from: { type: 'string', placeholder: '<date>', description: 'Start, YYYY-MM-DD or YYYY-MM-DDTHH:00:00Z (default: 31 days ago)' },
    to: { type: 'string', placeholder: '<date>', description: 'End, exclusive (default: now)' },
    granularity: { type: 'string', placeholder: 'hourly|daily', description: 'Aggregation granularity (default: hourly)' },
  },
  async run(ctx, options, [connection]) {
    const core = ctx.openCore();
    const now = new Date();
    const run = await runSyncInForeground(ctx, core, {
      connection: connection!,
      from: typeof options.from === 'string' ? options.from : defaultFrom(now),
      to: typeof options.to === 'string' ? options.to : now.toISOString().slice(0, 13) + ':00:00Z',
      granularity: parseGranularity(options.granularity),
    });
    if (ctx.json) ctx.out(JSON.stringify(run, null, 2));
    else ctx.err(describeRun(run));
    return exitCodeForRun(run);
  },
};
