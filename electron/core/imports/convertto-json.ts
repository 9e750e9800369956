import { parseUsageJson, usagePageFromJson } from '../azure/usage-record.ts';
import { assumeUtc } from './culture-dates.ts';
import { recordGranularity, type ImportedUsage } from './imported-usage.ts';
import { decodePowerShellText } from './text-encoding.ts';

/**
 * Parses `Get-AzsSubscriberUsage ... | ConvertTo-Json` output: an array of records, or a single object when the cmdlet
 * returned one. Each record has the usage properties flattened beside Id/Name/Type (PascalCase) or, if someone saved
 * the REST objects, inside `properties`; usage-record.ts decodes both and keeps every Quantity number as its exact text.
 * Errors name the file, the record's index (0-based, as in the array) and the field.
 */
export function parseConvertToJson(content: Uint8Array, fileName: string): ImportedUsage {
  return convertToJsonUsage(parseUsageJson(decodePowerShellText(content, fileName), fileName), fileName);
}

/** The same from the file's parsed JSON (parseUsageJson), for a caller that has parsed it already. */
export function convertToJsonUsage(json: unknown, fileName: string): ImportedUsage {
  const items = Array.isArray(json) ? json : [json];
  items.forEach((item) => normaliseTimes(item));
  const { records } = usagePageFromJson({ value: items }, fileName);
  return { records, granularities: records.map((r, i) => recordGranularity(r, fileName, i)) };
}

const TIME_FIELDS = ['UsageStartTime', 'UsageEndTime', 'usageStartTime', 'usageEndTime'];

/**
 * Brings the DateTime shapes ConvertTo-Json writes to the wire form the usage parser reads. Windows PowerShell 5.1
 * writes `\/Date(ms)\/` (read as is) or, for a DateTime carrying extended type data, `{"value": "\/Date(ms)\/",
 * "DisplayHint": 2, "DateTime": "..."}`; PowerShell 7 writes ISO text, without an offset for a DateTime of unspecified
 * kind. Usage times are UTC in the API, so a time without an offset is read as UTC.
 */
function normaliseTimes(item: unknown): void {
  if (typeof item !== 'object' || item === null) return;
  const record = item as Record<string, unknown>;
  const props = typeof record.properties === 'object' && record.properties !== null
    ? record.properties as Record<string, unknown>
    : record;
  for (const name of TIME_FIELDS) {
    let value = props[name];
    if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).value === 'string') {
      value = (value as Record<string, unknown>).value;
    }
    if (typeof value === 'string') value = assumeUtc(value);
    if (value !== undefined) props[name] = value;
  }
}
