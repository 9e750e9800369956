import { basename, dirname, extname, resolve } from 'node:path';
import type { RateCardFileFormat } from '../../shared/contract.ts';
import type { RateCardSummary, RoundingPolicy } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { Core } from '../../core/types.ts';
import { call } from '../call.ts';
import { EXIT, type Command, type OptionValues } from '../command.ts';
import { printList } from '../format.ts';
import { moveExport, readInputFile, requiredOption, textOption, versionOption } from '../options.ts';

/** A card named on the command line by its ID or its name (any case); NOT_FOUND pointing at `rates list`. */
export async function findCard(core: Core, nameOrId: string): Promise<RateCardSummary> {
  const cards = await call(core, 'rates:list');
  const wanted = nameOrId.trim().toLowerCase();
  const card = cards.find((c) => c.id === nameOrId) ?? cards.find((c) => c.name.toLowerCase() === wanted);
  if (!card) {
    throw new StackmeterError('NOT_FOUND',
      `There is no rate card named or with the ID "${nameOrId}"; "stackmeter rates list" shows them.`);
  }
  return card;
}

/** --format, else the file's extension (.csv: csv), else json. */
function fileFormat(options: OptionValues, file: string | undefined): RateCardFileFormat {
  const fromName = file !== undefined && extname(file).toLowerCase() === '.csv' ? 'csv' : 'json';
  const format = textOption(options, 'format') ?? fromName;
  if (format !== 'json' && format !== 'csv') {
    throw new StackmeterError('INVALID_ARGUMENT', `--format must be json or csv, not "${format}".`);
  }
  return format;
}

const describeRounding = (r: RoundingPolicy): string => `${r.mode} per ${r.point}`;

export const ratesListCommand: Command = {
  name: 'rates list',
  summary: 'List rate cards with their currency, rounding, and published and draft versions',
  details: 'With --json, one object per card: id, name, currency, rounding {mode, point} and versions (version,\n' +
    'effectiveFrom, status, publishedAt, meters).',
  positionals: [],
  options: {},
  async run(ctx) {
    const cards = await call(ctx.openCore(), 'rates:list');
    const versions = (card: RateCardSummary, status: 'published' | 'draft'): string => card.versions
      .filter((v) => v.status === status).map((v) => `v${v.version} from ${v.effectiveFrom}`).join(', ');
    printList(ctx, cards, {
      empty: 'No rate cards yet. Create one with "stackmeter rates create <name> --currency <code> --starter" or '
        + 'import one with "stackmeter rates import <file>".',
      headers: ['ID', 'name', 'currency', 'rounding', 'published', 'drafts'],
      row: (c) => [c.id, c.name, c.currency, describeRounding(c.rounding), versions(c, 'published') || '-',
        versions(c, 'draft') || '-'],
    });
    return EXIT.ok;
  },
};

export const ratesCreateCommand: Command = {
  name: 'rates create',
  summary: 'Create a rate card with a draft version: empty, the starter card\'s example prices, or a copy',
  details: 'The draft takes effect on the first day of the current month (UTC); edit it in the console, or export\n' +
    'it, edit the CSV and import it, then publish it. --starter lists every meter of the catalog with example\n' +
    'prices (examples only: replace them). The currency and rounding cannot change once a version is published.',
  positionals: [{ name: 'name', description: 'The card\'s name (unique, any case)', required: true }],
  options: {
    currency: { type: 'string', placeholder: '<code>', description: 'ISO 4217 billing currency, e.g. USD (required)' },
    rounding: { type: 'string', placeholder: '<mode>', description: 'half-even (default) or half-up' },
    'round-per': {
      type: 'string', placeholder: '<point>',
      description: 'line (default): each line; statement: once per tenant and month',
    },
    starter: { type: 'boolean', description: 'Start from the starter card (every catalog meter, example prices)' },
    'copy-of': { type: 'string', placeholder: '<card>', description: 'Start from the latest version of this card' },
  },
  async run(ctx, options, [name]) {
    const currency = requiredOption(options, 'currency', 'stackmeter rates create <name> --currency <code>');
    const copyOf = textOption(options, 'copy-of');
    if (copyOf !== undefined && options.starter === true) {
      ctx.err('Give --starter or --copy-of, not both.');
      return EXIT.usage;
    }
    const mode = textOption(options, 'rounding') ?? 'half-even';
    const point = textOption(options, 'round-per') ?? 'line';
    if ((mode !== 'half-even' && mode !== 'half-up') || (point !== 'line' && point !== 'statement')) {
      ctx.err('--rounding must be half-even or half-up, and --round-per line or statement.');
      return EXIT.usage;
    }
    const core = ctx.openCore();
    const from = copyOf !== undefined ? { copyOf: (await findCard(core, copyOf)).id }
      : options.starter === true ? 'starter' as const : 'empty' as const;
    const card = await call(core, 'rates:create', {
      name: name!, currency: currency.toUpperCase(), rounding: { mode, point }, from,
    });
    const draft = card.versions[0]!;
    ctx.out(ctx.json ? JSON.stringify(card, null, 2)
      : `Created rate card "${card.name}" (ID ${card.id}, ${card.currency}, rounded ${describeRounding(card.rounding)})`
        + ` with draft version ${draft.version}: ${draft.meters.length} meter(s), taking effect on `
        + `${draft.effectiveFrom}.\nPublish it with: stackmeter rates publish ${card.id} --version ${draft.version} `
        + '--reason <text>');
    return EXIT.ok;
  },
};

