import { meterMatchKey } from '../meters/catalog.ts';
import { isDateText, isInstantText } from './calendar.ts';
import { sameUnit } from './conversion.ts';
import { findCurrency } from './currencies.ts';
import { isDecimalText, RatingDecimal } from './decimal.ts';
import type {
  Adjustment, MeterRate, RateCard, RateCardVersion, Tier, ValidationProblem,
} from '../../shared/rating.ts';

// Validation returns every problem at once, each with the path of its field, so that an editor can mark them all
// inline. The checks are written against what arrives at run time (a form, a file, IPC), not only against the types.

type Problems = ValidationProblem[];

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

interface Range {
  /** 'zero': must be >= 0; 'positive': must be > 0. */
  min: 'zero' | 'positive';
  max?: string;
}

/** Checks a decimal string field; returns it parsed when valid so that callers can compare it with others. */
function checkDecimal(problems: Problems, path: string, value: unknown, range: Range) {
  if (!isDecimalText(value)) {
    problems.push({ path, message: `Enter a number written as text, such as "12.5" (got ${JSON.stringify(value)}).` });
    return null;
  }
  const number = new RatingDecimal(value);
  if (range.min === 'zero' && number.isNegative() && !number.isZero()) {
    problems.push({ path, message: `Must not be negative (got ${value}).` });
  } else if (range.min === 'positive' && number.lte(0)) {
    problems.push({ path, message: `Must be above zero (got ${value}).` });
  } else if (range.max !== undefined && number.gt(range.max)) {
    problems.push({ path, message: `Must be at most ${range.max} (got ${value}).` });
  }
  return number;
}

function checkTiers(problems: Problems, path: string, tiers: unknown): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    problems.push({ path, message: 'Tiered pricing needs at least one tier.' });
    return;
  }
  (tiers as Tier[]).forEach((tier, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(tier)) {
      problems.push({ path: at, message: 'A tier needs from, to and unitPrice.' });
      return;
    }
    const from = checkDecimal(problems, `${at}.from`, tier.from, { min: 'zero' });
    const to = tier.to === null ? null : checkDecimal(problems, `${at}.to`, tier.to, { min: 'zero' });
    checkDecimal(problems, `${at}.unitPrice`, tier.unitPrice, { min: 'zero' });
    if (from && to && to.lte(from)) {
      problems.push({ path: `${at}.to`, message: `The tier must end above where it starts (${tier.from}).` });
    }
    if (index === 0) {
      if (from && !from.isZero()) problems.push({ path: `${at}.from`, message: 'The first tier must start at 0.' });
      return;
    }
    const previous = tiers[index - 1] as Tier;
    if (!isRecord(previous) || !from) return;
    if (previous.to === null) {
      problems.push({
        path: `${path}[${index - 1}].to`,
        message: `Only the last tier can be open-ended; tier ${index} is followed by tier ${index + 1}.`,
      });
    } else if (isDecimalText(previous.to)) {
      if (from.gt(previous.to)) {
        problems.push({
          path: `${at}.from`,
          message: `Gap: tier ${index + 1} starts at ${tier.from} but tier ${index} ends at ${previous.to}; `
            + 'a tier must start where the previous one ends.',
        });
      } else if (from.lt(previous.to)) {
        problems.push({
          path: `${at}.from`,
          message: `Overlap: tier ${index + 1} starts at ${tier.from}, inside tier ${index} (which ends at `
            + `${previous.to}); a tier must start where the previous one ends.`,
        });
      }
    }
  });
  const last = tiers[tiers.length - 1] as Tier;
  if (isRecord(last) && last.to !== null) {
    problems.push({
      path: `${path}[${tiers.length - 1}].to`,
      message: 'The last tier must be open-ended (no upper bound), so that every quantity has a price.',
    });
  }
}

