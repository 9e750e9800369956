import type { AuditEntry } from '../../shared/rating.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { printList } from '../format.ts';
import { intOption } from '../options.ts';

/** The most entries one audit:list call returns. */
const BLOCK = 5000;

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'Check that the audit log is intact: every entry unchanged, none missing, in order',
  details: 'Recomputes the SHA-256 chain of the audit log. Exit code 0 when it is intact; 1 when it is not, naming\n' +
    'the first entry that fails and what is wrong (changed, missing or out of order). With --json: intact,\n' +
    'entries, brokenAt and problem.',
  positionals: [],
  options: {},
  async run(ctx) {
    const result = await call(ctx.openCore(), 'audit:verify');
    const entries = result.entries.toLocaleString('en-US');
    if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
    else if (result.intact) ctx.out(`The audit log is intact: ${entries} entries verified.`);
    else ctx.out(`The audit log is broken at entry ${result.brokenAt}: ${result.problem}`);
    return result.intact ? EXIT.ok : EXIT.failure;
  },
};

export const auditListCommand: Command = {
  name: 'audit list',
  summary: 'Show the audit log, newest first: time, user, action, subject and reason',
  details: 'Every rate card change and publication, adjustment, meter name, statement and export is recorded with\n' +
    'the OS user name and the reason given. With --json: {rows, total}, each row with its details, previous hash\n' +
    'and hash.',
  positionals: [],
  options: {
    limit: { type: 'string', placeholder: '<n>', description: 'How many entries to show (default: 50; 0: all)' },
  },
  async run(ctx, options) {
    const limit = intOption(options, 'limit', 50);
    const core = ctx.openCore();
    const first = await call(core, 'audit:list', 0, limit === 0 ? BLOCK : Math.min(limit, BLOCK));
    const wanted = limit === 0 ? first.total : Math.min(limit, first.total);
    const rows: AuditEntry[] = first.rows.slice(0, wanted);
    while (rows.length < wanted) {
      const next = await call(core, 'audit:list', rows.length, Math.min(wanted - rows.length, BLOCK));
      if (next.rows.length === 0) break;
      rows.push(...next.rows);
    }
    if (ctx.json) {
      ctx.out(JSON.stringify({ rows, total: first.total }, null, 2));
      return EXIT.ok;
    }
    printList(ctx, rows, {
      empty: 'The audit log is empty: nothing has been changed yet.',
      headers: ['seq', 'time (UTC)', 'user', 'action', 'subject', 'reason'],
      row: (e) => [e.seq, e.at, e.user, e.action, e.subject, e.reason ?? ''],
    });
    if (rows.length < first.total) ctx.out(`\nShowing ${rows.length} of ${first.total} entries; --limit shows more.`);
    return EXIT.ok;
  },
};
