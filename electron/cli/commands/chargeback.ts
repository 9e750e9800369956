import {
  ADJUSTMENTS_ROW_KEY, type ChargebackExportFormat, type ChargebackGrouping, type ChargebackQuery,
  type ChargebackResult, type PdfLayout, type WhatIfResult,
} from '../../shared/chargeback.ts';
import type { ExportResult, Granularity, UsagePeriod } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command, type OptionValues } from '../command.ts';
import { groupDecimal, textTable } from '../format.ts';
import { exportOutput, listOption, moveExport, requiredOption, textOption, versionOption } from '../options.ts';
import { findCard } from './rates.ts';
import { parseGranularity } from './sync.ts';

/** --period YYYY-MM (a calendar month), or --from and --to (whole UTC days, --to excluded). */
export function periodOption(options: OptionValues): UsagePeriod {
  const month = textOption(options, 'period');
  const from = textOption(options, 'from');
  const to = textOption(options, 'to');
  if (month !== undefined) {
    if (from !== undefined || to !== undefined) {
      throw new StackmeterError('INVALID_ARGUMENT', 'Give --period, or --from and --to, not both.');
    }
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
    if (!m) throw new StackmeterError('INVALID_ARGUMENT', `--period must be a month written YYYY-MM, not "${month}".`);
    const next = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)).toISOString().slice(0, 10);
    return { from: `${month}-01`, to: next };
  }
  if (from === undefined || to === undefined) {
    throw new StackmeterError('INVALID_ARGUMENT',
      'Give the period: --period YYYY-MM for a calendar month, or --from and --to (whole days, --to excluded).');
  }
  return { from, to };
}

export const PERIOD_OPTIONS = {
  period: { type: 'string', placeholder: '<YYYY-MM>', description: 'The calendar month (UTC)' },
  from: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Or: first day of a custom period (UTC)' },
  to: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Day after the custom period\'s last day' },
  'rate-card': { type: 'string', placeholder: '<name>', description: 'The rate card\'s name (any case) or ID' },
  stamp: { type: 'string', placeholder: '<name>', multiple: true, description: 'Only usage from these stamps' },
  granularity: {
    type: 'string', placeholder: 'hourly|daily',
    description: 'The synced usage to rate (default: hourly; daily when the period has daily usage only)',
  },
} as const;

/** --granularity: which synced usage to rate; absent: the core chooses (hourly when the period has hourly usage). */
export function granularityOption(options: OptionValues): Granularity | undefined {
  return options.granularity === undefined ? undefined : parseGranularity(options.granularity);
}

/** --combined: PDF only, one file with a section per tenant instead of one file per tenant. */
export function pdfLayoutOption(options: OptionValues, format: string): PdfLayout | undefined {
  if (options.combined !== true) return undefined;
  if (format !== 'pdf') throw new StackmeterError('INVALID_ARGUMENT', '--combined applies to --format pdf only.');
  return 'combined';
}

/** Where files were written, one line each, or as JSON. */
export function printFiles(ctx: CliContext, files: ExportResult[], what: string): void {
  if (ctx.json) {
    ctx.out(JSON.stringify(files, null, 2));
    return;
  }
  ctx.out(`Wrote ${what} to ${files.length === 1 ? '' : `${files.length} files:\n  `}`
    + files.map((f) => `${f.path} (${f.bytes.toLocaleString('en-US')} bytes)`).join('\n  '));
}

export function rateCardOption(options: OptionValues): string {
  return requiredOption(options, 'rate-card', 'give a card\'s name or ID; "stackmeter rates list" shows the cards.');
}

const BY: Record<string, ChargebackGrouping> = {
  tenant: 'tenant', subscription: 'subscription', meter: 'meter', 'resource-group': 'resourceGroup',
  resourceGroup: 'resourceGroup', tag: 'tag',
};

function byOption(options: OptionValues): ChargebackGrouping {
  const by = textOption(options, 'by') ?? 'tenant';
  const grouping = BY[by];
  if (!grouping) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `--by must be tenant, subscription, meter, resource-group or tag, not "${by}".`);
  }
  return grouping;
}

const FORMATS: readonly string[] = ['table', 'csv', 'xlsx', 'pdf', 'focus'];