function checkConversion(problems: Problems, path: string, meter: MeterRate): void {
  const conversion: unknown = meter.conversion;
  if (!isRecord(conversion)) {
    problems.push({
      path, message: 'Choose a conversion (none, factor, hours of the month or fixed hours per month).',
    });
    return;
  }
  switch (conversion.kind) {
    case 'none':
      if (isText(meter.consumedUnit) && isText(meter.pricingUnit) && !sameUnit(meter.consumedUnit, meter.pricingUnit)) {
        problems.push({
          path,
          message: `Usage in ${meter.consumedUnit} must be converted to ${meter.pricingUnit}: choose a factor, the `
            + 'hours of the month or a fixed number of hours per month.',
        });
      }
      return;
    case 'factor':
      checkDecimal(problems, `${path}.divisor`, conversion.divisor, { min: 'positive' });
      return;
    case 'hours-of-month':
      return;
    case 'fixed-hours':
      checkDecimal(problems, `${path}.hoursPerMonth`, conversion.hoursPerMonth, { min: 'positive' });
      return;
    default:
      problems.push({
        path: `${path}.kind`,
        message: `Unknown conversion ${JSON.stringify(conversion.kind)}; use none, factor, hours-of-month or `
          + 'fixed-hours.',
      });
  }
}

function checkPricing(problems: Problems, path: string, pricing: unknown): void {
  if (pricing === null) return; // listed without a price: its usage is unrated, which the statement shows
  if (!isRecord(pricing)) {
    problems.push({ path, message: 'Pricing must be free, flat, graduated or volume, or left empty (unrated).' });
    return;
  }
  switch (pricing.kind) {
    case 'free':
      return;
    case 'flat':
      checkDecimal(problems, `${path}.unitPrice`, pricing.unitPrice, { min: 'zero' });
      return;
    case 'graduated':
    case 'volume':
      checkTiers(problems, `${path}.tiers`, pricing.tiers);
      return;
    default:
      problems.push({
        path: `${path}.kind`,
        message: `Unknown pricing ${JSON.stringify(pricing.kind)}; use free, flat, graduated or volume.`,
      });
  }
}

function checkMeter(problems: Problems, path: string, meter: MeterRate): void {
  if (!isText(meter.meterId)) problems.push({ path: `${path}.meterId`, message: 'Enter the meter ID.' });
  if (!isText(meter.consumedUnit)) {
    problems.push({ path: `${path}.consumedUnit`, message: 'Enter the unit usage arrives in (e.g. GB*hours).' });
  }
  if (!isText(meter.pricingUnit)) {
    problems.push({ path: `${path}.pricingUnit`, message: 'Enter the unit the price is per (e.g. GB*month).' });
  }
  checkConversion(problems, `${path}.conversion`, meter);
  checkPricing(problems, `${path}.pricing`, meter.pricing);
  if (meter.aggregation !== 'subscription' && meter.aggregation !== 'tenant') {
    problems.push({
      path: `${path}.aggregation`,
      message: 'Choose whose usage is added up before tiers, blocks and minimums: subscription or tenant.',
    });
  }
  if (meter.minimumQuantity !== undefined) {
    checkDecimal(problems, `${path}.minimumQuantity`, meter.minimumQuantity, { min: 'positive' });
  }
  if (meter.blockSize !== undefined) checkDecimal(problems, `${path}.blockSize`, meter.blockSize, { min: 'positive' });
}

/** Every problem of one version; paths relative to it ('effectiveFrom', 'meters[2].pricing.tiers[0].from'). */
export function validateRateCardVersion(version: RateCardVersion): ValidationProblem[] {
  const problems: Problems = [];
  if (!Number.isInteger(version.version) || version.version < 1) {
    problems.push({ path: 'version', message: 'The version number must be a whole number from 1.' });
  }
  if (!isDateText(version.effectiveFrom)) {
    problems.push({
      path: 'effectiveFrom',
      message: `Enter the effective date as YYYY-MM-DD (got ${JSON.stringify(version.effectiveFrom)}).`,
    });
  }
  if (version.status === 'published') {
    if (!isInstantText(version.publishedAt)) {
      problems.push({ path: 'publishedAt', message: 'A published version needs its publication time (ISO 8601).' });
    }
  } else if (version.status === 'draft') {
    if (version.publishedAt !== null) {
      problems.push({ path: 'publishedAt', message: 'A draft has no publication time.' });
    }
  } else {
    problems.push({ path: 'status', message: 'The status must be draft or published.' });
  }
  if (!Array.isArray(version.meters)) {
    problems.push({ path: 'meters', message: 'The version needs a list of meters.' });
    return problems;
  }
  const seen = new Map<string, number>();
  version.meters.forEach((meter, index) => {
    const path = `meters[${index}]`;
    if (!isRecord(meter)) {
      problems.push({ path, message: 'A meter needs an ID, units, a conversion and pricing.' });
      return;
    }
    checkMeter(problems, path, meter);
    if (!isText(meter.meterId)) return;
    const key = meterMatchKey(meter.meterId);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
    } else {
      problems.push({
        path: `${path}.meterId`,
        message: `Meter ${meter.meterId} is already on this version (meters[${first}]); a meter has one price.`,
      });
    }
  });
  return problems;
}

