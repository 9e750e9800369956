import { EXIT, type Command } from '../command.ts';
import { textTable } from '../format.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'Load saved usage API pages ({"value": [...], "nextLink": ...}) into the cache',
  details:
    'Each file is imported whole or not at all; a malformed file is named with the record and field at fault, and\n' +
    'the cache is left as it was. Records already cached (same subscription, meter, usage hours, resource and\n' +
    'granularity) are updated in place, never duplicated.',
  positionals: [{ name: 'file', description: 'JSON files, each a page or an array of pages', required: true, variadic: true }],
  options: {
    connection: { type: 'string', placeholder: '<name>', description: 'Attribute the records to this stamp (default: none)' },
  },
  async run(ctx, options, files) {
    const results = await ctx.openCore().importFiles(files, {
      connection: typeof options.connection === 'string' ? options.connection : undefined,
    });
    if (ctx.json) ctx.out(JSON.stringify(results, null, 2));
    else ctx.out(textTable(['file', 'pages', 'records', 'new', 'updated'], results.map((r) => [r.file, r.pages, r.records, r.inserted, r.updated])));
    return EXIT.ok;
  },
};