/** The output: --format, else the --out file's extension (.csv, .xlsx, .pdf, .focus.csv), else a table. */
function formatOf(options: OptionValues, out: string | undefined): 'table' | ChargebackExportFormat {
  const name = out?.toLowerCase() ?? '';
  const format = textOption(options, 'format') ?? (name.endsWith('.focus.csv') ? 'focus' : name.endsWith('.csv') ? 'csv'
    : name.endsWith('.xlsx') ? 'xlsx' : name.endsWith('.pdf') ? 'pdf' : 'table');
  if (!FORMATS.includes(format)) {
    throw new StackmeterError('INVALID_ARGUMENT', `--format must be table, csv, xlsx, pdf or focus, not "${format}".`);
  }
  if (format === 'table' && out !== undefined) {
    throw new StackmeterError('INVALID_ARGUMENT',
      '--out writes a file: give --format csv, xlsx, pdf or focus (or a .csv/.xlsx/.pdf name).');
  }
  return format as 'table' | ChargebackExportFormat;
}

/**
 * Where the files go: without --out, the exports folder beside the cache; into --out when it is a folder (or must be
 * one: a PDF per tenant), else to the file --out names (written beside it, then renamed).
 */
async function outputOf(ctx: CliContext, out: string | undefined, perTenantPdf: boolean):
  Promise<{ dir: string; file: string | null }> {
  const output = await exportOutput(ctx.dbPath, out);
  if (!perTenantPdf || output.file === null) return output;
  if (output.file.toLowerCase().endsWith('.pdf')) {
    throw new StackmeterError('INVALID_ARGUMENT', '--format pdf writes one PDF per tenant: give --out a folder, or '
      + 'add --combined for one PDF with a section per tenant.');
  }
  return { dir: output.file, file: null };
}

function filesWhat(format: ChargebackExportFormat, files: ExportResult[]): string {
  if (format === 'csv' || format === 'xlsx') return `${files[0]!.rows.toLocaleString('en-US')} row(s) and a totals row`;
  return `the DRAFT statement of this run (not saved)${format === 'focus' ? ' as FOCUS 1.2' : ''}`;
}

const money = (amount: string): string => groupDecimal(amount);

/** Right-aligns money columns: textTable right-aligns numbers only, and amounts are exact decimal text. */
function aligned(values: string[]): string[] {
  const width = Math.max(0, ...values.map((v) => v.length));
  return values.map((v) => v.padStart(width));
}

function printRun(ctx: CliContext, result: ChargebackResult): void {
  if (result.rows.length === 0) {
    ctx.out('No usage in this period. Check the period and stamps, or cache usage first with "stackmeter sync".');
    return;
  }
  const withKey = result.by !== 'resourceGroup' && result.by !== 'tag';
  const column = (pick: (r: ChargebackResult['rows'][number]) => string, total: string): string[] =>
    aligned([...result.rows.map((r) => money(pick(r))), money(total)]);
  const usage = column((r) => r.usage, result.totals.usage);
  const adjustments = column((r) => r.adjustments, result.totals.adjustments);
  const totals = column((r) => r.total, result.totals.total);
  const label = result.by === 'tag' ? `tag ${result.tagKey ?? ''}` : result.by;
  const headers = [label, ...(withKey ? ['ID'] : []), 'usage', 'adjustments', 'total', 'unrated records'];
  const rows = result.rows.map((r, i) => [r.label, ...(withKey ? [r.key === ADJUSTMENTS_ROW_KEY ? '' : r.key] : []),
    usage[i]!, adjustments[i]!, totals[i]!, r.unratedRecords]);
  const n = result.rows.length;
  rows.push(['Total', ...(withKey ? [''] : []), usage[n]!, adjustments[n]!, totals[n]!, result.totals.unratedRecords]);
  ctx.out(textTable(headers, rows));
  const versions = result.rateCard.versions.length === 0 ? 'no version in effect'
    : `version${result.rateCard.versions.length > 1 ? 's' : ''} ${result.rateCard.versions.join(', ')}`;
  ctx.out(`\n${result.currency} ${money(result.totals.total)} for ${result.period.from} to ${result.period.to} `
    + `(end excluded), ${result.granularity.toLowerCase()} usage, rate card "${result.rateCard.name}" ${versions}, `
    + `rounded ${result.rounding.mode} per ${result.rounding.point}.`);
  for (const u of result.unrated) {
    ctx.out(`Unrated, not charged: meter ${u.meterId}, ${u.records.toLocaleString('en-US')} record(s), quantity `
      + `${groupDecimal(u.quantity)} (${u.reason}).`);
  }
  if (result.unmatchedAdjustments.length > 0) {
    ctx.out(`Adjustments that matched nobody: ${result.unmatchedAdjustments.join(', ')}.`);
  }
}

