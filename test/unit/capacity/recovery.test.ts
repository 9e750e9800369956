import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costRecoveryRates, recoveryMeterRates } from '../../../electron/core/capacity/index.ts';
import { RatingDecimal, validateRateCardVersion } from '../../../electron/core/rating/index.ts';

// Two compute meters and two storage meters of the Azure Stack Hub catalog (reference meters.json).
const BASE_VM = 'FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5';
const WINDOWS_VM = '9CD92D4C-BAFD-4492-B278-BEDC2DE8232A';
const BLOCK_BLOB = '09F8879E-87E9-4305-A572-4B7BE209F857';
const STANDARD_DISK = '7ba084ec-ef9c-4d64-a179-7732c6cb5e28';

describe('costRecoveryRates', () => {
  it('derives the break-even price per vCPU-hour at the target utilisation, rounded up to 4 decimals', () => {
    // 809.91 / (0.7 × 47616 core-hours = 33331.2) = 0.0242988… → 0.0243 per vCPU-hour;
    // 0.0243 × 33331.2 = 809.94816 recovers the cost, 0.0242 × 33331.2 = 806.615… would not.
    const rates = costRecoveryRates({
      cost: { currency: 'USD', total: '809.91' }, availableCoreHours: '47616', targetUtilisation: '0.7',
    });
    expect(rates.perVcpuHour).toEqual({
      rate: '0.0243', cost: '809.91', billableAtTarget: '33331.2', recoveredAtTarget: '809.94816',
    });
    expect(rates.perGBMonth).toBeNull();
    expect(rates.computeShare).toBe('1');
    expect(rates.formula).toMatch(/ceil\(cost × 100 % \/ \(0\.7 × 47616 core-hours\)\)/);
  });

  it('splits the cost between compute and storage in whole cents when the caller says so', () => {
    // 70 % of 809.91 = 566.937 and 30 % = 242.973: whole cents that add up, 566.94 and 242.97.
    // Compute: 566.94 / 33331.2 = 0.017009… → 0.0171.
    // Storage: 242.97 / (0.7 × 50000 GB-months) = 0.006942 → 0.0070.
    const rates = costRecoveryRates({
      cost: { currency: 'USD', total: '809.91' }, availableCoreHours: '47616', targetUtilisation: '0.7',
      computeShare: '0.7', storageGBMonths: '50000',
    });
    expect([rates.perVcpuHour.cost, rates.perVcpuHour.rate]).toEqual(['566.94', '0.0171']);
    expect([rates.perGBMonth?.cost, rates.perGBMonth?.rate]).toEqual(['242.97', '0.0070']);
  });

  it('refuses targets outside (0, 1], a missing storage capacity and bad decimals', () => {
    const cost = { currency: 'USD', total: '10' };
    expect(() => costRecoveryRates({ cost, availableCoreHours: '1', targetUtilisation: '0' }))
      .toThrow(/targetUtilisation/);
    expect(() => costRecoveryRates({ cost, availableCoreHours: '1', targetUtilisation: '1.2' })).toThrow(/at most 1/);
    expect(() => costRecoveryRates({ cost, availableCoreHours: '1', targetUtilisation: '1', computeShare: '0.5' }))
      .toThrow(/storageGBMonths/);
    expect(() => costRecoveryRates({ cost, availableCoreHours: '1', targetUtilisation: '1', priceDecimals: 1.5 }))
      .toThrow(/priceDecimals/);
  });

  it('recovers the cost at the target utilisation, never more than one price step above it', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 10_000_000 }),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 6 }),
      (cents, coreHours, percent, computePercent, gbMonths, decimals) => {
        const target = new RatingDecimal(percent).div(100);
        const rates = costRecoveryRates({
          cost: { currency: 'EUR', total: new RatingDecimal(cents).div(100).toString() },
          availableCoreHours: String(coreHours), storageGBMonths: String(gbMonths),
          targetUtilisation: target.toString(),
          computeShare: new RatingDecimal(computePercent).div(100).toString(), priceDecimals: decimals,
        });
        const step = new RatingDecimal(10).pow(-decimals);
        const check = (rate: { rate: string; cost: string }, capacity: number): void => {
          const billable = target.times(capacity);
          expect(new RatingDecimal(rate.rate).times(billable).gte(rate.cost)).toBe(true);
          expect(new RatingDecimal(rate.rate).minus(step).times(billable).lt(rate.cost)
            || new RatingDecimal(rate.rate).isZero()).toBe(true);
        };
        check(rates.perVcpuHour, coreHours);
        if (rates.perGBMonth) check(rates.perGBMonth, gbMonths);
        const parts = new RatingDecimal(rates.perVcpuHour.cost).plus(rates.perGBMonth?.cost ?? 0);
        expect(parts.times(100).eq(cents)).toBe(true);
      }), { numRuns: 300 });
  });
});

