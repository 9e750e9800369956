import { Decimal } from 'decimal.js';
import { StackmeterError } from '../../shared/result.ts';
import type { RoundingMode } from '../../shared/rating.ts';

/**
 * The rating engine's own Decimal: 50 significant digits, so that sums of quantities and prices are exact for any real
 * data, and only divisions that never end (a quantity over the 744 hours of a month) are cut, 40 digits below a cent.
 * Plain notation in toString, so that quantities are never written as 1e-7. A clone leaves decimal.js's global
 * settings alone for every other user of the library.
 */
export const RatingDecimal = Decimal.clone({
  precision: 50,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -1000,
  toExpPos: 1000,
});

/** An instance of RatingDecimal (a clone's instances have decimal.js's instance type). */
export type Dec = Decimal;

export const ZERO: Dec = new RatingDecimal(0);

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True for a decimal number written out in text ('12', '-0.5', '1.25e-3'); false for '', 'NaN', '1,5', ' 2'. */
export function isDecimalText(text: unknown): text is string {
  return typeof text === 'string' && DECIMAL_TEXT.test(text);
}

/** The exact value of a decimal string; a clear error naming `path` when it is not one. */
export function parseDecimal(text: unknown, path: string): Dec {
  if (!isDecimalText(text)) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `${path} must be a decimal number written as text (e.g. "12.5"), not ${JSON.stringify(text)}.`);
  }
  return new RatingDecimal(text);
}

/** Rounds to a number of decimal places with the card's rounding mode. */
export function roundTo(value: Dec, places: number, mode: RoundingMode): Dec {
  return value.toDecimalPlaces(places, mode === 'half-up' ? Decimal.ROUND_HALF_UP : Decimal.ROUND_HALF_EVEN);
}

/** An amount in minor units of a currency, written with exactly that many decimals ('12.30', '1500', '0.125'). */
export function formatAmount(value: Dec, minorUnits: number): string {
  // toFixed with a value that is already rounded only pads; normalise -0 so that zero never prints as "-0.00".
  return (value.isZero() ? ZERO : value).toFixed(minorUnits);
}

/** A quantity or a full-precision amount: plain notation, no trailing zeros, never "-0". */
export function formatDecimal(value: Dec): string {
  return value.isZero() ? '0' : value.toString();
}