function printWhatIf(ctx: CliContext, result: WhatIfResult): void {
  const side = (s: WhatIfResult['a']): string => `"${s.name}" v${s.versions.join(', v') || ' none'}`;
  const all = [...result.rows, { ...result.totals, key: '', label: 'Total' }];
  const a = aligned(all.map((r) => money(r.amountA)));
  const b = aligned(all.map((r) => money(r.amountB)));
  const d = aligned(all.map((r) => money(r.difference)));
  ctx.out(textTable(['tenant', 'ID', 'A', 'B', 'B - A', '%'], all.map((r, i) => [
    r.label, r.key, a[i]!, b[i]!, d[i]!, r.percent === null ? '' : `${r.percent} %`,
  ])));
  ctx.out(`\nA: ${side(result.a)}; B: ${side(result.b)}; ${result.currency}, ${result.period.from} to `
    + `${result.period.to} (end excluded).`);
}

export const chargebackCommand: Command = {
  name: 'chargeback',
  summary: 'Rate a period\'s usage with a rate card: totals per tenant, subscription, resource group, tag or meter',
  details:
    'Rates the cached usage of a calendar month (--period) or of whole days (--from/--to) with a rate card\'s\n' +
    'published versions and the stored adjustments. Rating is always per subscription and meter (tiers per\n' +
    'subscription or tenant and month, as the card says); --by only sums the rated lines, so every grouping has\n' +
    'the same total. By resource group or tag, each line is shared out by quantity to the cent. Adjustments that\n' +
    'no row owns are on an "(adjustments)" row. Unrated usage (meters without a price) is listed, never charged.\n' +
    '--what-if <card> compares the total per tenant with another card, or with one version of it\n' +
    '(--what-if-version, a draft too) pricing the whole period. A stamp synced both hourly and daily holds each\n' +
    'hour twice; one granularity is rated (--granularity; default hourly when the period has hourly usage).\n' +
    '--format csv or xlsx writes the rows; pdf and focus write the statement this run would make, as\n' +
    '"statements create" makes it but not saved, marked DRAFT (PDF: one per tenant, or --combined; --by does not\n' +
    'apply). Files go to --out (a file, or a folder), else to the exports folder beside the cache. Every export\n' +
    'is recorded in the audit log with the SHA-256 of its files.',
  positionals: [],
  options: {
    ...PERIOD_OPTIONS,
    by: {
      type: 'string', placeholder: '<grouping>',
      description: 'tenant (default), subscription, meter, resource-group or tag',
    },
    'tag-key': { type: 'string', placeholder: '<key>', description: 'The tag whose values --by tag groups by' },
    'what-if': { type: 'string', placeholder: '<card>', description: 'Compare per tenant with this card (name or ID)' },
    'what-if-version': { type: 'string', placeholder: '<n>', description: 'Compare with this version of it alone' },
    format: { type: 'string', placeholder: '<format>', description: 'table (default), csv, xlsx, pdf or focus' },
    out: { type: 'string', placeholder: '<file|dir>', description: 'Where the file (or PDF per tenant) is written' },
    combined: { type: 'boolean', description: 'PDF: one file with a section per tenant' },
  },
  async run(ctx, options) {
    const out = textOption(options, 'out');
    const format = formatOf(options, out);
    const pdfLayout = pdfLayoutOption(options, format);
    const period = periodOption(options);
    const granularity = granularityOption(options);
    const output = format === 'table' ? null : await outputOf(ctx, out, format === 'pdf' && pdfLayout === undefined);
    const core = ctx.openCore(output === null ? undefined : { exportDir: output.dir });
    const card = await findCard(core, rateCardOption(options));
    const query: ChargebackQuery = {
      period, rateCardId: card.id, by: byOption(options), tagKey: textOption(options, 'tag-key'),
      stamps: listOption(options, 'stamp'), granularity,
    };
    const other = textOption(options, 'what-if');
    if (other !== undefined) {
      const version = versionOption(options, 'what-if-version');
      const otherCard = await findCard(core, other);
      const result = await call(core, 'chargeback:whatIf', query,
        { rateCardId: otherCard.id, ...(version === undefined ? {} : { version }) });
      if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
      else printWhatIf(ctx, result);
      return EXIT.ok;
    }
    if (format !== 'table' && output !== null) {
      const files = await call(core, 'chargeback:export', query, format, pdfLayout);
      if (output.file !== null) files[0] = await moveExport(files[0]!, output.file);
      printFiles(ctx, files, filesWhat(format, files));
      return EXIT.ok;
    }
    const result = await call(core, 'chargeback:run', query);
    if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
    else printRun(ctx, result);
    return EXIT.ok;
  },
};
