import { EXIT, type Command } from '../command.ts';
import { textTable } from '../format.ts';
import { textOption } from '../options.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'Load usage files into the cache: saved API pages, usage summary CSVs, ConvertTo-Json output',
  details:
    'The kind of each file is told from its content: saved usage API pages ({"value": [...], "nextLink": ...} or an\n' +
    'array of them), Microsoft\'s usage summary CSV (Export-Csv in any culture; the date format is detected from\n' +
    'the whole column, or given with --date-format when no date can tell day from month), or the output of\n' +
    'Get-AzsSubscriberUsage | ConvertTo-Json (UTF-8 or UTF-16). Each file is imported whole or not at all; a\n' +
    'malformed file is named with the line, record or field at fault, and the cache is left as it was. Records\n' +
    'already cached (same subscription, meter, usage hours, resource and granularity) are updated in place, never\n' +
    'duplicated, whether they came from a sync or another import.',
  positionals: [{ name: 'file', description: 'Usage files (JSON or CSV)', required: true, variadic: true }],
  options: {
    connection: { type: 'string', placeholder: '<name>', description: 'Attribute the records to this stamp (default: none)' },
    'date-format': { type: 'string', placeholder: '<pattern>',
      description: 'Date pattern of usage summary CSVs, e.g. "dd.MM.yyyy HH:mm:ss" or "M/d/yyyy h:mm:ss tt"' },
  },
  async run(ctx, options, files) {
    const results = await ctx.openCore().importFiles(files, {
      connection: textOption(options, 'connection'),
      dateFormat: textOption(options, 'date-format'),
    });
    if (ctx.json) ctx.out(JSON.stringify(results, null, 2));
    else {
      ctx.out(textTable(['file', 'format', 'records', 'new', 'updated'],
        results.map((r) => [r.file, r.format, r.records, r.inserted, r.updated])));
    }
    return EXIT.ok;
  },
};
