import { readFileSync, writeFileSync } from 'node:fs';
import type { MeterOverrideInput } from '../../shared/domain.ts';
import { meterOverridesFileSchema } from '../../shared/schemas.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { groupDecimal, printList } from '../format.ts';
import { textOption } from '../options.ts';

export const metersCommand: Command = {
  name: 'meters',
  summary: 'List every meter seen in the cache: ID, name, unit, service, records and exact total quantity',
  details: 'With --json, one object per meter: meterId (lower-case), name, unit, service, records, quantity (exact\n' +
    'decimal string), known (true when the catalog or a local override names the meter).',
  positionals: [],
  options: {
    connection: { type: 'string', placeholder: '<name>', description: 'Only usage from this stamp' },
    all: { type: 'boolean', description: 'Include catalog meters with no usage' },
  },
  async run(ctx, options) {
    const rows = await call(ctx.openCore(), 'meters:list', {
      connection: textOption(options, 'connection'),
      seenOnly: options.all !== true,
    });
    printList(ctx, rows, {
      json: (meters) => meters.map((m) => ({
        meterId: m.meterId,
        name: m.name,
        unit: m.unit,
        service: m.service,
        records: m.records,
        quantity: m.quantity,
        known: m.known ?? false,
      })),
      empty: 'No usage cached yet. Run "stackmeter sync <stamp>", "stackmeter import <file>" or "stackmeter demo".',
      headers: ['meter ID', 'name', 'service', 'unit', 'records', 'quantity'],
      row: (m) => [m.meterId, m.name, m.service, m.unit, m.records, groupDecimal(m.quantity)],
    });
    return EXIT.ok;
  },
};

export const metersOverrideCommand: Command = {
  name: 'meters override',
  summary: 'Give a meter a local name, unit, service or description; catalog refreshes never overwrite it',
  details: 'The meter ID matches whatever its case or hyphens. Naming a meter again replaces its override.',
  positionals: [{ name: 'meterId', description: 'The meter ID as usage reports it', required: true }],
  options: {
    name: { type: 'string', placeholder: '<name>', description: 'The name to show (required)' },
    unit: { type: 'string', placeholder: '<unit>', description: 'Its unit, e.g. GB*hours' },
    service: { type: 'string', placeholder: '<service>', description: 'The service it belongs to' },
    description: { type: 'string', placeholder: '<text>', description: 'What it measures' },
  },
  async run(ctx, options, [meterId]) {
    const name = textOption(options, 'name');
    if (name === undefined) {
      ctx.err('--name is required: stackmeter meters override <meterId> --name <name>');
      return EXIT.usage;
    }
    const saved = await call(ctx.openCore(), 'meters:override', {
      meterId, name, unit: textOption(options, 'unit'), service: textOption(options, 'service'), description: textOption(options, 'description'),
    });
    ctx.out(ctx.json ? JSON.stringify(saved, null, 2) : `Meter ${saved.meterId} is now named "${saved.name}".`);
    return EXIT.ok;
  },
};

const FILE_FORMAT = 'stackmeter-meter-overrides';

export const metersOverridesCommand: Command = {
  name: 'meters overrides',
  summary: 'List local meter names, or export or import them as JSON to share between sites',
  details: '"list" prints them; "export --out <file>" writes them; "import <file>" adds or replaces the ones in the\n' +
    'file, all or none: a bad file is named with the entry and field at fault and nothing is written.',
  positionals: [
    { name: 'action', description: 'list, export or import', required: true },
    { name: 'file', description: 'The file to import', required: false },
  ],
  options: {
    out: { type: 'string', placeholder: '<file>', description: 'Where export writes the overrides' },
  },
  async run(ctx, options, [action, file]) {
    if (action === 'list') {
      const overrides = await call(ctx.openCore(), 'meters:overrides');
      printList(ctx, overrides, {
        empty: 'No local meter names yet. Add one with "stackmeter meters override".',
        headers: ['meter ID', 'name', 'unit', 'service'],
        row: (o) => [o.meterId, o.name, o.unit ?? '', o.service ?? ''],
      });
      return EXIT.ok;
    }
    if (action === 'export') {
      const out = textOption(options, 'out');
      if (out === undefined) {
        ctx.err('--out is required: stackmeter meters overrides export --out <file>');
        return EXIT.usage;
      }
      const overrides = (await call(ctx.openCore(), 'meters:overrides')).map((o) => ({
        meterId: o.meterId, name: o.name, unit: o.unit ?? undefined, service: o.service ?? undefined,
        description: o.description ?? undefined,
      }));
      writeFileSync(out, `${JSON.stringify({ format: FILE_FORMAT, version: 1, overrides }, null, 2)}\n`);
      ctx.out(ctx.json ? JSON.stringify({ file: out, overrides: overrides.length })
        : `Wrote ${overrides.length} meter override(s) to ${out}.`);
      return EXIT.ok;
    }
    if (action === 'import') {
      if (file === undefined) {
        ctx.err('Name the file: stackmeter meters overrides import <file>');
        return EXIT.usage;
      }
      const result = await call(ctx.openCore(), 'meters:importOverrides', readOverridesFile(file));
      ctx.out(ctx.json ? JSON.stringify(result)
        : `Imported ${file}: ${result.created} new meter override(s), ${result.updated} replaced.`);
      return EXIT.ok;
    }
    ctx.err(`Unknown action "${action}": use list, export or import.`);
    return EXIT.usage;
  },
};

/** Reads and validates an overrides file; BAD_INPUT names the file, the entry and the field at fault. */
export function readOverridesFile(file: string): MeterOverrideInput[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StackmeterError('BAD_INPUT', `${file}: ${(err as Error).message}`);
  }
  const parsed = meterOverridesFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [, index, field] = issue.path;
    const where = issue.path[0] === 'overrides' && typeof index === 'number'
      ? `entry ${index + 1}${field === undefined ? '' : ` field ${String(field)}`}`
      : issue.path.length > 0 ? `field ${issue.path.join('.')}` : 'the file';
    throw new StackmeterError('BAD_INPUT', `${file}: ${where}: ${issue.message}`);
  }
  return parsed.data.overrides;
}

export const metersUnknownCommand: Command = {
  name: 'meters unknown',
  summary: 'List meters seen in usage that the catalog does not know, with when, how much and which tenants',
  positionals: [],
  options: {},
  async run(ctx) {
    const meters = await call(ctx.openCore(), 'meters:unknown');
    printList(ctx, meters, {
      empty: 'Every meter seen in usage is in the catalog.',
      headers: ['meter ID', 'local name', 'first seen', 'last seen', 'records', 'quantity', 'tenants'],
      row: (m) => [m.meterId, m.override?.name ?? '', m.firstSeen, m.lastSeen, m.records, groupDecimal(m.quantity),
        m.tenantCount],
    });
    return EXIT.ok;
  },
};