function cardProblems(card: RateCard, includeDrafts: boolean): ValidationProblem[] {
  const problems: Problems = [];
  if (!isText(card.id)) problems.push({ path: 'id', message: 'The rate card needs an ID.' });
  if (!isText(card.name)) problems.push({ path: 'name', message: 'Give the rate card a name.' });
  if (!findCurrency(card.currency)) {
    problems.push({
      path: 'currency',
      message: `${JSON.stringify(card.currency)} is not an ISO 4217 currency code; use an upper-case code such as EUR, `
        + 'USD or JPY.',
    });
  }
  if (!isRecord(card.rounding) || (card.rounding.mode !== 'half-up' && card.rounding.mode !== 'half-even')) {
    problems.push({ path: 'rounding.mode', message: 'Choose the rounding mode: half-up or half-even.' });
  }
  if (!isRecord(card.rounding) || (card.rounding.point !== 'line' && card.rounding.point !== 'statement')) {
    problems.push({ path: 'rounding.point', message: 'Choose where amounts are rounded: per line or per statement.' });
  }
  if (!Array.isArray(card.versions)) {
    problems.push({ path: 'versions', message: 'The rate card needs a list of versions.' });
    return problems;
  }
  const numbers = new Map<number, number>();
  const published = new Map<string, number>();
  card.versions.forEach((version, index) => {
    const prefix = `versions[${index}]`;
    if (!isRecord(version)) {
      problems.push({ path: prefix, message: 'A version needs a number, an effective date and meters.' });
      return;
    }
    if (!includeDrafts && version.status === 'draft') return;
    for (const problem of validateRateCardVersion(version)) {
      problems.push({ path: `${prefix}.${problem.path}`, message: problem.message });
    }
    const sameNumber = numbers.get(version.version);
    if (sameNumber !== undefined) {
      problems.push({
        path: `${prefix}.version`,
        message: `Version ${version.version} already exists (versions[${sameNumber}]).`,
      });
    } else {
      numbers.set(version.version, index);
    }
    if (version.status !== 'published') return;
    const sameDate = published.get(version.effectiveFrom);
    if (sameDate !== undefined) {
      problems.push({
        path: `${prefix}.effectiveFrom`,
        message: `Published version at versions[${sameDate}] already takes effect on ${version.effectiveFrom}.`,
      });
    } else {
      published.set(version.effectiveFrom, index);
    }
  });
  return problems;
}

/** Every problem of a rate card and all its versions, drafts included (paths like 'versions[1].meters[0]'). */
export function validateRateCard(card: RateCard): ValidationProblem[] {
  return cardProblems(card, true);
}

/**
 * The problems that stop a card from rating usage: its settings and its published versions (drafts may be unfinished).
 */
export function validateRateCardForRating(card: RateCard): ValidationProblem[] {
  return cardProblems(card, false);
}

function checkScope(problems: Problems, path: string, scope: unknown): void {
  if (!isRecord(scope)) {
    problems.push({
      path, message: 'Choose who the adjustment applies to: all, a tenant, a subscription or an offer.',
    });
    return;
  }
  const field = { tenant: 'tenantId', subscription: 'subscriptionId', offer: 'offerId' }[String(scope.kind)];
  if (scope.kind === 'all') return;
  if (field === undefined) {
    problems.push({ path: `${path}.kind`, message: 'The scope must be all, tenant, subscription or offer.' });
  } else if (!isText(scope[field])) {
    problems.push({ path: `${path}.${field}`, message: `Enter the ${scope.kind} the adjustment applies to.` });
  }
}

