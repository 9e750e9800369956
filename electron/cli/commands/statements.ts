import { resolve } from 'node:path';
import {
  STATEMENT_EXPORT_FORMATS, type StatementDocument, type StatementExportFormat, type StatementInput,
} from '../../shared/chargeback.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command, type OptionValues } from '../command.ts';
import { groupDecimal, printList } from '../format.ts';
import { listOption, requiredOption, textOption } from '../options.ts';
import {
  granularityOption, PERIOD_OPTIONS, pdfLayoutOption, periodOption, printFiles, rateCardOption,
} from './chargeback.ts';
import { findCard } from './rates.ts';

/** --reason, which finalizing and correcting a statement record in the audit log. */
const reasonOption = (options: OptionValues, command: string): string =>
  requiredOption(options, 'reason', `stackmeter statements ${command} <id> --reason <text> (it is recorded in the `
    + 'audit log).');

const REASON = {
  reason: { type: 'string', placeholder: '<text>', description: 'Why (recorded in the audit log)' },
} as const;
const ID = [{ name: 'id', description: 'The statement ID, e.g. ST-202610-0001', required: true }];

const period = (d: { period: { from: string; to: string } }): string => `${d.period.from} to ${d.period.to}`;
const versions = (v: number[]): string => (v.length === 0 ? 'no version' : `v${v.join(', v')}`);

/** A statement in a few lines: what it is, its total per tenant, and its hashes. */
function printDocument(ctx: CliContext, doc: StatementDocument, verb: string): void {
  if (ctx.json) {
    ctx.out(JSON.stringify(doc, null, 2));
    return;
  }
  const { result } = doc;
  const what = doc.kind === 'correction' ? `correction of ${doc.correctsId ?? ''}` : 'statement';
  const stamps = doc.stamps.length > 0 ? `, stamps ${doc.stamps.join(', ')}` : '';
  ctx.out(`${verb} ${what} ${doc.id} (${doc.status}): ${period(doc)} (end excluded), `
    + `${doc.granularity.toLowerCase()} usage, rate card "${doc.rateCard.name}" ${versions(doc.rateCard.versions)}`
    + `${stamps}.`);
  const labels = new Map(doc.tenants.map((t) => [t.tenantId, t.label]));
  for (const t of result.totals.byTenant) {
    const label = labels.get(t.tenantId) ?? t.tenantId ?? '(unknown tenant)';
    ctx.out(`  ${label}: ${result.currency} ${groupDecimal(t.total)}`);
  }
  ctx.out(`Total ${result.currency} ${groupDecimal(result.totals.total)} (usage ${groupDecimal(result.totals.usage)}, `
    + `adjustments ${groupDecimal(result.totals.adjustments)}); ${result.lines.length} line(s), `
    + `${result.adjustmentLines.length} adjustment line(s).`);
  if (result.unrated.length > 0) {
    ctx.out(`Unrated, not charged: ${result.unrated.map((u) => `${u.meterId} (${u.records} records)`).join(', ')}.`);
  }
  ctx.out(`Inputs SHA-256 ${doc.inputHash}`);
  if (doc.hash !== null) ctx.out(`Statement SHA-256 ${doc.hash}`);
}

export const statementsListCommand: Command = {
  name: 'statements list',
  summary: 'List statements and corrections, newest first, with their status, total and hash',
  details: 'With --json, one object per statement: id, kind, correctsId, status, period, stamps, rateCard, total,\n' +
    'currency, createdAt, createdBy, finalizedAt and hash (null while a draft).',
  positionals: [],
  options: {},
  async run(ctx) {
    const statements = await call(ctx.openCore(), 'statements:list');
    printList(ctx, statements, {
      empty: 'No statements yet. Create one with "stackmeter statements create --period <YYYY-MM> --rate-card <name>".',
      headers: ['ID', 'status', 'period', 'rate card', 'total', 'created', 'hash'],
      row: (s) => [s.id, s.status, period(s), `${s.rateCard.name} ${versions(s.rateCard.versions)}`,
        `${s.currency} ${groupDecimal(s.total)}`, `${s.createdAt.slice(0, 10)} ${s.createdBy}`,
        s.hash === null ? '-' : `${s.hash.slice(0, 16)}…`],
    });
    return EXIT.ok;
  },
};

export const statementsCreateCommand: Command = {
  name: 'statements create',
  summary: 'Rate a period with a rate card and keep it as a draft statement',
  details: 'The draft holds every rated line (rate card version, price, conversion), the adjustments in their fixed\n' +
    'order and the totals per tenant, subscription and meter. Finalizing recomputes it and makes it immutable.\n' +
    'It rates one granularity of synced usage (--granularity; default hourly when the period has hourly usage),\n' +
    'kept with the statement and hashed with its inputs. With --json, the whole statement document.',
  positionals: [],
  options: { ...PERIOD_OPTIONS },
  async run(ctx, options) {
    const core = ctx.openCore();
    const input: StatementInput = {
      period: periodOption(options), rateCardId: (await findCard(core, rateCardOption(options))).id,
      stamps: listOption(options, 'stamp'), granularity: granularityOption(options),
    };
    const doc = await call(core, 'statements:create', input);
    printDocument(ctx, doc, 'Created');
    return EXIT.ok;
  },
};

