import { StackmeterError } from '../../shared/result.ts';
import { isDecimalText, RatingDecimal } from '../rating/index.ts';
import { parseDate } from '../rating/calendar.ts';
import type { CapacityPeriod } from './types.ts';

// Checked reading of the capacity model's inputs: every bad value is an INVALID_ARGUMENT naming its field.

export type Dec = InstanceType<typeof RatingDecimal>;

export const DAY_MS = 86_400_000;

export function invalid(message: string): StackmeterError {
  return new StackmeterError('INVALID_ARGUMENT', message);
}

/** A decimal string that is not negative (zero allowed). */
export function nonNegative(text: unknown, path: string): Dec {
  if (!isDecimalText(text)) {
    throw invalid(`${path} must be a decimal number written as text (e.g. "12.5"), not ${JSON.stringify(text)}.`);
  }
  const value = new RatingDecimal(text);
  if (value.isNegative() && !value.isZero()) throw invalid(`${path} must not be negative, not ${text}.`);
  return value;
}

/** A decimal string above zero. */
export function positive(text: unknown, path: string): Dec {
  const value = nonNegative(text, path);
  if (value.isZero()) throw invalid(`${path} must be above zero.`);
  return value;
}

export function wholeCores(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(`${path} must be a whole number of cores above zero, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Start (inclusive) and end (exclusive) of a period as UTC day numbers since the epoch; to must be after from. */
export function periodDays(period: CapacityPeriod, path: string): { from: number; to: number } {
  const from = parseDate(period.from, `${path}.from`) / DAY_MS;
  const to = parseDate(period.to, `${path}.to`) / DAY_MS;
  if (to <= from) throw invalid(`${path}.to (${period.to}) must be after ${path}.from (${period.from}).`);
  return { from, to };
}

/** A result value as text: plain notation, never "-0". */
export function text(value: Dec): string {
  return value.isZero() ? '0' : value.toString();
}

/** An amount with exactly `minorUnits` decimals ('12.30'). */
export function money(value: Dec, minorUnits: number): string {
  return (value.isZero() ? new RatingDecimal(0) : value).toFixed(minorUnits);
}
