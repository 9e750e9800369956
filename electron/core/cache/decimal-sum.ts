import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { addDecimalTexts } from './exact-decimal.ts';

// Additions are exact as long as the precision covers every digit of the result; decimal.js only spends work on the
// digits a number really has, so a generous cap costs nothing. Plain notation keeps results like 0.00001 readable.
export const Exact = Decimal.clone({ precision: 1000, toExpNeg: -1000, toExpPos: 1000 });

/**
 * Registers `decimal_sum(text)`: the exact sum of decimal strings (the cache's quantity_text), as a decimal string.
 * NULL for no rows, like SUM. NULL inputs are skipped.
 */
export function registerDecimalSum(db: Database.Database): void {
  db.aggregate('decimal_sum', {
    start: () => null,
    step: (total: Decimal | null, value: unknown) => {
      if (value === null || value === undefined) return total;
      const n = new Exact(value as string | number);
      return total === null ? n : total.plus(n);
    },
    result: (total: Decimal | null) => (total === null ? null : total.toString()),
    deterministic: true,
  });
  // The exact sum of two decimal strings; the daily rollup adds each page's difference to its stored total with it.
  db.function('decimal_add', { deterministic: true }, (a: unknown, b: unknown) =>
    addDecimalTexts(a as string, b as string));
}
