import { hoursInMonth } from './calendar.ts';
import { RatingDecimal, type Dec } from './decimal.ts';
import type { Conversion } from '../../shared/rating.ts';

/** What a quantity in the consumed unit is divided by to be in the pricing unit, for usage in `month` (YYYY-MM). */
export function conversionDivisor(conversion: Conversion, month: string): Dec {
  switch (conversion.kind) {
    case 'none': return new RatingDecimal(1);
    case 'factor': return new RatingDecimal(conversion.divisor);
    case 'hours-of-month': return new RatingDecimal(hoursInMonth(month));
    case 'fixed-hours': return new RatingDecimal(conversion.hoursPerMonth);
  }
}

/** The quantity in pricing units, and the divisor used (printed on the line so that it can be checked). */
export function convertQuantity(quantity: Dec, conversion: Conversion, month: string):
{ converted: Dec; divisor: Dec } {
  const divisor = conversionDivisor(conversion, month);
  return { converted: quantity.div(divisor), divisor };
}

/** Units are compared without case and spacing differences ('GB*Hours' and 'gb * hours' are the same unit). */
export function sameUnit(a: string, b: string): boolean {
  const normal = (unit: string): string => unit.toLowerCase().replace(/\s+/g, '');
  return normal(a) === normal(b);
}
