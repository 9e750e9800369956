/**
 * The rating engine: rate cards, adjustments and the rating of usage, as pure functions (no database, no files, no
 * clock). Money and quantities are decimal strings in and out and RatingDecimal (decimal.js, 50 digits) inside; a JS
 * number never holds either.
 *
 * Modules
 * - ../../shared/rating.ts (re-exported here) the data: rate cards, versions, meter rates, adjustments, usage items,
 *                  rated and adjustment lines; plain types, so that the console shares them.
 * - currencies.ts  ISO 4217 currencies and their minor units; an unknown code is a clear error.
 * - decimal.ts     the RatingDecimal clone, strict parsing of decimal strings, rounding half-up or half-even.
 * - calendar.ts    UTC months and days: hours in a month, proration days, ISO dates and instants.
 * - conversion.ts  consumed unit → pricing unit: factor, real hours of the usage's month, or fixed hours per month.
 * - pricing.ts     block rounding and minimum quantity of an aggregate, then flat, graduated or volume tiers.
 * - split.ts       splitExactly (a total into proportional parts that add up exactly, largest remainder, ties to the
 *                  earlier part) and roundPreservingSum (round lines so that they add up to their rounded sum).
 * - validate.ts    every problem of a card, version or adjustment list as {path, message}, for inline display.
 * - versions.ts    the draft → published lifecycle (published versions are frozen; a new one must take effect after
 *                  the last), the version in effect at an instant, and the parts of a month each version prices.
 * - usage.ts       checks and adds up usage sums, resolves the version by the usage's start, converts, aggregates per
 *                  subscription or tenant and month, prices, rounds (per line, or once per tenant and month) and splits
 *                  each aggregate's amount across its lines by quantity.
 * - adjustments.ts applies adjustments month by month in ADJUSTMENT_ORDER.
 * - statement.ts   rateStatement: validation, rating, adjustments and totals in one call.
 *
 * Adjustment order (ADJUSTMENT_ORDER, printed on statements):
 *   0 price overrides (used while rating usage; the most specific scope wins), 1 markups, 2 discounts (both on the
 *   rated usage, not compounded), 3 recurring fees (prorated by days), 4 one-time fees, 5 minimum monthly charge
 *   true-ups, 6 credits (capped at the charges so far), 7 taxes (on the charges after credits, never on each other).
 *
 * Guarantees: every line carries the rate card ID and version, the unit price or tiers, and the conversion used;
 * unrated usage is a line with status 'unrated' and no amount, never a zero charge; lines add up to every total (per
 * month, tenant, subscription and meter); the output does not depend on the order of the input.
 */
export { ADJUSTMENT_ORDER } from './adjustments.ts';
export { CURRENCIES, currencyMinorUnits, findCurrency, type CurrencyInfo } from './currencies.ts';
export { conversionDivisor, convertQuantity } from './conversion.ts';
export { isDecimalText, RatingDecimal } from './decimal.ts';
export { billableQuantity, priceGraduated, priceQuantity, priceVolume } from './pricing.ts';
export { roundPreservingSum, splitExactly } from './split.ts';
export { rateStatement } from './statement.ts';
export {
  validateAdjustments, validateRateCard, validateRateCardForRating, validateRateCardVersion,
} from './validate.ts';
export {
  addDraftVersion, publishedVersions, publishVersion, updateDraftVersion, versionInEffect, versionSegments,
} from './versions.ts';
export type * from '../../shared/rating.ts';
