import { dirname, resolve } from 'node:path';
import type { Adjustment, AdjustmentScope } from '../../shared/rating.ts';
import { parseAdjustmentsJson } from '../../core/chargeback/adjustment-files.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { groupDecimal, printList } from '../format.ts';
import { moveExport, readInputFile, requiredOption } from '../options.ts';

const REASON = {
  reason: { type: 'string', placeholder: '<text>', description: 'Why, for the audit log (required)' },
} as const;

function describeScope(scope: AdjustmentScope): string {
  switch (scope.kind) {
    case 'all': return 'everyone';
    case 'tenant': return `tenant ${scope.tenantId}`;
    case 'subscription': return `subscription ${scope.subscriptionId}`;
    case 'offer': return `offer ${scope.offerId}`;
  }
}

/** What an adjustment does, in the card's currency (amounts) or percent; exact decimals, never rounded here. */
function describeAmount(a: Adjustment): string {
  switch (a.type) {
    case 'price-override': return `${groupDecimal(a.unitPrice)} per pricing unit of meter ${a.meterId}`;
    case 'markup': return `+${a.percent} %`;
    case 'discount': return `-${a.percent} %`;
    case 'tax': return `${a.percent} % tax`;
    case 'recurring-fee':
      return `${groupDecimal(a.monthlyAmount)} a month from ${a.from}${a.to === null ? '' : ` until ${a.to}`}`;
    case 'one-time-fee': return `${groupDecimal(a.amount)} on ${a.date}`;
    case 'minimum-charge': return `at least ${groupDecimal(a.monthlyAmount)} a month`;
    case 'credit': return `-${groupDecimal(a.amount)} on ${a.date}`;
  }
}

export const adjustmentsListCommand: Command = {
  name: 'adjustments list',
  summary: 'List the adjustments chargeback applies: markups, discounts, price overrides, fees, minimums, credits, tax',
  details: 'Amounts are in the currency of the rate card a run uses. They apply in a fixed order, printed on each\n' +
    'statement: price overrides, markup, discount, recurring fees, one-time fees, minimum charge, credits, tax.\n' +
    'With --json, the adjustments as stored (the "adjustments" of an adjustments file).',
  positionals: [],
  options: {},
  async run(ctx) {
    const adjustments = await call(ctx.openCore(), 'adjustments:list');
    printList(ctx, adjustments, {
      empty: 'No adjustments yet. Import some with "stackmeter adjustments import <file> --reason <text>".',
      headers: ['ID', 'type', 'applies to', 'amount', 'label'],
      row: (a) => [a.id, a.type, describeScope(a.scope), describeAmount(a), a.label],
    });
    return EXIT.ok;
  },
};

export const adjustmentsImportCommand: Command = {
  name: 'adjustments import',
  summary: 'Add or replace adjustments from a JSON file, all or nothing, audited with the reason',
  details: 'The file: {"format": "stackmeter-adjustments", "version": 1, "adjustments": [...]}, as\n' +
    '"adjustments export" writes it. Adjustments with a new ID are added, those with a stored ID replaced; stored\n' +
    'ones the file does not list stay. The whole file is checked first: an error names the entry and field (e.g.\n' +
    'adjustments[1].percent) and nothing is saved. Each change is recorded in the audit log with the reason.\n' +
    'With --json: {added, replaced, unchanged}, the IDs of each.',
  positionals: [{ name: 'file', description: 'The adjustments file (JSON)', required: true }],
  options: { ...REASON },
  async run(ctx, options, [file]) {
    const reason = requiredOption(options, 'reason', 'stackmeter adjustments import <file> --reason <text>');
    const adjustments = parseAdjustmentsJson(readInputFile(file!), file!);
    const result = await call(ctx.openCore(), 'adjustments:import', adjustments, reason);
    ctx.out(ctx.json ? JSON.stringify(result, null, 2)
      : `Imported ${file}: ${result.added.length} new adjustment(s), ${result.replaced.length} replaced, `
        + `${result.unchanged.length} unchanged.`);
    return EXIT.ok;
  },
};

export const adjustmentsExportCommand: Command = {
  name: 'adjustments export',
  summary: 'Write every adjustment to a JSON file that "adjustments import" reads',
  details: 'The export is recorded in the audit log with the file\'s SHA-256. With --json: the file written\n' +
    '(fileName, path, rows = adjustments, bytes).',
  positionals: [],
  options: {
    out: { type: 'string', placeholder: '<file>', description: 'The file to write (required)' },
  },
  async run(ctx, options) {
    const out = requiredOption(options, 'out', 'stackmeter adjustments export --out <file>');
    const target = resolve(out);
    // Written in the target's folder, so that the final rename stays on one file system.
    const written = await moveExport(await call(ctx.openCore({ exportDir: dirname(target) }), 'adjustments:export'),
      target);
    ctx.out(ctx.json ? JSON.stringify(written) : `Wrote ${written.rows} adjustment(s) to ${target}.`);
    return EXIT.ok;
  },
};

export const adjustmentsRemoveCommand: Command = {
  name: 'adjustments remove',
  summary: 'Remove an adjustment; the removal and what it was are recorded in the audit log',
  details: 'A finalized statement never changes: it keeps the lines the adjustment made, and a replay shows the\n' +
    'difference ("statements correct" turns it into a correction). Chargeback runs from now on, and draft\n' +
    'statements when they are finalized, no longer apply it.',
  positionals: [{ name: 'id', description: 'The adjustment\'s ID ("adjustments list" shows them)', required: true }],
  options: { ...REASON },
  async run(ctx, options, [id]) {
    const reason = requiredOption(options, 'reason', 'stackmeter adjustments remove <id> --reason <text>');
    await call(ctx.openCore(), 'adjustments:remove', id!, reason);
    ctx.out(ctx.json ? JSON.stringify({ removed: id }) : `Removed adjustment "${id}".`);
    return EXIT.ok;
  },
};