describe('recoveryMeterRates', () => {
  const rates = costRecoveryRates({
    cost: { currency: 'USD', total: '809.91' }, availableCoreHours: '47616', targetUtilisation: '0.7',
    computeShare: '0.7', storageGBMonths: '50000',
  });

  it('prices the chosen compute and storage meters as a valid draft version', () => {
    const meters = recoveryMeterRates(rates, {
      computeMeters: [{ meterId: BASE_VM, name: 'Base VM Size Hours' }, { meterId: WINDOWS_VM }],
      storageMeters: [
        { meterId: BLOCK_BLOB, consumedUnit: 'GB*hours' }, { meterId: STANDARD_DISK, consumedUnit: 'GB*month' },
      ],
    });
    expect(meters).toEqual([
      {
        meterId: BASE_VM, name: 'Base VM Size Hours',
        consumedUnit: 'Virtual core hours', pricingUnit: 'Virtual core hours',
        conversion: { kind: 'none' }, pricing: { kind: 'flat', unitPrice: '0.0171' }, aggregation: 'subscription',
      },
      {
        meterId: WINDOWS_VM, consumedUnit: 'Virtual core hours', pricingUnit: 'Virtual core hours',
        conversion: { kind: 'none' }, pricing: { kind: 'flat', unitPrice: '0.0171' }, aggregation: 'subscription',
      },
      {
        meterId: BLOCK_BLOB, consumedUnit: 'GB*hours', pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' },
        pricing: { kind: 'flat', unitPrice: '0.0070' }, aggregation: 'subscription',
      },
      {
        meterId: STANDARD_DISK, consumedUnit: 'GB*month', pricingUnit: 'GB*month', conversion: { kind: 'none' },
        pricing: { kind: 'flat', unitPrice: '0.0070' }, aggregation: 'subscription',
      },
    ]);
    const problems = validateRateCardVersion({
      version: 1, effectiveFrom: '2026-11-01', status: 'draft', publishedAt: null, meters,
    });
    expect(problems).toEqual([]);
  });

  it('lists storage meters without a price when storage bears no share, and refuses duplicates and other units', () => {
    const computeOnly = costRecoveryRates({
      cost: { currency: 'USD', total: '809.91' }, availableCoreHours: '47616', targetUtilisation: '0.7',
    });
    const [storage] = recoveryMeterRates(computeOnly, { computeMeters: [], storageMeters: [{ meterId: BLOCK_BLOB }] });
    expect(storage.pricing).toBeNull();
    expect(() => recoveryMeterRates(rates, {
      computeMeters: [{ meterId: BASE_VM }], storageMeters: [{ meterId: BASE_VM.toLowerCase() }],
    })).toThrow(/listed twice/);
    const megabytes = [{ meterId: BLOCK_BLOB, consumedUnit: 'MB*hours' }];
    expect(() => recoveryMeterRates(rates, { computeMeters: [], storageMeters: megabytes }))
      .toThrow(/storageMeters\[0\]\.consumedUnit/);
  });
});
