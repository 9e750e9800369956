import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { textTable } from '../format.ts';
import { describeRun } from './sync.ts';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'Show the sync history, newest first, with counts, retries and errors (or one run in full)',
  details:
    'Each run shows its status (succeeded, partial, failed, cancelled, interrupted, running), the reported-time\n' +
    'range, windows done of planned, pages, records, new and updated rows, retries and its error. Give a run id to\n' +
    'see every window that failed in it.',
  positionals: [{ name: 'id', description: 'A run to show in full, with every failed window', required: false }],
  options: {
    limit: { type: 'string', placeholder: '<n>', description: 'How many runs to show (default: 20)' },
  },
  async run(ctx, options, [id]) {
    const limit = typeof options.limit === 'string' ? Number(options.limit) : 20;
    if (id !== undefined) {
      const runId = Number(id);
      const run = (await call(ctx.openCore(), 'sync:runs', 1000)).find((r) => r.id === runId);
      if (!run) throw new StackmeterError('NOT_FOUND', `There is no sync run ${id} among the last 1,000.`);
      if (ctx.json) ctx.out(JSON.stringify(run, null, 2));
      else ctx.out(`Run ${run.id}, started ${run.startedAt}, ended ${run.endedAt ?? '(running)'}\n${describeRun({ ...run, windowErrors: [] })}` +
        run.windowErrors.map((e) => `\n  failed: ${e}`).join(''));
      return EXIT.ok;
    }
    const runs = await call(ctx.openCore(), 'sync:runs', limit);
    if (ctx.json) {
      ctx.out(JSON.stringify(runs, null, 2));
      return EXIT.ok;
    }
    ctx.out(textTable(
      ['id', 'stamp', 'status', 'granularity', 'from', 'to', 'started', 'windows', 'pages', 'records', 'new', 'updated',
        'retries', 'error'],
      runs.map((r) => [r.id, r.connection, r.status, r.granularity, r.from, r.to, r.startedAt,
        `${r.windowsDone}/${r.windows}`, r.pages, r.records, r.inserted, r.updated, r.retries,
        r.error ?? (r.windowErrors.length ? `${r.windowErrors.length} windows failed` : '')]),
    ));
    return EXIT.ok;
  },
};
