import { currencyMinorUnits, RatingDecimal, splitExactly } from '../rating/index.ts';
import type { MeterRate } from '../../shared/rating.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import type { CostAmount, CostRecoveryRates, RecoveryRate } from './types.ts';
import { invalid, money, nonNegative, positive, text, type Dec } from './values.ts';

/**
 * Unit prices are rounded UP to 4 decimal places by default: a price per vCPU-hour is typically a fraction of a cent,
 * so the currency's minor unit would be far too coarse (and rounding up there could overcharge by 30 % or more).
 */
export const DEFAULT_PRICE_DECIMALS = 4;

export interface CostRecoveryInput {
  /** The capacity cost of the period (e.g. CapacityCost). */
  cost: CostAmount;
  /** Core-hours available in the same period (cores × 24 × days). */
  availableCoreHours: string;
  /** Storage capacity in the same period, in GB-months (capacity GB × months); needed when storage bears a share. */
  storageGBMonths?: string;
  /** The share of capacity the rates assume tenants will use, above 0 and at most 1 ('0.7' for 70 %). */
  targetUtilisation: string;
  /** The share of the cost recovered through compute (0 to 1), the rest through storage; 1 (all compute) if absent. */
  computeShare?: string;
  /** Decimal places of the unit prices, rounded up; DEFAULT_PRICE_DECIMALS when absent. */
  priceDecimals?: number;
}

export type { CostRecoveryRates, RecoveryRate };

/** The smallest price with `decimals` places that recovers `cost` over `quantity` units: ceil(cost / quantity). */
function breakEven(cost: Dec, quantity: Dec, decimals: number): Dec {
  let rate = cost.div(quantity).toDecimalPlaces(decimals, RatingDecimal.ROUND_CEIL);
  // The division keeps 50 digits; should it have rounded a quotient just above a price step down onto the step, the
  // rate would fall short of the cost by a hair. Checked with the exact product, never assumed.
  if (rate.times(quantity).lt(cost)) rate = rate.plus(new RatingDecimal(10).pow(-decimals));
  return rate;
}

function recoveryRate(cost: Dec, quantity: Dec, decimals: number, minorUnits: number): RecoveryRate {
  const rate = breakEven(cost, quantity, decimals);
  return {
    rate: rate.toFixed(decimals),
    cost: money(cost, minorUnits),
    billableAtTarget: text(quantity),
    recoveredAtTarget: text(rate.times(quantity)),
  };
}

/**
 * Break-even rates that recover the capacity cost when tenants use `targetUtilisation` of the capacity:
 *   compute cost = cost × computeShare,       per vCPU-hour = ceil(compute cost / (target × available core-hours))
 *   storage cost = cost × (1 − computeShare), per GB-month  = ceil(storage cost / (target × storage GB-months))
 * each rounded UP to priceDecimals, so that at the target utilisation the rates never recover less than the cost.
 * The two costs are whole minor units that add up to the cost (splitExactly; a tie gives the extra unit to compute).
 */
export function costRecoveryRates(input: CostRecoveryInput): CostRecoveryRates {
  const minorUnits = currencyMinorUnits(input.cost.currency);
  const decimals = input.priceDecimals ?? DEFAULT_PRICE_DECIMALS;
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > 12) {
    throw invalid(`priceDecimals must be a whole number from 0 to 12, not ${JSON.stringify(input.priceDecimals)}.`);
  }
  const total = nonNegative(input.cost.total, 'cost.total');
  const target = positive(input.targetUtilisation, 'targetUtilisation');
  if (target.gt(1)) throw invalid(`targetUtilisation must be at most 1 (100 %), not ${input.targetUtilisation}.`);
  const computeShare = nonNegative(input.computeShare ?? '1', 'computeShare');
  if (computeShare.gt(1)) throw invalid(`computeShare must be at most 1 (100 %), not ${input.computeShare}.`);
  const coreHours = positive(input.availableCoreHours, 'availableCoreHours');

  // Whole minor units on both sides, adding up to the cost: the parts a report shows are the parts the rates recover.
  const [computeCost, storageCost] = splitExactly(total, [computeShare, new RatingDecimal(1).minus(computeShare)],
    minorUnits);
  let perGBMonth: RecoveryRate | null = null;
  if (!storageCost.isZero()) {
    if (input.storageGBMonths === undefined) {
      throw invalid('storageGBMonths is needed when storage bears a share of the cost (computeShare below 1).');
    }
    const gbMonths = positive(input.storageGBMonths, 'storageGBMonths');
    perGBMonth = recoveryRate(storageCost, target.times(gbMonths), decimals, minorUnits);
  }
  const share = text(computeShare.times(100));
  return {
    currency: input.cost.currency,
    targetUtilisation: text(target),
    computeShare: text(computeShare),
    priceDecimals: decimals,
    perVcpuHour: recoveryRate(computeCost, target.times(coreHours), decimals, minorUnits),
    perGBMonth,
    formula: `per vCPU-hour = ceil(cost × ${share} % / (${text(target)} × ${text(coreHours)} core-hours)); `
      + (perGBMonth ? `per GB-month = ceil(cost × (100 − ${share}) % / (${text(target)} × GB-months)); ` : '')
      + `rounded up to ${decimals} decimals.`,
  };
}

