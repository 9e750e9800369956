import { describe, expect, it } from 'vitest';
import { availableCoreHours, dailyUtilisation, utilisation } from '../../../electron/core/capacity/index.ts';

describe('utilisation', () => {
  it('sets tenants\' vCPU-hours against the core-hours of the period, and storage against its capacity', () => {
    // 64 cores × 24 h × 31 days = 47616 core-hours; 30000 used → 0.63004…, 63.00 %; idle 0.36995…
    const result = utilisation({
      capacity: { cores: 64, period: { from: '2026-10-01', to: '2026-11-01' } },
      vcpuHours: [{ tenantId: 'tenant-b', vcpuHours: '10000' }, { tenantId: 'tenant-a', vcpuHours: '20000' }],
      storageUsedGB: '12500', storageCapacityGB: '50000',
    });
    expect(result.availableCoreHours).toBe('47616');
    expect(result.usedVcpuHours).toBe('30000');
    expect(result.compute.percent).toBe('63.00');
    expect(result.compute.ratio.startsWith('0.6300403225806451')).toBe(true);
    expect(result.idleShare.startsWith('0.3699596774193548')).toBe(true);
    expect(result.overcommitted).toBe(false);
    expect(result.perTenant.map((t) => [t.tenantId, t.share.percent])).toEqual([
      ['tenant-a', '42.00'], ['tenant-b', '21.00'],
    ]);
    expect(result.storage).toEqual({ ratio: '0.25', percent: '25.00', usedGB: '12500', capacityGB: '50000' });
  });

  it('reports vCPU overcommit: above 100 %, no idle share', () => {
    const result = utilisation({
      capacity: { availableCoreHours: '100' }, vcpuHours: [{ tenantId: 'a', vcpuHours: '150.5' }],
    });
    expect(result.compute.percent).toBe('150.50');
    expect(result.idleShare).toBe('0');
    expect(result.overcommitted).toBe(true);
    expect(result.storage).toBeNull();
  });

  it('refuses duplicates, negative hours and half-given storage', () => {
    const capacity = { availableCoreHours: '100' };
    const twice = [{ tenantId: 'a', vcpuHours: '1' }, { tenantId: 'a', vcpuHours: '2' }];
    expect(() => utilisation({ capacity, vcpuHours: twice }))
      .toThrow(/listed twice/);
    expect(() => utilisation({ capacity, vcpuHours: [{ tenantId: 'a', vcpuHours: '-1' }] })).toThrow(/vcpuHours\[0\]/);
    expect(() => utilisation({ capacity, vcpuHours: [], storageUsedGB: '1' })).toThrow(/storageCapacityGB/);
    expect(() => availableCoreHours({ availableCoreHours: '0' })).toThrow(/above zero/);
  });
});

describe('dailyUtilisation', () => {
  it('adds up each day\'s entries against cores × 24, in date order, leaving days without data out', () => {
    const days = dailyUtilisation(64, [
      { day: '2026-10-03', vcpuHours: '768' },
      { day: '2026-10-01', vcpuHours: '1000' },
      { day: '2026-10-01', vcpuHours: '536' },
    ]);
    // 64 × 24 = 1536 core-hours a day: 1536 used on the 1st = 100 %, 768 on the 3rd = 50 %; no data for the 2nd.
    expect(days).toEqual([
      { day: '2026-10-01', vcpuHours: '1536', availableCoreHours: '1536', ratio: '1', percent: '100.00' },
      { day: '2026-10-03', vcpuHours: '768', availableCoreHours: '1536', ratio: '0.5', percent: '50.00' },
    ]);
    expect(() => dailyUtilisation(64, [{ day: '2026-02-30', vcpuHours: '1' }])).toThrow(/days\[0\]\.day/);
  });
});
