import { currencyMinorUnits, RatingDecimal, roundPreservingSum } from '../rating/index.ts';
import type { RoundingMode } from '../../shared/rating.ts';
import type { CapacityCost, CapacityCostLine, CapacityModel, CapacityPeriod } from './types.ts';
import { DAY_MS, invalid, money, nonNegative, periodDays, text, wholeCores, type Dec } from './values.ts';
import { parseDate } from '../rating/calendar.ts';

/** The first day (UTC day number) of a calendar year. */
function yearStartDay(year: number): number {
  return Date.UTC(year, 0, 1) / DAY_MS;
}

/**
 * The share of a yearly amount that the days [from, to) cost (UTC day numbers): each day costs 1/365 of the year, or
 * 1/366 when the day falls in a leap year. Chosen so that a whole calendar year always costs exactly the yearly price
 * (a fixed 365 would charge 366/365 of it in 2028) and a day's price never depends on where the licence term started.
 * Summed per calendar year as days/365 + days/366, so the only inexact step is one division per year.
 */
function yearFraction(from: number, to: number): Dec {
  let fraction: Dec = new RatingDecimal(0);
  let day = from;
  while (day < to) {
    const year = new Date(day * DAY_MS).getUTCFullYear();
    const nextYear = yearStartDay(year + 1);
    const end = Math.min(to, nextYear);
    // The calendar says how long the year is (365 days, or 366 in a leap year).
    fraction = fraction.plus(new RatingDecimal(end - day).div(nextYear - yearStartDay(year)));
    day = end;
  }
  return fraction;
}

export interface CapacityCostOptions {
  /** How the total is rounded to the currency's minor units; half-up (ties away from zero) when absent. */
  rounding?: RoundingMode;
}

/**
 * The capacity cost of a period: base package (physical cores × price per core), each add-on (its cores, or the
 * physical cores, × its price per core) and each other yearly cost, each prorated by the days of the period that fall
 * inside the licence term (see yearFraction). The lines are exact until the end; the exact total is rounded once to
 * the currency's minor units and the lines are rounded so that they add up to it (roundPreservingSum). A period
 * outside the term costs zero (daysInTerm 0).
 */
export function capacityCost(model: CapacityModel, period: CapacityPeriod,
  options: CapacityCostOptions = {}): CapacityCost {
  const minorUnits = currencyMinorUnits(model.currency);
  const cores = wholeCores(model.physicalCores, 'physicalCores');
  const asked = periodDays(period, 'period');
  const termFrom = parseDate(model.term.from, 'term.from') / DAY_MS;
  const termTo = parseDate(model.term.to, 'term.to') / DAY_MS + 1; // the term's last day is inclusive
  if (termTo <= termFrom) {
    throw invalid(`term.to (${model.term.to}) must not be before term.from (${model.term.from}).`);
  }
  const from = Math.max(asked.from, termFrom);
  const to = Math.max(from, Math.min(asked.to, termTo));
  const fraction = yearFraction(from, to);

  const yearly: Array<Omit<CapacityCostLine, 'exactAmount' | 'amount'>> = [
    {
      kind: 'base', label: 'Base package', cores,
      yearlyAmount: text(nonNegative(model.basePricePerCoreYear, 'basePricePerCoreYear').times(cores)),
    },
    ...model.addOns.map((addOn, index) => {
      const path = `addOns[${index}]`;
      if (!addOn.name.trim()) throw invalid(`${path}.name must not be empty.`);
      const addOnCores = addOn.cores === undefined ? cores : wholeCores(addOn.cores, `${path}.cores`);
      const price = nonNegative(addOn.pricePerCoreYear, `${path}.pricePerCoreYear`);
      const yearlyAmount = text(price.times(addOnCores));
      return { kind: 'add-on' as const, label: addOn.name, cores: addOnCores, yearlyAmount };
    }),
    ...model.otherYearlyCosts.map((other, index) => {
      const path = `otherYearlyCosts[${index}]`;
      if (!other.label.trim()) throw invalid(`${path}.label must not be empty.`);
      const yearlyAmount = text(nonNegative(other.amount, `${path}.amount`));
      return { kind: 'other' as const, label: other.label, yearlyAmount };
    }),
  ];
  const exact = yearly.map((line) => new RatingDecimal(line.yearlyAmount).times(fraction));
  const rounded = roundPreservingSum(exact, minorUnits, options.rounding ?? 'half-up');
  const total = rounded.reduce((sum, amount) => sum.plus(amount), new RatingDecimal(0));
  return {
    stamp: model.stamp,
    currency: model.currency,
    period: { from: period.from, to: period.to },
    daysInTerm: to - from,
    yearFraction: text(fraction),
    lines: yearly.map((line, index) => ({
      ...line, exactAmount: text(exact[index]), amount: money(rounded[index], minorUnits),
    })),
    total: money(total, minorUnits),
  };
}
