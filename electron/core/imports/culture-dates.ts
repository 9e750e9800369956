import { StackmeterError } from '../../shared/result.ts';
import { parseTime } from '../azure/usage-record.ts';

/**
 * Reads dates written in some culture's format (PowerShell's Export-Csv writes DateTime.ToString(), i.e. the exporting
 * machine's short date and long time). Every date is read as UTC: the usage API sends usage times in UTC and the
 * usage summary script copies them into the CSV without converting them, so the digits in the file are UTC digits.
 */
export interface DateReader {
  /** The .NET-style pattern, e.g. `M/d/yyyy h:mm:ss tt`, or `ISO 8601`. */
  format: string;
  /** Unix seconds, or null when the text is not a valid date in this format. */
  read(text: string): number | null;
}

/** ISO 8601 as the API writes it (with an offset) or as a tool writes a UTC time without one. */
export const ISO_READER: DateReader = {
  format: 'ISO 8601',
  read(text) {
    return parseTime(assumeUtc(text.trim()));
  },
};

const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;

/** ISO 8601 text without an offset (a DateTime of unspecified kind) gets `Z`: usage times are UTC in the API. */
export function assumeUtc(text: string): string {
  return ISO_LOCAL.test(text) ? `${text}Z` : text;
}

// What the cultures operators run PowerShell in write for DateTime.ToString(): en-US, en-GB/fr-FR (day first with
// slashes), de-DE/ru-RU (dots, always day first), nl-NL (dashes), ja-JP/zh-CN (year first), ISO with a space.
const CANDIDATES = [
  'M/d/yyyy h:mm:ss tt',
  'd/M/yyyy h:mm:ss tt',
  'M/d/yyyy H:mm:ss',
  'd/M/yyyy H:mm:ss',
  'd.M.yyyy H:mm:ss',
  'd-M-yyyy H:mm:ss',
  'yyyy/M/d H:mm:ss',
  'yyyy-M-d H:mm:ss',
];

const CANDIDATE_READERS: DateReader[] = [ISO_READER, ...CANDIDATES.map((f) => dateReader(f))];

export type DateDetection =
  | { kind: 'found'; reader: DateReader }
  /** Several formats read every value, differently (day and month never above 12): the user has to say which. */
  | { kind: 'ambiguous'; formats: string[]; example: string }
  /** No format reads every value; `best` reads the most of them (null when it reads none). */
  | { kind: 'none'; best: DateReader | null };

/** Picks the one format that reads every value of the column(s); a single date with a day above 12 settles d/M vs M/d. */
export function detectDateFormat(values: Iterable<string>): DateDetection {
  const distinct = [...new Set(values)];
  const counts = CANDIDATE_READERS.map((reader) => distinct.filter((v) => reader.read(v) !== null).length);
  const full = CANDIDATE_READERS.filter((_, i) => counts[i] === distinct.length);
  if (full.length === 0) {
    const most = Math.max(...counts);
    return { kind: 'none', best: most > 0 ? CANDIDATE_READERS[counts.indexOf(most)]! : null };
  }
  const first = full[0]!;
  const differing = full.filter((r) => distinct.some((v) => r.read(v) !== first.read(v)));
  if (differing.length === 0) return { kind: 'found', reader: first };
  const example = distinct.find((v) => differing.some((r) => r.read(v) !== first.read(v)))!;
  return { kind: 'ambiguous', formats: [first.format, ...differing.map((r) => r.format)], example };
}

interface Slots {
  year?: number;
  month?: number;
  day?: number;
  hour24?: number;
  hour12?: number;
  minute?: number;
  second?: number;
  ampm?: number;
  offset?: number;
}

type SlotName = 'year' | 'month' | 'day' | 'hour24' | 'hour12' | 'minute' | 'second' | 'ampm' | 'offset' | 'ignored';

/**
 * Compiles a .NET custom date pattern (what `--date-format` takes, as PowerShell's `Get-Culture` shows it) into a reader.
 * Supported: yyyy, M/MM, d/dd, H/HH, h/hh with tt, m/mm, s/ss, f/F fractions, zzz/K offsets, quoted or other literal
 * characters; whitespace matches any run of whitespace. Month and weekday names are not supported (PowerShell's
 * default formats use none). BAD_INPUT naming the pattern when it cannot be used.
 */