export const ratesExportCommand: Command = {
  name: 'rates export',
  summary: 'Write a rate card to a JSON file (whole card or one version) or one version to a CSV file',
  details: 'JSON holds the card as stored, to share with another site. CSV holds one version, one row per meter\n' +
    'rate (one per tier for graduated and volume pricing), to edit in a spreadsheet and import as a new draft.\n' +
    'Without --version, CSV takes the newest version and JSON every version. The first row names the columns.',
  positionals: [{ name: 'card', description: 'The card\'s ID or name', required: true }],
  options: {
    format: { type: 'string', placeholder: '<format>', description: 'json or csv (default: from --out, else json)' },
    version: { type: 'string', placeholder: '<n>', description: 'Only this version' },
    out: { type: 'string', placeholder: '<file>', description: 'The file to write (required)' },
  },
  async run(ctx, options, [cardName]) {
    const out = requiredOption(options, 'out', 'stackmeter rates export <card> --out <file>');
    const format = fileFormat(options, out);
    const version = versionOption(options);
    const target = resolve(out);
    // Written in the target's folder, so that the final rename stays on one file system.
    const core = ctx.openCore({ exportDir: dirname(target) });
    const card = await findCard(core, cardName!);
    const written = await moveExport(await call(core, 'rates:export', card.id, format, version), target);
    ctx.out(ctx.json ? JSON.stringify(written)
      : `Wrote rate card "${card.name}"${version === undefined ? '' : ` version ${version}`} to ${target} `
        + `(${written.rows} meter rate row(s)).`);
    return EXIT.ok;
  },
};

export const ratesImportCommand: Command = {
  name: 'rates import',
  summary: 'Import a rate card from a JSON or CSV file, all or nothing',
  details: 'JSON: a new card keeps its versions as they are (published ones stay published); into an existing card\n' +
    'of the same name, versions it does not have yet are added as drafts. CSV: the version becomes a new draft of\n' +
    'the card it names, or a new card. The whole file is checked first: an error names the line and column (CSV)\n' +
    'or the JSON path, and nothing is written.',
  positionals: [{ name: 'file', description: 'The JSON or CSV file', required: true }],
  options: {
    format: { type: 'string', placeholder: '<format>', description: 'json or csv (default: from the extension)' },
  },
  async run(ctx, options, [file]) {
    const format = fileFormat(options, file);
    const content = readInputFile(file!);
    const card = await call(ctx.openCore(), 'rates:import', content, format, basename(file!));
    const versions = card.versions.map((v) => `v${v.version} ${v.status}`).join(', ');
    ctx.out(ctx.json ? JSON.stringify(card, null, 2)
      : `Imported ${file} into rate card "${card.name}" (ID ${card.id}); its versions: ${versions}.`);
    return EXIT.ok;
  },
};

export const ratesPublishCommand: Command = {
  name: 'rates publish',
  summary: 'Publish a draft version of a rate card; from then on it never changes',
  details: 'The draft must be valid and take effect after the last published version. The reason is recorded in\n' +
    'the audit log with your user name.',
  positionals: [{ name: 'card', description: 'The card\'s ID or name', required: true }],
  options: {
    version: { type: 'string', placeholder: '<n>', description: 'The draft version to publish (required)' },
    reason: { type: 'string', placeholder: '<text>', description: 'Why, for the audit log (required)' },
  },
  async run(ctx, options, [cardName]) {
    const version = versionOption(options);
    const reason = textOption(options, 'reason');
    if (version === undefined || reason === undefined) {
      ctx.err('--version and --reason are required: stackmeter rates publish <card> --version <n> --reason <text>');
      return EXIT.usage;
    }
    const core = ctx.openCore();
    const card = await call(core, 'rates:publish', (await findCard(core, cardName!)).id, version, reason);
    const published = card.versions.find((v) => v.version === version)!;
    ctx.out(ctx.json ? JSON.stringify(card, null, 2)
      : `Published version ${version} of rate card "${card.name}": it prices usage from ${published.effectiveFrom}.`);
    return EXIT.ok;
  },
};
