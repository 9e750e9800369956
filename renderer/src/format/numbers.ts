/**
 * Number formatting for the console. Counts are plain integers; quantities arrive as exact decimal strings from the core
 * and are formatted digit by digit (grouping the integer part, keeping every decimal) so that display never rounds them.
 */

/** The user's locale, as the browser reports it; undefined lets Intl pick its default. */
export function userLocale(): string | undefined {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : undefined;
}

export function formatCount(value: number, locale = userLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** `1 record`, `12,345 records`, in the user's locale. */
export function countText(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

export function formatRate(value: number, locale = userLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export function formatPercent(value: number, locale = userLocale()): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export interface DecimalParts {
  negative: boolean;
  /** Digits before the point, without leading zeros ('0' for none). */
  integer: string;
  /** Digits after the point, without trailing zeros. */
  fraction: string;
}

/** Splits a decimal string (plain or exponent notation, as decimal.js may print it) into exact digit strings. */
export function parseDecimal(value: string): DecimalParts | null {
  const match = DECIMAL.exec(value.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  let digits = (match[2] ?? '') + (match[3] ?? '');
  let point = (match[2] ?? '').length + Number(match[4] ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits = digits + '0'.repeat(point - digits.length);
  }
  const integer = digits.slice(0, point).replace(/^0+/, '') || '0';
  const fraction = digits.slice(point).replace(/0+$/, '');
  const negative = match[1] === '-' && (integer !== '0' || fraction !== '');
  return { negative, integer, fraction };
}

/**
 * Formats an exact decimal string in the user's locale without losing digits: the integer part is grouped with
 * Intl.NumberFormat (through BigInt, which is exact at any size) and the decimals are kept as they are, behind the
 * locale's decimal separator. A string that is not a decimal is returned unchanged rather than hidden.
 */
export function formatDecimalString(value: string, locale = userLocale()): string {
  const parts = parseDecimal(value);
  return parts ? formatDecimalParts(parts, locale) : value;
}

/** Decimal digits in the user's locale: the integer part grouped through BigInt, the decimals kept as they are. */
export function formatDecimalParts({ negative, integer, fraction }: DecimalParts, locale = userLocale()): string {
  const format = new Intl.NumberFormat(locale, { useGrouping: true });
  const grouped = format.format(BigInt(integer));
  const separator = format.formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return `${negative ? '-' : ''}${grouped}${fraction ? `${separator}${fraction}` : ''}`;
}

/** Orders two decimal strings exactly (for sorting grid columns), without converting them to floats. */
export function compareDecimalStrings(a: string, b: string): number {
  const pa = parseDecimal(a);
  const pb = parseDecimal(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const direction = pa.negative ? -1 : 1;
  if (pa.integer.length !== pb.integer.length) return direction * (pa.integer.length - pb.integer.length);
  if (pa.integer !== pb.integer) return direction * (pa.integer < pb.integer ? -1 : 1);
  const width = Math.max(pa.fraction.length, pb.fraction.length);
  const fa = pa.fraction.padEnd(width, '0');
  const fb = pb.fraction.padEnd(width, '0');
  return fa === fb ? 0 : direction * (fa < fb ? -1 : 1);
}
