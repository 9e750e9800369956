import { Decimal } from 'decimal.js';
import { StackmeterError } from '../../shared/result.ts';
import { RatingDecimal, roundTo, type Dec } from './decimal.ts';
import type { RoundingMode } from '../../shared/rating.ts';

// Largest-remainder apportionment in exact integer arithmetic. Amounts are scaled to integers (minor units, or finer
// for the remainders), so that which part gets the leftover minor unit is decided by exact comparisons, never by a
// quotient cut at some precision. The integers can be long (a 50-digit weight times a total), hence a clone with room
// for them; only integer multiplication, addition and integer division are done with it, which are exact.
const Exact = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_FLOOR, toExpNeg: -1000, toExpPos: 1000 });

interface Share {
  /** floor(part), in units of the target scale. */
  whole: Dec;
  /** What floor cut off, as a numerator over a denominator common to all shares: compared to pick the bonus units. */
  remainder: Dec;
}

/**
 * Hands out `units` extra units to the shares with the largest remainders (ties: the earlier share first), so that the
 * parts add up to the target. Every receiver has a remainder above zero, so no part moves a whole unit from its exact
 * value.
 */
function distribute(shares: Share[], units: Dec): Dec[] {
  const order = shares.map((_, index) => index).sort((a, b) => {
    const byRemainder = shares[b].remainder.comparedTo(shares[a].remainder);
    return byRemainder !== 0 ? byRemainder : a - b;
  });
  const bonus = new Set(order.slice(0, units.toNumber()));
  return shares.map((share, index) => (bonus.has(index) ? share.whole.plus(1) : share.whole));
}

function scaleOf(values: readonly Dec[]): number {
  return values.reduce((max, value) => Math.max(max, value.decimalPlaces()), 0);
}

function toExact(value: Dec | string): Decimal {
  return new Exact(value);
}

/**
 * Splits `total` (a whole number of minor units) into parts proportional to `weights`, each a whole number of minor
 * units, that add up to exactly `total`; each part is less than one minor unit away from its exact share. The parts
 * take floor(exact share) and the leftover minor units go to the largest remainders, ties to the earlier weight, so
 * the caller's order of weights makes the result deterministic. Weights must not be negative; when they are all zero,
 * the total is split evenly.
 */
export function splitExactly(total: Dec | string, weights: readonly (Dec | string)[], minorUnits: number): Dec[] {
  if (weights.length === 0) throw new StackmeterError('INVALID_ARGUMENT', 'Cannot split an amount into no parts.');
  const unit = new Exact(10).pow(minorUnits);
  const totalUnits = toExact(total).times(unit);
  if (!totalUnits.isInteger()) {
    throw new StackmeterError('INVALID_ARGUMENT',
      `Cannot split ${total.toString()} exactly: it is not a whole number of minor units (${minorUnits} decimals).`);
  }
  let values = weights.map(toExact);
  if (values.some((w) => w.isNegative() && !w.isZero())) {
    throw new StackmeterError('INVALID_ARGUMENT', 'Split weights must not be negative.');
  }
  if (values.length === 1) return [new RatingDecimal(total)]; // the common case: an aggregate of one line
  if (values.every((w) => w.isZero())) values = values.map(() => new Exact(1));
  const scale = new Exact(10).pow(scaleOf(values));
  const scaled = values.map((w) => w.times(scale));
  const denominator = scaled.reduce((a, b) => a.plus(b));
  // Work with the magnitude and give the parts the total's sign back, so that floor and remainders mean the same thing
  // for a credit as for a charge.
  const magnitude = totalUnits.abs();
  const shares = scaled.map((w) => {
    const numerator = magnitude.times(w);
    return { whole: numerator.divToInt(denominator), remainder: numerator.mod(denominator) };
  });
  const leftover = magnitude.minus(shares.reduce((a, s) => a.plus(s.whole), new Exact(0)));
  const sign = totalUnits.isNegative() ? -1 : 1;
  return distribute(shares, leftover).map((part) => new RatingDecimal(part.times(sign).div(unit)));
}

/**
 * Rounds each amount to minor units so that the parts add up to the rounded sum of the exact amounts (rounded with
 * `mode`): how a total rounded once is shown as lines. Each part is less than one minor unit from its exact amount;
 * amounts may have either sign.
 */
export function roundPreservingSum(amounts: readonly Dec[], minorUnits: number, mode: RoundingMode): Dec[] {
  if (amounts.length === 0) return [];
  // Summed in the wide clone: 50-digit amounts of different sizes can need more digits than RatingDecimal keeps.
  const target = roundTo(amounts.map(toExact).reduce((a, b) => a.plus(b)), minorUnits, mode);
  const places = Math.max(scaleOf(amounts), minorUnits);
  const scale = new Exact(10).pow(places);
  const perUnit = new Exact(10).pow(places - minorUnits);
  const shares = amounts.map((amount) => {
    const scaled = toExact(amount).times(scale);
    // floor towards minus infinity, so that every remainder is between 0 and perUnit, whatever the sign.
    const whole = scaled.div(perUnit).floor();
    return { whole, remainder: scaled.minus(whole.times(perUnit)) };
  });
  const targetUnits = toExact(target).times(new Exact(10).pow(minorUnits));
  const leftover = targetUnits.minus(shares.reduce((a, s) => a.plus(s.whole), new Exact(0)));
  const unit = new Exact(10).pow(minorUnits);
  return distribute(shares, leftover).map((part) => new RatingDecimal(part.div(unit)));
}
