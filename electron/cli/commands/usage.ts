import { dirname, resolve } from 'node:path';
import type { ExploreQuery, ExploreRow, UsageDimension, UsageFilter } from '../../shared/domain.ts';
import { USAGE_DIMENSIONS } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type Command, type OptionValues } from '../command.ts';
import { groupDecimal, textTable } from '../format.ts';
import { intOption, listOption, moveExport, textOption } from '../options.ts';

/** The most rows one explorer call returns; longer listings take several. */
const BLOCK = 5000;

function groupBy(options: OptionValues): UsageDimension[] {
  const dims = listOption(options, 'group-by') ?? ['meter'];
  for (const dim of dims) {
    if (!(USAGE_DIMENSIONS as readonly string[]).includes(dim)) {
      throw new StackmeterError('INVALID_ARGUMENT',
        `--group-by: "${dim}" is not a dimension; use ${USAGE_DIMENSIONS.join(', ')}.`);
    }
  }
  return dims as UsageDimension[];
}

function filterOf(options: OptionValues): UsageFilter {
  const from = textOption(options, 'from');
  const to = textOption(options, 'to');
  if ((from === undefined) !== (to === undefined)) {
    throw new StackmeterError('INVALID_ARGUMENT', 'Give both --from and --to (whole days, --to excluded), or neither.');
  }
  const tag = textOption(options, 'tag');
  const equals = tag?.indexOf('=') ?? -1;
  return {
    period: from !== undefined && to !== undefined ? { from, to } : undefined,
    stamps: listOption(options, 'stamp'),
    tenants: listOption(options, 'tenant'),
    subscriptions: listOption(options, 'subscription'),
    resourceGroups: listOption(options, 'resource-group'),
    meters: listOption(options, 'meter'),
    services: listOption(options, 'service'),
    locations: listOption(options, 'location'),
    tag: tag === undefined ? undefined
      : equals < 0 ? { key: tag } : { key: tag.slice(0, equals), value: tag.slice(equals + 1) },
  };
}

/** The output format: --format, else the --out file's extension, else a table. */
function formatOf(options: OptionValues, out: string | undefined): 'table' | 'csv' | 'xlsx' {
  const format = textOption(options, 'format') ?? (out?.toLowerCase().endsWith('.xlsx') ? 'xlsx'
    : out?.toLowerCase().endsWith('.csv') ? 'csv' : 'table');
  if (format !== 'table' && format !== 'csv' && format !== 'xlsx') {
    throw new StackmeterError('INVALID_ARGUMENT', `--format must be table, csv or xlsx, not "${format}".`);
  }
  if (format === 'table' && out !== undefined) {
    throw new StackmeterError('INVALID_ARGUMENT',
      '--out writes a file: give --format csv or xlsx (or a .csv/.xlsx name).');
  }
  return format;
}

const withKey = new Set<UsageDimension>(['tenant', 'subscription', 'resource', 'meter']);