function scopeKey(scope: Adjustment['scope']): string {
  switch (scope.kind) {
    case 'all': return 'all';
    case 'tenant': return `tenant:${scope.tenantId}`;
    case 'subscription': return `subscription:${scope.subscriptionId}`;
    case 'offer': return `offer:${scope.offerId}`;
  }
}

/** Every problem of a list of adjustments; paths start with `prefix` ('adjustments[3].percent'). */
export function validateAdjustments(adjustments: readonly Adjustment[], prefix = 'adjustments'): ValidationProblem[] {
  const problems: Problems = [];
  const ids = new Map<string, number>();
  const overrides = new Map<string, number>();
  adjustments.forEach((adjustment, index) => {
    const at = `${prefix}[${index}]`;
    if (!isRecord(adjustment)) {
      problems.push({ path: at, message: 'An adjustment needs an id, a type and a scope.' });
      return;
    }
    if (!isText(adjustment.id)) {
      problems.push({ path: `${at}.id`, message: 'The adjustment needs an ID.' });
    } else if (ids.has(adjustment.id)) {
      problems.push({
        path: `${at}.id`, message: `ID ${adjustment.id} is already used by ${prefix}[${ids.get(adjustment.id)}].`,
      });
    } else {
      ids.set(adjustment.id, index);
    }
    if (typeof adjustment.label !== 'string') {
      problems.push({ path: `${at}.label`, message: 'The label must be text.' });
    }
    checkScope(problems, `${at}.scope`, adjustment.scope);
    switch (adjustment.type) {
      case 'price-override': {
        checkDecimal(problems, `${at}.unitPrice`, adjustment.unitPrice, { min: 'zero' });
        if (!isText(adjustment.meterId)) {
          problems.push({ path: `${at}.meterId`, message: 'Enter the meter whose price is overridden.' });
          break;
        }
        if (!isRecord(adjustment.scope)) break;
        const key = `${scopeKey(adjustment.scope)}|${meterMatchKey(adjustment.meterId)}`;
        const first = overrides.get(key);
        if (first === undefined) {
          overrides.set(key, index);
        } else {
          problems.push({
            path: `${at}.meterId`,
            message: `${prefix}[${first}] already overrides the price of ${adjustment.meterId} for the same scope.`,
          });
        }
        break;
      }
      case 'markup':
        checkDecimal(problems, `${at}.percent`, adjustment.percent, { min: 'zero' });
        break;
      case 'discount':
      case 'tax':
        checkDecimal(problems, `${at}.percent`, adjustment.percent, { min: 'zero', max: '100' });
        break;
      case 'recurring-fee': {
        checkDecimal(problems, `${at}.monthlyAmount`, adjustment.monthlyAmount, { min: 'zero' });
        if (!isDateText(adjustment.from)) {
          problems.push({ path: `${at}.from`, message: 'Enter the first day of the fee as YYYY-MM-DD.' });
        }
        if (adjustment.to !== null && !isDateText(adjustment.to)) {
          problems.push({ path: `${at}.to`, message: 'Enter the day the fee stops as YYYY-MM-DD, or leave it open.' });
        } else if (adjustment.to !== null && isDateText(adjustment.from) && adjustment.to <= adjustment.from) {
          problems.push({ path: `${at}.to`, message: `The fee must stop after it starts (${adjustment.from}).` });
        }
        break;
      }
      case 'one-time-fee':
      case 'credit':
        checkDecimal(problems, `${at}.amount`, adjustment.amount, { min: 'zero' });
        if (!isDateText(adjustment.date)) {
          problems.push({ path: `${at}.date`, message: 'Enter the date as YYYY-MM-DD; it decides the month.' });
        }
        break;
      case 'minimum-charge':
        checkDecimal(problems, `${at}.monthlyAmount`, adjustment.monthlyAmount, { min: 'zero' });
        break;
      default:
        problems.push({
          path: `${at}.type`,
          message: `Unknown adjustment type ${JSON.stringify((adjustment as { type: unknown }).type)}.`,
        });
    }
  });
  return problems;
}
