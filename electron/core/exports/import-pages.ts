import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { ImportFileResult } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { usagePageFromJson } from '../azure/usage-record.ts';
import { createUsageWriter, type RecordGroup } from '../cache/usage-writer.ts';
import { convertToJsonUsage } from '../imports/convertto-json.ts';
import { detectUsageFileKind, type UsageFileKind } from '../imports/detect.ts';
import { recordGranularity, recordGroups, type ImportedUsage } from '../imports/imported-usage.ts';
import { parseUsageSummaryCsv } from '../imports/usage-summary-csv.ts';

export interface ImportOptions {
  /** The stamp the files came from, or null when they are not tied to a connection. */
  connectionId: number | null;
  /** The date pattern of usage summary CSVs (e.g. `dd.MM.yyyy HH:mm:ss`), when the file cannot tell. */
  dateFormat?: string;
}

/**
 * Imports usage files of the three kinds operators have on disk, told apart by their content: saved usage API
 * responses (one page `{"value": [...], "nextLink": ...}` or a JSON array of pages), Microsoft's usage summary CSV (any
 * culture), and `Get-AzsSubscriberUsage | ConvertTo-Json` output. A record's granularity follows from its period (one
 * hour: Hourly, one day: Daily), and records land under the same natural key as synced ones, so importing and syncing
 * the same usage never duplicates it. Each file is imported whole or not at all, in its own transaction; the first bad
 * file stops the import with an error naming it and the line, record or field at fault, and files before it stay
 * imported (the message says which).
 */
export function importUsageFiles(db: Database.Database, paths: string[], options: ImportOptions): ImportFileResult[] {
  const writer = createUsageWriter(db);
  const results: ImportFileResult[] = [];
  for (const file of paths) {
    try {
      const { format, pages, groups, records } = readUsageFile(file, options);
      const counts = writer.writeGroups(groups, options.connectionId);
      results.push({ file, format, pages, records, inserted: counts.inserted, updated: counts.updated });
    } catch (err) {
      if (results.length === 0 || !(err instanceof StackmeterError)) throw err;
      const done = results.map((r) => r.file).join(', ');
      throw new StackmeterError(err.code, `${err.message} (nothing of it was imported; already imported: ${done})`, {
        cause: err,
      });
    }
  }
  return results;
}

interface ParsedFile {
  format: UsageFileKind;
  /** REST pages in the file; 0 for the other formats. */
  pages: number;
  records: number;
  groups: RecordGroup[];
}

function readUsageFile(file: string, options: ImportOptions): ParsedFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StackmeterError('NOT_FOUND', `${file}: no such file`);
    throw new StackmeterError('BAD_INPUT', `${file}: cannot be read (${code ?? String(err)})`);
  }
  const { kind, reason, text, json } = detectUsageFileKind(bytes, file);
  const imported = (format: UsageFileKind, usage: ImportedUsage, pages = 0): ParsedFile =>
    ({ format, pages, records: usage.records.length, groups: recordGroups(usage) });
  switch (kind) {
    case 'rest-pages': {
      const pageJsons = Array.isArray(json) ? json : [json];
      return imported(kind, pagesUsage(pageJsons, Array.isArray(json), file), pageJsons.length);
    }
    case 'usage-summary-csv':
      return imported(kind, parseUsageSummaryCsv(text!, file, { dateFormat: options.dateFormat }));
    case 'convertto-json': return imported(kind, convertToJsonUsage(json, file));
    default:
      throw new StackmeterError('BAD_INPUT', `${reason}. Stackmeter imports saved usage API pages, Microsoft's usage `
        + 'summary CSV and the output of Get-AzsSubscriberUsage | ConvertTo-Json.');
  }
}

/** The records of saved usage API pages; errors name the page (of an array of pages), the record and the field. */
function pagesUsage(pageJsons: unknown[], inArray: boolean, file: string): ImportedUsage {
  const usage: ImportedUsage = { records: [], granularities: [] };
  pageJsons.forEach((pageJson, p) => {
    const source = inArray ? `${file}: page ${p + 1}` : file;
    usagePageFromJson(pageJson, source).records.forEach((r, i) => {
      usage.records.push(r);
      usage.granularities.push(recordGranularity(r, source, i));
    });
  });
  return usage;
}
