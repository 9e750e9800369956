import type {
  CapacityBasis, CapacityExportFormat, CapacityModel, CapacityQuery, CapacityReport, StoredCapacityModel,
} from '../../shared/capacity.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command, type OptionValues } from '../command.ts';
import { groupDecimal, printList, textTable } from '../format.ts';
import { exportOutput, moveExport, requiredOption, textOption } from '../options.ts';
import { granularityOption, periodOption, printFiles } from './chargeback.ts';

// stackmeter capacity set | show | report | recover: the capacity model of a disconnected stamp (cores, yearly prices
// per core, licence term), the period's capacity report and the rate card draft that recovers its cost.

const invalid = (message: string): StackmeterError => new StackmeterError('INVALID_ARGUMENT', message);

/** --cores: a whole number of cores above zero. */
function coresOption(options: OptionValues): number | undefined {
  const raw = textOption(options, 'cores');
  if (raw === undefined) return undefined;
  const cores = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(cores) || cores < 1) {
    throw invalid(`--cores must be a whole number of cores above zero, not "${raw}".`);
  }
  return cores;
}

/** "Name=amount" values of a repeatable option (the name may hold spaces; the last "=" splits). */
function pairs(options: OptionValues, name: string, example: string): Array<[string, string]> | undefined {
  const raw = options[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  return (Array.isArray(raw) ? raw : [raw]).map((value) => {
    const at = value.lastIndexOf('=');
    if (at <= 0) throw invalid(`--${name} must be written name=amount, e.g. --${name} "${example}", not "${value}".`);
    return [value.slice(0, at).trim(), value.slice(at + 1).trim()];
  });
}

/** An add-on "App Service=123.45", or "App Service=123.45@64" when it is licensed for fewer cores than the stamp. */
function addOnsOption(options: OptionValues): CapacityModel['addOns'] | undefined {
  return pairs(options, 'add-on', 'App Service=123.45')?.map(([name, value]) => {
    const [price = '', cores] = value.split('@');
    if (cores === undefined) return { name, pricePerCoreYear: price };
    if (!/^\d+$/.test(cores)) throw invalid(`--add-on "${name}": the cores after @ must be a whole number.`);
    return { name, pricePerCoreYear: price, cores: Number(cores) };
  });
}

export const SET_OPTIONS = {
  cores: { type: 'string', placeholder: '<n>', description: 'Licensed physical cores, entered by hand (with --cores-note)' },
  'cores-note': { type: 'string', placeholder: '<text>', description: 'Where the hand-entered cores come from' },
  'cores-from-fabric': {
    type: 'boolean', description: 'Read the cores from the stamp\'s Microsoft.Fabric.Admin scale unit nodes',
  },
  currency: { type: 'string', placeholder: '<code>', description: 'ISO 4217 currency of the prices, e.g. EUR' },
  'term-from': { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'First day of the licence term' },
  'term-to': { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Last day of the licence term (included)' },
  'base-price': { type: 'string', placeholder: '<amount>', description: 'Base package price per core per year' },
  'add-on': {
    type: 'string', placeholder: '<name=price[@cores]>', multiple: true,
    description: 'Add-on price per core-year: App Service, SQL/MySQL, Event Hubs or any (replaces all)',
  },
  other: {
    type: 'string', placeholder: '<label=amount>', multiple: true,
    description: 'Another yearly cost (hardware amortisation, support, power); replaces the stored ones',
  },
  'storage-gb': { type: 'string', placeholder: '<GB>', description: 'Storage capacity in GB' },
  reason: { type: 'string', placeholder: '<text>', description: 'Why (recorded in the audit log)' },
} as const;

const STAMP_ARG = [{ name: 'stamp', description: 'The stamp (connection name)', required: true }];

function printModel(ctx: CliContext, stored: StoredCapacityModel): void {
  const m = stored.model;
  const source = m.coresSource === 'fabric' ? 'from Microsoft.Fabric.Admin' : `entered by hand: ${m.coresNote ?? ''}`;
  ctx.out(`${m.stamp}: ${m.physicalCores} physical cores (${source})`);
  ctx.out(`  licence term ${m.term.from} to ${m.term.to} (included), ${m.currency}`);
  ctx.out(`  base package ${groupDecimal(m.basePricePerCoreYear)} per core per year`);
  for (const a of m.addOns) {
    ctx.out(`  add-on ${a.name}: ${groupDecimal(a.pricePerCoreYear)} per core per year`
      + `${a.cores === undefined ? '' : ` on ${a.cores} cores`}`);
  }
  for (const o of m.otherYearlyCosts) ctx.out(`  ${o.label}: ${groupDecimal(o.amount)} per year`);
  ctx.out(`  storage capacity ${m.storageCapacityGB === undefined ? 'not set' : `${groupDecimal(m.storageCapacityGB)} GB`}`);
  ctx.out(`  saved ${stored.updatedAt} by ${stored.updatedBy}`);
}

export const capacitySetCommand: Command = {
  name: 'capacity set',
  summary: 'Set a stamp\'s capacity model: physical cores, yearly prices per core, licence term, other yearly costs',
  details: 'Disconnected stamps are licensed per physical core per year. The first "set" of a stamp needs the cores\n'
    + '(--cores with --cores-note, or --cores-from-fabric), --currency, --term-from, --term-to and --base-price;\n'
    + 'later ones change only what they name (--add-on and --other replace the whole list). --add-on and --other\n'
    + 'repeat: --add-on "App Service=123.45" --add-on "SQL/MySQL=80@64" (price per core per year, @cores when the\n'
    + 'add-on covers fewer cores than the stamp). Amounts are decimal text. The change is audited with --reason.',
  positionals: STAMP_ARG,
  options: SET_OPTIONS,
  async run(ctx, options, [stamp]) {
    const reason = requiredOption(options, 'reason', 'stackmeter capacity set <stamp> ... --reason <text> (it is '
      + 'recorded in the audit log).');
    const core = ctx.openCore();
    const current = (await call(core, 'capacity:get', stamp!))?.model;
    const cores = coresOption(options);
    const fromFabric = options['cores-from-fabric'] === true;
    if (fromFabric && cores !== undefined) throw invalid('Give --cores or --cores-from-fabric, not both.');
    let physical: Pick<CapacityModel, 'physicalCores' | 'coresSource' | 'coresNote'> | undefined;
    if (fromFabric) {
      const fabric = await call(core, 'capacity:readCores', stamp!);
      ctx.err(`Read ${fabric.cores} cores from ${fabric.nodes.length} node(s): ${fabric.source}.`);
      physical = { physicalCores: fabric.cores, coresSource: 'fabric', coresNote: fabric.source };
    } else if (cores !== undefined) {
      physical = { physicalCores: cores, coresSource: 'manual',
        coresNote: requiredOption(options, 'cores-note', 'say where the hand-entered cores come from, e.g. '
          + '--cores-note "licence agreement 4711".') };
    } else if (current === undefined) {
      throw invalid('--cores (with --cores-note) or --cores-from-fabric is required for a stamp\'s first model.');
    }
    const need = (name: string, value: string | undefined): string => {
      if (value === undefined) throw invalid(`--${name} is required for a stamp's first model.`);
      return value;
    };
    const storage = textOption(options, 'storage-gb') ?? current?.storageCapacityGB;
    const model: CapacityModel = {
      stamp: stamp!,
      ...(physical ?? { physicalCores: current!.physicalCores, coresSource: current!.coresSource,
        ...(current!.coresNote === undefined ? {} : { coresNote: current!.coresNote }) }),
      currency: need('currency', textOption(options, 'currency')?.toUpperCase() ?? current?.currency),
      term: {
        from: need('term-from', textOption(options, 'term-from') ?? current?.term.from),
        to: need('term-to', textOption(options, 'term-to') ?? current?.term.to),
      },
      basePricePerCoreYear: need('base-price', textOption(options, 'base-price') ?? current?.basePricePerCoreYear),
      addOns: addOnsOption(options) ?? current?.addOns ?? [],
      otherYearlyCosts: pairs(options, 'other', 'Support=12000')?.map(([label, amount]) => ({ label, amount }))
        ?? current?.otherYearlyCosts ?? [],
      ...(storage === undefined ? {} : { storageCapacityGB: storage }),
    };
    const saved = await call(core, 'capacity:save', model, reason);
    if (ctx.json) ctx.out(JSON.stringify(saved, null, 2));
    else printModel(ctx, saved);
    return EXIT.ok;
  },
};

export const capacityShowCommand: Command = {
  name: 'capacity show',
  summary: 'Show the capacity model of a stamp, or list every stamp\'s model',
  details: 'With --json, the stored model(s): model (stamp, physicalCores, coresSource, coresNote, currency, term,\n'
    + 'basePricePerCoreYear, addOns, otherYearlyCosts, storageCapacityGB), updatedAt and updatedBy.',
  positionals: [{ name: 'stamp', description: 'The stamp (connection name); all stamps when absent', required: false }],
  options: {},
  async run(ctx, _options, [stamp]) {
    const core = ctx.openCore();
    if (stamp !== undefined) {
      const stored = await call(core, 'capacity:get', stamp);
      if (!stored) throw new StackmeterError('NOT_FOUND', `"${stamp}" has no capacity model yet; set one with `
        + '"stackmeter capacity set".');
      if (ctx.json) ctx.out(JSON.stringify(stored, null, 2));
      else printModel(ctx, stored);
      return EXIT.ok;
    }
    printList(ctx, await call(core, 'capacity:models'), {
      empty: 'No capacity models yet. Set one with "stackmeter capacity set <stamp> --cores ... --reason ...".',
      headers: ['stamp', 'cores', 'currency', 'term', 'base per core-year', 'saved'],
      row: (s) => [s.model.stamp, s.model.physicalCores, s.model.currency, `${s.model.term.from} to ${s.model.term.to}`,
        groupDecimal(s.model.basePricePerCoreYear), `${s.updatedAt.slice(0, 10)} ${s.updatedBy}`],
    });
    return EXIT.ok;
  },
};

const REPORT_OPTIONS = {
  stamp: { type: 'string', placeholder: '<name>', description: 'The stamp (connection name)' },
  period: { type: 'string', placeholder: '<YYYY-MM>', description: 'The calendar month (UTC)' },
  from: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Or: first day of a custom period (UTC)' },
  to: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Day after the custom period\'s last day' },
  basis: {
    type: 'string', placeholder: 'vcpu|mix|even',
    description: 'How the cost is split: vCPU-hours (default), a weighted mix of meters, or evenly',
  },
  weight: {
    type: 'string', placeholder: '<meterId=weight>', multiple: true,
    description: 'With --basis mix: a meter and its weight (repeat for each meter)',
  },
  granularity: {
    type: 'string', placeholder: 'hourly|daily',
    description: 'The synced usage to read (default: hourly; daily when the period has daily usage only)',
  },
} as const;

function basisOption(options: OptionValues): CapacityBasis {
  const kind = textOption(options, 'basis') ?? 'vcpu';
  const weights = pairs(options, 'weight', 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5=2');
  if (kind !== 'mix' && weights !== undefined) throw invalid('--weight applies to --basis mix only.');
  if (kind === 'vcpu' || kind === 'even') return { kind };
  if (kind !== 'mix') throw invalid(`--basis must be vcpu, mix or even, not "${kind}".`);
  if (weights === undefined) throw invalid('--basis mix needs at least one --weight <meterId=weight>.');
  return { kind, weights: Object.fromEntries(weights) };
}

function queryOf(options: OptionValues): CapacityQuery {
  const granularity = granularityOption(options);
  return {
    stamp: requiredOption(options, 'stamp', 'give the stamp: --stamp <name>.'),
    period: periodOption(options),
    basis: basisOption(options),
    ...(granularity === undefined ? {} : { granularity }),
  };
}

function printReport(ctx: CliContext, r: CapacityReport): void {
  const money = (amount: string): string => groupDecimal(amount);
  const labels = new Map(r.tenants.map((t) => [t.tenantId, t]));
  const rows = r.allocation.lines.map((l) => [labels.get(l.tenantId)?.label ?? l.tenantId, l.tenantId,
    groupDecimal(labels.get(l.tenantId)?.vcpuHours ?? '0'), money(l.amount)]);
  rows.push(['Idle / unallocated', '', '', money(r.allocation.idle.amount)]);
  rows.push(['Total', '', groupDecimal(r.utilisation.usedVcpuHours), money(r.allocation.total)]);
  const width = Math.max(...rows.map((row) => row[3]!.length));
  ctx.out(textTable(['tenant', 'ID', 'vCPU-hours', `amount (${r.cost.currency})`],
    rows.map((row) => [...row.slice(0, 3), row[3]!.padStart(width)])));
  const u = r.utilisation;
  ctx.out(`\n${r.stamp}, ${r.period.from} to ${r.period.to} (end excluded), ${r.granularity.toLowerCase()} usage: `
    + `${r.model.model.physicalCores} cores, capacity cost ${r.cost.currency} ${money(r.cost.total)} `
    + `(${r.cost.lines.map((l) => `${l.label} ${money(l.amount)}`).join(', ')}).`);
  ctx.out(`Compute: ${groupDecimal(u.usedVcpuHours)} vCPU-hours of ${groupDecimal(u.availableCoreHours)} core-hours `
    + `(${u.compute.percent} %); idle ${r.cost.currency} ${money(r.allocation.idle.amount)}.`);
  ctx.out(`Storage: ${groupDecimal(r.storageUsedGB)} GB on average`
    + (u.storage ? ` of ${groupDecimal(u.storage.capacityGB)} GB (${u.storage.percent} %).` : ' (no capacity set).'));
  ctx.out(`Completeness: ${r.completeness.summary}`);
  for (const note of r.notes.filter((n) => n !== r.completeness.summary)) ctx.out(`Note: ${note}`);
  ctx.out(`Inputs SHA-256 ${r.inputHash}`);
}

export const capacityReportCommand: Command = {
  name: 'capacity report',
  summary: 'A stamp\'s capacity cost for a period, its utilisation and the cost allocated to tenants, with idle',
  details: 'The cost of the period (prorated by days within the licence term) is split among tenants by the\n'
    + 'vCPU-hours of their VMs (Base VM Size Hours) against the core-hours available, by a weighted mix of meters\n'
    + '(--basis mix --weight <meterId>=<weight> ...), or evenly among the stamp\'s tenants; the share no tenant\n'
    + 'used is its own "Idle / unallocated" line, and the lines add up to the cost exactly. With --format pdf or\n'
    + 'xlsx (or an --out name ending so) the report is written as a file for management and auditors. With\n'
    + '--json, the whole report: cost, utilisation, daily utilisation, tenants, allocation, completeness, inputHash.',
  positionals: [],
  options: {
    ...REPORT_OPTIONS,
    format: { type: 'string', placeholder: 'pdf|xlsx', description: 'Write the report as a file' },
    out: { type: 'string', placeholder: '<file|folder>', description: 'Where the file goes (default: exports folder)' },
  },
  async run(ctx, options) {
    const query = queryOf(options);
    const out = textOption(options, 'out');
    const name = out?.toLowerCase() ?? '';
    const format = textOption(options, 'format')
      ?? (name.endsWith('.pdf') ? 'pdf' : name.endsWith('.xlsx') ? 'xlsx' : undefined);
    if (format === undefined) {
      if (out !== undefined) throw invalid('--out writes a file: give --format pdf or xlsx (or a .pdf/.xlsx name).');
      const report = await call(ctx.openCore(), 'capacity:report', query);
      if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
      else printReport(ctx, report);
      return EXIT.ok;
    }
    if (format !== 'pdf' && format !== 'xlsx') throw invalid(`--format must be pdf or xlsx, not "${format}".`);
    const output = await exportOutput(ctx.dbPath, out);
    let file = await call(ctx.openCore({ exportDir: output.dir }), 'capacity:export', query,
      format as CapacityExportFormat);
    if (output.file !== null) file = await moveExport(file, output.file);
    printFiles(ctx, [file], `the capacity report of ${query.stamp}`);
    return EXIT.ok;
  },
};

export const capacityRecoverCommand: Command = {
  name: 'capacity recover',
  summary: 'Create a rate card draft whose prices recover a period\'s capacity cost at a target utilisation',
  details: 'Break-even rates: per vCPU-hour = capacity cost × compute share / (target × core-hours), and, when\n'
    + '--compute-share is below 1 (storage capacity set), per GB-month = the rest / (target × storage GB-months);\n'
    + 'each rounded UP to 4 decimals so that at the target utilisation the cost is recovered. They become the\n'
    + 'first draft version (taking effect on the period\'s first day) of a new rate card named --rate-card-name,\n'
    + 'to review and publish with "stackmeter rates publish". Audited as any rate card change.',
  positionals: [],
  options: {
    stamp: REPORT_OPTIONS.stamp,
    period: REPORT_OPTIONS.period,
    from: REPORT_OPTIONS.from,
    to: REPORT_OPTIONS.to,
    granularity: REPORT_OPTIONS.granularity,
    target: { type: 'string', placeholder: '<ratio>', description: 'Target utilisation, e.g. 0.7 for 70 % (default 0.7)' },
    'compute-share': {
      type: 'string', placeholder: '<ratio>', description: 'Share recovered per vCPU-hour (default 1; rest per GB-month)',
    },
    'rate-card-name': { type: 'string', placeholder: '<name>', description: 'The new rate card\'s name' },
  },
  async run(ctx, options) {
    const query = queryOf(options);
    const share = textOption(options, 'compute-share');
    const card = await call(ctx.openCore(), 'capacity:recoveryDraft', query, {
      targetUtilisation: textOption(options, 'target') ?? '0.7',
      ...(share === undefined ? {} : { computeShare: share }),
      rateCardName: requiredOption(options, 'rate-card-name', 'name the new rate card: --rate-card-name <name>.'),
    });
    if (ctx.json) {
      ctx.out(JSON.stringify(card, null, 2));
      return EXIT.ok;
    }
    const draft = card.versions[0]!;
    ctx.out(`Created rate card "${card.name}" (${card.id}) with draft version ${draft.version}, effective `
      + `${draft.effectiveFrom}:`);
    for (const m of draft.meters) {
      const price = m.pricing?.kind === 'flat' ? m.pricing.unitPrice : 'no price';
      ctx.out(`  ${m.name ?? m.meterId} (${m.meterId}): ${card.currency} ${price} per ${m.pricingUnit}`);
    }
    if (draft.note) ctx.out(draft.note);
    ctx.out(`Review it, then publish it: stackmeter rates publish ${card.id} --version ${draft.version} --reason <text>`);
    return EXIT.ok;
  },
};
