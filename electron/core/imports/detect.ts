import { readCsv } from '../exports/csv-reader.ts';
import { parseUsageJson } from '../azure/usage-record.ts';
import { decodePowerShellText } from './text-encoding.ts';

export type UsageFileKind = 'usage-summary-csv' | 'convertto-json' | 'rest-pages';

export interface UsageFileDetection {
  kind: UsageFileKind | 'unknown';
  /** Why, in words for the user (shown when the kind is unknown). */
  reason: string;
  /** The file decoded (UTF-8 or UTF-16, without a byte-order mark), so that the importer does not decode it again. */
  text?: string;
  /** A JSON file's parsed value (exact quantity texts kept), so that the importer does not parse it again. */
  json?: unknown;
}

/**
 * Tells which importer reads a file, from its content (the name only appears in messages): saved REST responses are
 * pages (`{"value": [...]}`, or an array of them), ConvertTo-Json output is records (an array or one object with a
 * MeterId), a usage summary CSV has a header with UsageStartTime and MeterId.
 */
export function detectUsageFileKind(content: Uint8Array, fileName: string): UsageFileDetection {
  let text: string;
  try {
    text = decodePowerShellText(content, fileName);
  } catch {
    return { kind: 'unknown', reason: `${fileName} is not UTF-8 or UTF-16 text` };
  }
  const body = text.trimStart();
  if (body === '') return { kind: 'unknown', reason: `${fileName} is empty` };
  const found = body.startsWith('{') || body.startsWith('[') ? detectJson(body, fileName) : detectCsv(body, fileName);
  return found.kind === 'unknown' ? found : { ...found, text };
}

function detectJson(text: string, fileName: string): UsageFileDetection {
  let json: unknown;
  try {
    json = parseUsageJson(text, fileName);
  } catch (err) {
    return { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
  }
  const first = Array.isArray(json) ? json[0] : json;
  if (!isObject(first)) {
    const what = Array.isArray(json) ? 'an empty array or one of non-objects' : 'not an object';
    return { kind: 'unknown', reason: `${fileName} is JSON but holds no usage records (${what})` };
  }
  if (Array.isArray(first.value ?? first.Value)) {
    return { kind: 'rest-pages', reason: `${fileName} holds usage API pages (objects with a "value" array)`, json };
  }
  const props = isObject(first.properties) ? first.properties : first;
  if ('meterId' in props || 'MeterId' in props) {
    const reason = `${fileName} holds usage records (ConvertTo-Json of Get-AzsSubscriberUsage)`;
    return { kind: 'convertto-json', reason, json };
  }
  return {
    kind: 'unknown',
    reason: `${fileName} is JSON but neither usage API pages nor usage records (no "value" or "MeterId")`,
  };
}

function detectCsv(text: string, fileName: string): UsageFileDetection {
  // Only the header line matters (after Windows PowerShell's `#TYPE` line); the rows are the importer's to check.
  const [first = '', second = ''] = text.split(/\r\n|\n|\r/, 2);
  let cells: string[] = [];
  try {
    const { rows } = readCsv(first.startsWith('#TYPE') ? second : first, fileName);
    cells = (rows[0]?.cells ?? []).map((c) => c.trim().toLowerCase());
  } catch {
    // An unclosed quote in the header line: not a usage summary header.
  }
  if (cells.includes('usagestarttime') && cells.includes('meterid')) {
    const reason = `${fileName} has a usage summary CSV header (UsageStartTime, MeterId, ...)`;
    return { kind: 'usage-summary-csv', reason };
  }
  return {
    kind: 'unknown',
    reason: `${fileName} is neither JSON nor a CSV with UsageStartTime and MeterId columns`,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
