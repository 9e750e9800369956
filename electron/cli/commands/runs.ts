import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { textTable } from '../format.ts';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'Show the sync history, newest first, with counts and errors',
  positionals: [],
  options: {
    limit: { type: 'string', placeholder: '<n>', description: 'How many runs to show (default: 20)' },
  },
  async run(ctx, options) {
    const limit = typeof options.limit === 'string' ? Number(options.limit) : 20;
    const runs = await call(ctx.openCore(), 'sync:runs', limit);
    if (ctx.json) {
      ctx.out(JSON.stringify(runs, null, 2));
      return EXIT.ok;
    }
    ctx.out(textTable(
      ['id', 'stamp', 'status', 'granularity', 'from', 'to', 'started', 'records', 'new', 'updated', 'error'],
      runs.map((r) => [r.id, r.connection, r.status, r.granularity, r.from, r.to, r.startedAt, r.records, r.inserted, r.updated, r.error ?? '']),
    ));
    return EXIT.ok;
  },
};
