import { type DecimalParts, formatDecimalParts, parseDecimal, userLocale } from './numbers.ts';

/**
 * Money as the console shows it. Amounts arrive from the core as decimal strings already rounded to the currency's
 * minor unit ('1234.50'); they are formatted digit by digit (the integer part grouped through BigInt), never through a
 * JS number, so that what is shown is what the statement holds to the last cent. Unit prices keep every digit they
 * were written with (0.0036 per 10,000 requests). An unrated amount (null) reads "unrated": not charged, and not
 * charged at zero either.
 */

/** What an unrated line or row shows instead of an amount. */
export const UNRATED_TEXT = 'unrated';

/** A plain decimal as written ('1234.50'): its digits are kept, trailing zeros included. */
const PLAIN_DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

/** The sign and digits of a decimal string, keeping the decimals it was written with (exponent forms normalised). */
function digitsOf(amount: string): DecimalParts | null {
  const plain = PLAIN_DECIMAL.exec(amount.trim());
  if (!plain) return parseDecimal(amount);
  const integer = (plain[2] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = plain[3] ?? '';
  return { negative: plain[1] === '-' && /[1-9]/.test(integer + fraction), integer, fraction };
}

/**
 * An amount in the user's locale with exactly the currency's minor units: missing decimals are padded ('12.5' with 2 →
 * '12.50'), digits beyond them are kept rather than rounded away (a full-precision amount shows as it is), and a zero
 * never reads '-0.00'. Without `minorUnits` the decimals are shown as the core wrote them. A string that is not a
 * decimal is returned unchanged.
 */
export function formatAmount(amount: string, minorUnits?: number, locale = userLocale()): string {
  const parts = digitsOf(amount);
  if (!parts) return amount;
  const fraction = minorUnits === undefined ? parts.fraction : parts.fraction.padEnd(minorUnits, '0');
  return formatDecimalParts({ ...parts, fraction }, locale);
}

/** An amount followed by its currency code ('1,234.50 USD'); null reads "unrated". */
export function formatMoney(amount: string | null, currency: string, minorUnits?: number,
  locale = userLocale()): string {
  if (amount === null) return UNRATED_TEXT;
  return `${formatAmount(amount, minorUnits, locale)} ${currency}`;
}

/** A unit price or tier bound exactly as written, grouped ('0.0036', '10,240'); empty for null. */
export function formatPrice(price: string | null, locale = userLocale()): string {
  return price === null ? '' : formatAmount(price, undefined, locale);
}

/** A signed percentage as the core computed it ('12.50' → '+12.50 %'); null (no base to compare with) → '—'. */
export function formatPercentText(percent: string | null, locale = userLocale()): string {
  if (percent === null) return '—';
  const parts = digitsOf(percent);
  if (!parts) return percent;
  const zero = /^0*$/.test(parts.integer + parts.fraction);
  return `${zero || parts.negative ? '' : '+'}${formatAmount(percent, undefined, locale)} %`;
}

/**
 * The exact sum of decimal strings (BigInt over a common scale, so no float ever holds a digit), with as many decimals
 * as the widest input ('10.00' + '-12.50' = '-2.50'); text that is not a decimal counts as zero.
 */
export function sumAmounts(amounts: readonly string[]): string {
  const parts = amounts.map((a) => digitsOf(a)).filter((p) => p !== null);
  const scale = Math.max(0, ...parts.map((p) => p.fraction.length));
  let total = 0n;
  for (const p of parts) {
    const digits = BigInt(p.integer + p.fraction.padEnd(scale, '0'));
    total += p.negative ? -digits : digits;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}

/** Whether a decimal string is below zero (a credit, a discount), for colouring; false for anything else. */
export function isNegativeAmount(amount: string | null): boolean {
  return amount !== null && parseDecimal(amount)?.negative === true;
}

/** The first characters of a SHA-256 hash, enough to tell statements apart at a glance; the full one goes in a title. */
export function shortHash(hash: string | null, length = 12): string {
  return hash === null ? '' : hash.slice(0, length);
}