export const statementsFinalizeCommand: Command = {
  name: 'statements finalize',
  summary: 'Recompute a draft statement, hash it and make it immutable',
  details: 'The statement is rated again from the cache (its period must be over), its SHA-256 is set over its\n' +
    'inputs and lines, and from then on it cannot change: late usage becomes a correction statement. The reason\n' +
    'is recorded in the audit log.',
  positionals: ID,
  options: { ...REASON },
  async run(ctx, options, [id]) {
    const doc = await call(ctx.openCore(), 'statements:finalize', id!, reasonOption(options, 'finalize'));
    printDocument(ctx, doc, 'Finalized');
    return EXIT.ok;
  },
};

export const statementsReplayCommand: Command = {
  name: 'statements replay',
  summary: 'Recompute a statement from the cache and its rate card versions: identical, or every difference',
  details: 'Uses the rate card versions the statement was priced with, whatever was published since, and the\n' +
    'current usage and adjustments. Exit code 0 when identical; 1 with the differences printed (path, stored\n' +
    'value, recomputed value). Later corrections that may already hold the differences are named.',
  positionals: ID,
  options: {},
  async run(ctx, _options, [id]) {
    const replay = await call(ctx.openCore(), 'statements:replay', id!);
    if (ctx.json) {
      ctx.out(JSON.stringify(replay, null, 2));
    } else if (replay.identical) {
      ctx.out(`${replay.statementId} is identical when recomputed: SHA-256 ${replay.hash}.`);
    } else {
      ctx.out(`${replay.statementId} differs when recomputed (${replay.differences.length} difference(s)):`);
      for (const d of replay.differences) {
        ctx.out(`  ${d.path}: ${d.expected ?? '(absent)'} -> ${d.actual ?? '(absent)'}`);
      }
      ctx.out(`Stored SHA-256 ${replay.hash}\nRecomputed    ${replay.recomputedHash}`);
      if (replay.corrections.length > 0) ctx.out(`Corrected since by ${replay.corrections.join(', ')}.`);
    }
    return replay.identical ? EXIT.ok : EXIT.failure;
  },
};

export const statementsCorrectCommand: Command = {
  name: 'statements correct',
  summary: 'Create a draft correction of a finalized statement holding only what changed since',
  details: 'The statement is recomputed with its rate card versions and the current usage and adjustments; the\n' +
    'correction holds the difference to the statement and its earlier corrections, as lines. Finalize it like a\n' +
    'statement. The reason is recorded on the correction and in the audit log.',
  positionals: ID,
  options: { ...REASON },
  async run(ctx, options, [id]) {
    const doc = await call(ctx.openCore(), 'statements:correct', id!, reasonOption(options, 'correct'));
    printDocument(ctx, doc, 'Created');
    return EXIT.ok;
  },
};

function exportFormatOption(options: OptionValues): StatementExportFormat {
  const format = textOption(options, 'format');
  if (format === undefined || !(STATEMENT_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new StackmeterError('INVALID_ARGUMENT', format === undefined
      ? 'Give --format pdf, csv, xlsx or focus.'
      : `--format must be pdf, csv, xlsx or focus, not "${format}".`);
  }
  return format as StatementExportFormat;
}

const FORMAT_NAMES: Record<StatementExportFormat, string> = {
  pdf: 'PDF', csv: 'CSV', xlsx: 'XLSX', focus: 'FOCUS 1.2 CSV',
};

export const statementsExportCommand: Command = {
  name: 'statements export',
  summary: 'Write a statement as PDF (one per tenant), CSV, XLSX or FOCUS 1.2 CSV',
  details: 'PDF: printable, one file per tenant (--combined: one file with a section per tenant), with the\n' +
    'currency, period, rate card versions and the statement\'s hash; a draft is marked DRAFT. CSV and XLSX: every\n' +
    'line, adjustment and total, text that a spreadsheet would run as a formula made inert. FOCUS: the FOCUS 1.2\n' +
    'columns, with the stamp, rate card version and statement ID as x_ columns. Files are named\n' +
    'stackmeter-statement-<id>[-<tenant>].<pdf|csv|xlsx|focus.csv> (-2, -3... when a name is taken) and the\n' +
    'export is recorded in the audit log with the SHA-256 of each file. With --json, the files written.',
  positionals: ID,
  options: {
    format: { type: 'string', placeholder: '<format>', description: 'pdf, csv, xlsx or focus' },
    'out-dir': { type: 'string', placeholder: '<dir>', description: 'The folder to write to (default: the current one)' },
    combined: { type: 'boolean', description: 'PDF: one file with a section per tenant' },
  },
  async run(ctx, options, [id]) {
    const format = exportFormatOption(options);
    const pdfLayout = pdfLayoutOption(options, format);
    const core = ctx.openCore({ exportDir: resolve(textOption(options, 'out-dir') ?? '.') });
    const files = await call(core, 'statements:export', id!, format, pdfLayout);
    printFiles(ctx, files, `statement ${id!.trim()} as ${FORMAT_NAMES[format]}`);
    return EXIT.ok;
  },
};