export function dateReader(format: string): DateReader {
  const slots: SlotName[] = [];
  let pattern = '';
  const bad = (why: string) => new StackmeterError('BAD_INPUT', `date format "${format}": ${why}`);
  for (let i = 0; i < format.length; ) {
    const ch = format[i]!;
    let run = 1;
    while (format[i + run] === ch) run++;
    if (ch === "'" || ch === '"') {
      const end = format.indexOf(ch, i + 1);
      if (end < 0) throw bad('a quoted literal is never closed');
      pattern += escape(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (ch === '\\' && i + 1 < format.length) {
      pattern += escape(format[i + 1]!);
      i += 2;
      continue;
    }
    const slot = slotOf(ch, run);
    if (slot === 'unsupported') throw bad(`"${ch.repeat(run)}" is not supported (use numbers: yyyy, M, d, H, h, m, s)`);
    if (slot === null) {
      pattern += /\s/.test(ch) ? '\\s+' : escape(ch.repeat(run));
    } else {
      if (slot.name !== 'ignored' && slots.includes(slot.name)) throw bad(`"${ch}" appears twice`);
      slots.push(slot.name);
      pattern += slot.regex;
    }
    i += run;
  }
  for (const [need, letter] of [['year', 'yyyy'], ['month', 'M'], ['day', 'd']] as const) {
    if (!slots.includes(need)) throw bad(`it has no ${letter}`);
  }
  if (slots.includes('hour12') !== slots.includes('ampm')) throw bad('h (12-hour clock) and tt (AM/PM) go together');
  const regex = new RegExp(`^${pattern}$`, 'i');
  return {
    format,
    read(text) {
      const m = regex.exec(text.trim());
      if (!m) return null;
      const s: Slots = {};
      for (let k = 0; k < slots.length; k++) {
        const name = slots[k]!;
        if (name === 'ignored') continue;
        const v = m[k + 1]!;
        if (name === 'ampm') s.ampm = /^p/i.test(v) ? 12 : 0;
        else if (name === 'offset') s.offset = offsetSeconds(v);
        else s[name] = Number(v);
      }
      return secondsOf(s);
    },
  };
}

function slotOf(ch: string, run: number): { name: SlotName; regex: string } | 'unsupported' | null {
  switch (ch) {
    case 'y':
      return run === 4 ? { name: 'year', regex: '(\\d{4})' } : 'unsupported';
    case 'M':
      return run <= 2 ? { name: 'month', regex: '(\\d{1,2})' } : 'unsupported';
    case 'd':
      return run <= 2 ? { name: 'day', regex: '(\\d{1,2})' } : 'unsupported';
    case 'H':
      return run <= 2 ? { name: 'hour24', regex: '(\\d{1,2})' } : 'unsupported';
    case 'h':
      return run <= 2 ? { name: 'hour12', regex: '(\\d{1,2})' } : 'unsupported';
    case 'm':
      return run <= 2 ? { name: 'minute', regex: '(\\d{1,2})' } : 'unsupported';
    case 's':
      return run <= 2 ? { name: 'second', regex: '(\\d{1,2})' } : 'unsupported';
    case 'f':
      return { name: 'ignored', regex: `(\\d{${run}})` };
    case 'F':
      return { name: 'ignored', regex: `(\\d{0,${run}})` };
    case 't':
      return run <= 2 ? { name: 'ampm', regex: '(AM|PM|A\\.M\\.|P\\.M\\.)' } : 'unsupported';
    case 'z':
    case 'K':
      return { name: 'offset', regex: '(Z|[+-]\\d{1,2}(?::?\\d{2})?)' };
    case 'g':
      return 'unsupported';
    default:
      return null;
  }
}

function offsetSeconds(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.length <= 2 ? digits : digits.slice(0, -2));
  const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
  return sign * (hours * 3600 + minutes * 60);
}

function secondsOf(s: Slots): number | null {
  const { year, month, day } = s;
  if (year === undefined || month === undefined || day === undefined) return null;
  let hour = s.hour24 ?? 0;
  if (s.hour12 !== undefined) {
    if (s.hour12 < 1 || s.hour12 > 12) return null;
    hour = (s.hour12 % 12) + (s.ampm ?? 0);
  }
  // The wire time parser checks the ranges and refuses days that do not exist (31.11.).
  const pad = (n: number) => String(n).padStart(2, '0');
  const utc = parseTime(`${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(s.minute ?? 0)}:${pad(s.second ?? 0)}Z`);
  return utc === null ? null : utc - (s.offset ?? 0);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
