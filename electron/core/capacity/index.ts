/**
 * The capacity model of disconnected stamps, as pure functions (no database, no files, no clock): Microsoft licenses
 * such stamps per physical core per year, and the operator recovers that cost from tenants.
 *
 * - types.ts       the capacity model (cores, yearly prices per core, add-ons, licence term, other yearly costs).
 * - cost.ts        capacityCost: a period's cost, prorated by days (1/365 per day, 1/366 in a leap year), rounded once.
 * - consumption.ts utilisation (vCPU-hours against available core-hours, storage against capacity), dailyUtilisation.
 * - allocation.ts  allocate: the cost per tenant by vCPU-hours, a weighted mix of meters, or evenly, with the idle /
 *                  unallocated share as its own line; lines add up to the cost exactly.
 * - recovery.ts    costRecoveryRates: break-even prices per vCPU-hour and GB-month at a target utilisation, and
 *                  recoveryMeterRates: those prices as a draft rate card version's meter rates.
 *
 * Money, quantities and ratios are decimal strings in and out and the rating engine's RatingDecimal inside.
 */
export { allocate, type Allocation, type AllocationBasis, type AllocationLine } from './allocation.ts';
export {
  availableCoreHours, dailyUtilisation, utilisation, type ComputeCapacity, type DailyUtilisation, type DailyVcpuHours,
  type Ratio, type Utilisation, type UtilisationInput,
} from './consumption.ts';
export { capacityCost, type CapacityCostOptions } from './cost.ts';
export {
  costRecoveryRates, DEFAULT_PRICE_DECIMALS, recoveryMeterRates, type CostRecoveryInput, type CostRecoveryRates,
  type DraftMeter, type DraftMeterChoice, type RecoveryRate,
} from './recovery.ts';
export type * from './types.ts';
