import { RatingDecimal, ZERO, type Dec } from './decimal.ts';
import type { MeterPricing, Tier } from '../../shared/rating.ts';

/** A priced quantity: the full-precision amount, the bands it used, and the unit price when there is one. */
export interface PricedQuantity {
  amount: Dec;
  unitPrice: Dec | null;
  tiers: PricedTier[];
}

export interface PricedTier {
  tier: number;
  tierDef: Tier;
  quantity: Dec;
  amount: Dec;
}

/**
 * The quantity charged for an aggregate: rounded up to a whole number of blocks, then raised to the minimum. Both apply
 * only to usage above zero: a scope that used nothing is charged nothing.
 */
export function billableQuantity(quantity: Dec, minimumQuantity: Dec | null, blockSize: Dec | null): Dec {
  if (quantity.lte(0)) return quantity;
  let billable = quantity;
  if (blockSize) billable = billable.div(blockSize).ceil().times(blockSize);
  if (minimumQuantity && billable.lt(minimumQuantity)) billable = minimumQuantity;
  return billable;
}

/** Graduated: each band's slice of the quantity at the band's price. Bands the quantity does not reach are left out. */
export function priceGraduated(quantity: Dec, tiers: readonly Tier[]): PricedQuantity {
  const parts: PricedTier[] = [];
  tiers.forEach((tierDef, index) => {
    const from = new RatingDecimal(tierDef.from);
    const top = tierDef.to === null ? quantity : RatingDecimal.min(quantity, tierDef.to);
    const slice = top.minus(from);
    if (slice.lte(0)) return;
    parts.push({ tier: index + 1, tierDef, quantity: slice, amount: slice.times(tierDef.unitPrice) });
  });
  return { amount: parts.reduce((total, part) => total.plus(part.amount), ZERO), unitPrice: null, tiers: parts };
}

/**
 * Volume: the whole quantity at the price of the band it falls in. A band includes its upper bound, so a quantity
 * exactly on a boundary takes the lower band's price.
 */
export function priceVolume(quantity: Dec, tiers: readonly Tier[]): PricedQuantity {
  const index = tiers.findIndex((tier) => tier.to === null || quantity.lte(tier.to));
  const tierDef = tiers[index];
  const amount = quantity.times(tierDef.unitPrice);
  return {
    amount,
    unitPrice: new RatingDecimal(tierDef.unitPrice),
    tiers: [{ tier: index + 1, tierDef, quantity, amount }],
  };
}

/** Prices a billable quantity (in pricing units) with a meter's pricing. */
export function priceQuantity(quantity: Dec, pricing: MeterPricing): PricedQuantity {
  switch (pricing.kind) {
    case 'free': return { amount: ZERO, unitPrice: ZERO, tiers: [] };
    case 'flat': {
      const unitPrice = new RatingDecimal(pricing.unitPrice);
      return { amount: quantity.times(unitPrice), unitPrice, tiers: [] };
    }
    case 'graduated': return priceGraduated(quantity, pricing.tiers);
    case 'volume': return priceVolume(quantity, pricing.tiers);
  }
}
