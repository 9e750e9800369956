/**
 * An exact decimal as an integer and a count of fraction digits: 12.345 is { units: 12345n, scale: 3 }. The usage writer
 * adds every record's quantity into its day's rollup with these, because BigInt addition of short decimals costs about
 * a quarter of decimal.js's on the ingest hot path.
 */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal string (JSON number text, exponent forms included); throws on anything else. */
export function parseScaled(text: string): ScaledDecimal {
  const m = NUMBER.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`"${text}" is not a decimal number`);
  const fraction = m[3] ?? '';
  let digits = m[2] + fraction;
  let scale = fraction.length - (m[4] === undefined ? 0 : Number(m[4]));
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits);
  return { units: m[1] === '-' ? -units : units, scale };
}

/** a + b, exactly. */
export function addScaled(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  if (a.scale === b.scale) return { units: a.units + b.units, scale: a.scale };
  return a.scale > b.scale
    ? { units: a.units + b.units * 10n ** BigInt(a.scale - b.scale), scale: a.scale }
    : { units: a.units * 10n ** BigInt(b.scale - a.scale) + b.units, scale: b.scale };
}

export function negateScaled(a: ScaledDecimal): ScaledDecimal {
  return { units: -a.units, scale: a.scale };
}

/** Plain notation without trailing fraction zeros, as decimal_sum writes it (e.g. "-0.5", "12", "0.000001"). */
export function formatScaled(a: ScaledDecimal): string {
  const negative = a.units < 0n;
  let digits = (negative ? -a.units : a.units).toString();
  let scale = a.scale;
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (digits === '0') return '0';
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** The exact sum of two decimal strings, formatted as formatScaled does. */
export function addDecimalTexts(a: string, b: string): string {
  return formatScaled(addScaled(parseScaled(a), parseScaled(b)));
}