/** A catalog meter the draft prices. consumedUnit: the unit its usage arrives in. */
export interface DraftMeter {
  meterId: string;
  name?: string;
  consumedUnit?: string;
}

export interface DraftMeterChoice {
  /** VM core-hour meters (e.g. Base VM Size Hours, Windows VM Size Hours), usage in virtual core hours. */
  computeMeters: DraftMeter[];
  /** Storage capacity meters, usage in GB*hours (blob, table, queue capacity) or GB*month (managed disk sizes). */
  storageMeters: DraftMeter[];
}

const GB_MONTH = 'GB*month';
const normalUnit = (unit: string): string => unit.toLowerCase().replace(/\s+/g, '');

function storageRate(meter: DraftMeter, index: number, rate: RecoveryRate | null): MeterRate {
  const consumedUnit = meter.consumedUnit ?? 'GB*hours';
  const unit = normalUnit(consumedUnit);
  if (unit !== 'gb*hours' && unit !== 'gb*month') {
    throw invalid(
      `storageMeters[${index}].consumedUnit must be GB*hours or GB*month, not ${JSON.stringify(consumedUnit)}.`);
  }
  return {
    meterId: meter.meterId,
    ...(meter.name === undefined ? {} : { name: meter.name }),
    consumedUnit,
    pricingUnit: GB_MONTH,
    // GB*hours become GB-months by the real hours of the usage's month, so a GB held all month is one GB-month.
    conversion: unit === 'gb*hours' ? { kind: 'hours-of-month' } : { kind: 'none' },
    // No storage rate (storage bears no share of the cost): listed without a price, so its usage shows as unrated.
    pricing: rate ? { kind: 'flat', unitPrice: rate.rate } : null,
    aggregation: 'subscription',
  };
}

/**
 * The break-even rates as the meter rates of a draft rate card version: a flat price per vCPU-hour on each compute
 * meter and a flat price per GB-month on each storage meter, aggregated per subscription. A meter ID listed twice is
 * an error (the draft must price each meter once).
 */
export function recoveryMeterRates(rates: CostRecoveryRates, meters: DraftMeterChoice): MeterRate[] {
  const seen = new Set<string>();
  for (const meter of [...meters.computeMeters, ...meters.storageMeters]) {
    const key = meterMatchKey(meter.meterId);
    if (!key) throw invalid('A meter ID must not be empty.');
    if (seen.has(key)) throw invalid(`Meter ${meter.meterId} is listed twice.`);
    seen.add(key);
  }
  const compute = meters.computeMeters.map((meter): MeterRate => {
    const consumedUnit = meter.consumedUnit ?? 'Virtual core hours';
    return {
      meterId: meter.meterId,
      ...(meter.name === undefined ? {} : { name: meter.name }),
      consumedUnit,
      pricingUnit: consumedUnit,
      conversion: { kind: 'none' },
      pricing: { kind: 'flat', unitPrice: rates.perVcpuHour.rate },
      aggregation: 'subscription',
    };
  });
  return [...compute, ...meters.storageMeters.map((meter, index) => storageRate(meter, index, rates.perGBMonth))];
}
