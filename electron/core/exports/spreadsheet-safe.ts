import { formatScaled, parseScaled } from '../cache/exact-decimal.ts';

/** A plain decimal number: an optional minus, digits, an optional fraction. What quantities and counts look like. */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Characters that make a spreadsheet read a cell as a formula (or, tab and CR, hide one behind a blank). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}

/**
 * A text cell a spreadsheet will not run: one starting like a formula gets a leading apostrophe (OWASP's advice for
 * CSV injection), so a tag value or resource group such as `=HYPERLINK(...)` shows as text instead of acting. A plain
 * decimal number such as `-0.5` is data, not a formula, and stays as it is.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !isPlainDecimal(text) ? `'${text}` : text;
}

/** The text neutraliseFormula was given: the apostrophe it put before formula-like text removed (for re-import). */
export function restoreFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** One CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 and Excel expect. */
export function csvRecord(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * Whether a decimal text survives a trip through a spreadsheet number (an IEEE double) unchanged: the double read from
 * it prints back as the same decimal. 0.1 does; 26585.555691456838 (17 significant digits) does not, and a
 * spreadsheet would silently show and sum a different value.
 */
export function survivesDouble(text: string): boolean {
  if (!isPlainDecimal(text)) return false;
  const n = Number(text);
  return Number.isFinite(n) && formatScaled(parseScaled(String(n))) === formatScaled(parseScaled(text));
}
