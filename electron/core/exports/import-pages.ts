import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Granularity, ImportFileResult } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { parseUsageJson, usagePageFromJson, type UsageRecord } from '../azure/usage-record.ts';
import { createUsageWriter, type RecordGroup } from '../cache/usage-writer.ts';
import { granularityOfPeriod } from '../imports/imported-usage.ts';

export interface ImportOptions {
  /** The stamp the files came from, or null when they are not tied to a connection. */
  connectionId: number | null;
}

/**
 * Imports saved usage API responses: each file holds one page (`{"value": [...], "nextLink": ...}`) or a JSON array of
 * pages. A record's granularity follows from its period (one hour: Hourly, one day: Daily). Each file is imported whole
 * or not at all, in its own transaction; the first bad file stops the import with an error naming it, the page, the
 * record and the field, and files before it stay imported (the message says which).
 */
export function importPageFiles(db: Database.Database, paths: string[], options: ImportOptions): ImportFileResult[] {
  const writer = createUsageWriter(db);
  const results: ImportFileResult[] = [];
  for (const file of paths) {
    try {
      const { pages, groups, records } = readPageFile(file);
      const counts = writer.writeGroups(groups, options.connectionId);
      results.push({ file, pages, records, inserted: counts.inserted, updated: counts.updated });
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
  pages: number;
  records: number;
  groups: RecordGroup[];
}

function readPageFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StackmeterError('NOT_FOUND', `${file}: no such file`);
    throw new StackmeterError('BAD_INPUT', `${file}: cannot be read (${code ?? String(err)})`);
  }
  // A UTF-8 byte order mark (PowerShell's Out-File writes one) is not JSON.
  const json = parseUsageJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const pageJsons = Array.isArray(json) ? json : [json];
  const hourly: UsageRecord[] = [];
  const daily: UsageRecord[] = [];
  let records = 0;
  pageJsons.forEach((pageJson, p) => {
    const source = Array.isArray(json) ? `${file}: page ${p + 1}` : file;
    const page = usagePageFromJson(pageJson, source);
    page.records.forEach((r, i) => (granularityOf(r, source, i) === 'Hourly' ? hourly : daily).push(r));
    records += page.records.length;
  });
  const groups: RecordGroup[] = [
    { records: hourly, granularity: 'Hourly' },
    { records: daily, granularity: 'Daily' },
  ];
  return { pages: pageJsons.length, records, groups: groups.filter((g) => g.records.length > 0) };
}

function granularityOf(r: UsageRecord, source: string, index: number): Granularity {
  const seconds = r.usageEnd - r.usageStart;
  const granularity = granularityOfPeriod(seconds);
  if (granularity !== null) return granularity;
  throw new StackmeterError(
    'BAD_INPUT',
    `${source}: record ${index}: usage period of ${seconds} s is neither an hour (Hourly) nor a day (Daily)`,
  );
}
