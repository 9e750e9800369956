import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { CapacityReport } from '../../../electron/shared/capacity.ts';
import { buildAllocationChart, buildUtilisationChart, IDLE_COLOR } from '../../../renderer/src/charts/capacity.ts';
import AllocationTable from '../../../renderer/src/components/capacity/AllocationTable.vue';
import { emptyForm, formOf, modelOf } from '../../../renderer/src/stores/capacity.ts';

const MODEL = {
  stamp: 'dark', physicalCores: 10, coresSource: 'manual' as const, coresNote: 'licence 4711', currency: 'EUR',
  term: { from: '2026-01-01', to: '2026-12-31' }, basePricePerCoreYear: '365',
  addOns: [{ name: 'App Service', pricePerCoreYear: '73' }], otherYearlyCosts: [{ label: 'Support', amount: '3650' }],
  storageCapacityGB: '400',
};

/** The report of the hand-checked two days (see test/integration/capacity-fixture.ts), as the core returns it. */
const REPORT = {
  stamp: 'dark',
  period: { from: '2026-11-01', to: '2026-11-04' },
  cost: { currency: 'EUR', total: '66.00' },
  model: { model: MODEL, updatedAt: '2026-11-05T00:00:00.000Z', updatedBy: 'ops' },
  daily: [
    { day: '2026-11-01', vcpuHours: '72', availableCoreHours: '240', ratio: '0.3', percent: '30.00' },
    { day: '2026-11-03', vcpuHours: '48', availableCoreHours: '240', ratio: '0.2', percent: '20.00' },
  ],
  tenants: [
    { tenantId: 't1', label: 'contoso.example', subscriptions: 1, vcpuHours: '96', usage: {} },
    { tenantId: 't2', label: 'fabrikam.example', subscriptions: 1, vcpuHours: '24', usage: {} },
  ],
  allocation: {
    currency: 'EUR', basis: 'vcpu-hours', total: '66.00',
    lines: [{ tenantId: 't1', share: '0.1333', amount: '8.80' }, { tenantId: 't2', share: '0.0333', amount: '2.20' }],
    idle: { share: '0.8333', amount: '55.00' }, notes: [],
  },
  utilisation: { usedVcpuHours: '120' },
} as unknown as CapacityReport;

describe('capacity charts', () => {
  it('draws every day of the period, a day without usage as a gap rather than 0 %', () => {
    const { data } = buildUtilisationChart(REPORT);
    expect(data.labels).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(data.datasets[0]!.data).toEqual([30, null, 20]);
  });

  it('puts the idle line last, in its own colour', () => {
    const { data } = buildAllocationChart(REPORT);
    expect(data.labels).toEqual(['contoso.example', 'fabrikam.example', 'Idle / unallocated']);
    expect(data.datasets[0]!.data).toEqual([8.8, 2.2, 55]);
    const colours = data.datasets[0]!.backgroundColor as string[];
    expect(colours.at(-1)).toBe(IDLE_COLOR);
    expect(colours.slice(0, -1)).not.toContain(IDLE_COLOR);
  });
});

describe('allocation table', () => {
  it('lists the tenants, the idle line and a total that equals the cost', () => {
    const wrapper = mount(AllocationTable, { props: { report: REPORT } });
    const rows = wrapper.findAll('[data-testid="capacity-allocation-row"]');
    expect(rows.map((r) => r.find('th span').text())).toEqual(['contoso.example', 'fabrikam.example']);
    expect(wrapper.get('[data-testid="capacity-allocation-idle"]').text()).toContain('55.00');
    expect(wrapper.get('[data-testid="capacity-allocation-total-amount"]').text()).toBe('66.00');
    expect(rows.every((r) => r.attributes('tabindex') === '0')).toBe(true);
  });
});

describe('the model form', () => {
  it('round-trips a stored model and sends the text typed, never a rounded number', () => {
    const form = formOf(MODEL);
    expect(modelOf('dark', form)).toEqual(MODEL);
    expect(modelOf('dark', { ...form, basePrice: ' 0.1000000000000000001 ' }).basePricePerCoreYear)
      .toBe('0.1000000000000000001');
  });

  it('leaves blank optional fields out and lets the core name a bad core count', () => {
    const model = modelOf('dark', { ...emptyForm(new Date('2026-05-01T00:00:00Z')), cores: '12.5' });
    expect(model.term).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(model).not.toHaveProperty('coresNote');
    expect(model).not.toHaveProperty('storageCapacityGB');
    expect(Number.isNaN(model.physicalCores)).toBe(true);
  });
});
