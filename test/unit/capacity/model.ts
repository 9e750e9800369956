import type { CapacityModel } from '../../../electron/core/capacity/index.ts';

/** 4 nodes × 16 cores, 144 USD per core and year for the base package, App Service at 40 on 8 cores, 2026's term. */
export function exampleModel(overrides: Partial<CapacityModel> = {}): CapacityModel {
  return {
    stamp: 'redmond',
    physicalCores: 64,
    coresSource: 'fabric',
    currency: 'USD',
    term: { from: '2026-01-01', to: '2026-12-31' },
    basePricePerCoreYear: '144',
    addOns: [{ name: 'App Service', pricePerCoreYear: '40', cores: 8 }],
    otherYearlyCosts: [],
    ...overrides,
  };
}