export const usageCommand: Command = {
  name: 'usage',
  summary: 'Explore usage grouped by stamp, tenant, subscription, resource, meter, service, tag, day or month',
  details:
    'Groups the cached usage by up to four dimensions (outermost first) with record counts and exact quantities,\n' +
    'largest quantity first. A group mixing meters of different units has no quantity. Dimensions: stamp,\n' +
    'tenant, subscription, resourceGroup, resource, resourceType, location, tag (with --tag-key), meter,\n' +
    'service, day, month. Filters take several values (repeat the option or separate them with commas) and\n' +
    'combine: --stamp lab --meter <id> keeps usage of that meter on that stamp. --from/--to are whole UTC days,\n' +
    '--to excluded; without them everything cached counts. --format csv or xlsx writes every group and a totals\n' +
    'row to --out, or to the exports folder beside the cache, and prints where.',
  positionals: [],
  options: {
    'group-by': { type: 'string', placeholder: '<dims>', description: 'Dimensions, comma-separated (default: meter)' },
    'tag-key': { type: 'string', placeholder: '<key>', description: 'The tag whose values --group-by tag groups by' },
    from: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'First day of usage counted (UTC)' },
    to: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Day after the last one counted (UTC)' },
    stamp: { type: 'string', placeholder: '<name>', multiple: true, description: 'Only usage from these stamps' },
    tenant: { type: 'string', placeholder: '<id>', multiple: true, description: 'Only these directory tenants' },
    subscription: { type: 'string', placeholder: '<id>', multiple: true, description: 'Only these subscriptions' },
    'resource-group': {
      type: 'string', placeholder: '<name>', multiple: true, description: 'Only these resource groups',
    },
    meter: {
      type: 'string', placeholder: '<id>', multiple: true, description: 'Only these meters (any case, hyphens optional)',
    },
    service: { type: 'string', placeholder: '<name>', multiple: true, description: 'Only meters of these services' },
    location: { type: 'string', placeholder: '<name>', multiple: true, description: 'Only resources in these locations' },
    tag: { type: 'string', placeholder: '<key[=value]>', description: 'Only resources carrying this tag (and value)' },
    format: { type: 'string', placeholder: '<format>', description: 'table (default), csv or xlsx' },
    out: { type: 'string', placeholder: '<file>', description: 'The file csv or xlsx is written to' },
    limit: { type: 'string', placeholder: '<n>', description: 'Rows a table or --json shows (default: 50; 0: all)' },
  },
  async run(ctx, options) {
    const out = textOption(options, 'out');
    const format = formatOf(options, out);
    const query: ExploreQuery = {
      filter: filterOf(options), groupBy: groupBy(options), tagKey: textOption(options, 'tag-key'),
    };

    if (format !== 'table') {
      const target = out === undefined ? undefined : resolve(out);
      // With --out, the export is written in the target's folder (so the final rename stays on one file system).
      const core = ctx.openCore(target === undefined ? undefined : { exportDir: dirname(target) });
      const exported = await call(core, 'usage:export', query, format);
      const written = target === undefined ? exported : await moveExport(exported, target);
      ctx.out(ctx.json ? JSON.stringify(written)
        : `Wrote ${written.rows.toLocaleString('en-US')} group(s) and a totals row to ${written.path}.`);
      return EXIT.ok;
    }

    const limit = intOption(options, 'limit', 50);
    const core = ctx.openCore();
    const first = await call(core, 'usage:explore', query, 0, limit === 0 ? BLOCK : Math.min(limit, BLOCK));
    // --limit 0 shows every group.
    const wanted = limit === 0 ? first.totals.groups : Math.min(limit, first.totals.groups);
    const rows: ExploreRow[] = first.rows.slice(0, wanted);
    while (rows.length < wanted) {
      const next = await call(core, 'usage:explore', query, rows.length, Math.min(wanted - rows.length, BLOCK));
      rows.push(...next.rows);
    }
    const { totals } = first;
    if (ctx.json) {
      ctx.out(JSON.stringify({ totals, rows }, null, 2));
      return EXIT.ok;
    }
    if (totals.groups === 0) {
      ctx.out('No usage matches. Check the filters, or cache usage first with "stackmeter sync" or "stackmeter import".');
      return EXIT.ok;
    }
    const dims = query.groupBy;
    const headers = [...dims.flatMap((d) => (withKey.has(d) ? [d, `${d} ID`] : [d])), 'records', 'quantity', 'unit'];
    ctx.out(textTable(headers, rows.map((r) => [
      ...dims.flatMap((d, i) => (withKey.has(d) ? [r.groups[i]!.label, r.groups[i]!.key] : [r.groups[i]!.label])),
      r.records, r.quantity === null ? '(mixed units)' : groupDecimal(r.quantity), r.unit ?? '',
    ])));
    const quantity = totals.quantity === null
      ? 'mixed units'
      : `${groupDecimal(totals.quantity)} ${totals.unit ?? ''}`.trim();
    const shown = rows.length < totals.groups ? ` Showing the first ${rows.length}; --limit shows more.` : '';
    ctx.out(`\nTotal: ${totals.groups.toLocaleString('en-US')} group(s), ${totals.records.toLocaleString('en-US')} ` +
      `record(s), ${quantity}.${shown}`);
    return EXIT.ok;
  },
};
