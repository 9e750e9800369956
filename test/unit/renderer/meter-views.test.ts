import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Component, Plugin } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { MeterDetail, MeterOverride, MeterRow, UsageSeries } from '../../../electron/shared/domain.ts';
import { useMetersStore } from '../../../renderer/src/stores/meters.ts';
import MeterDetailView from '../../../renderer/src/views/MeterDetailView.vue';
import MetersView from '../../../renderer/src/views/MetersView.vue';
import { FakeBridge } from './fake-bridge.ts';

const primeVue = PrimeVue as unknown as Plugin;
const toastService = ToastService as unknown as Plugin;
const bridge = new FakeBridge();
const UNKNOWN = '0a0a0a0a-1b1b-2c2c-3d3d-4e4e4e4e4e4e';
const PAGE_BLOB = 'b5c15376-6c94-4fdd-b655-1a69d138aca3';

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const meter = (patch: Partial<MeterRow>): MeterRow => ({
  meterId: PAGE_BLOB, name: 'PageBlobCapacity', unit: 'GB*hours', service: 'Storage', records: 48,
  quantity: '12.5', firstUsage: '2026-11-16T00:00:00Z', lastUsage: '2026-11-18T00:00:00Z', known: true,
  description: 'Space taken by page blobs.', deprecated: false, subscriptions: 2, sparkline: [1, 2], ...patch,
});

const unknownMeter = meter({ meterId: UNKNOWN, name: 'Unknown meter', unit: '', service: 'Unknown', known: false,
  description: null });

const series: UsageSeries = {
  bucket: 'day',
  buckets: ['2026-11-16T00:00:00Z', '2026-11-17T00:00:00Z'],
  series: [{ key: 'aaaa', label: 'contoso.example', quantities: ['5', '7.5'] }],
  unit: 'GB*hours',
};

const detailOf = (row: MeterRow): MeterDetail => ({
  meter: row,
  unitExplanation: row.known ? 'One unit (GB*hours) is one gigabyte held for one hour.' : 'Its unit is unknown.',
  top: {
    tenants: [{ key: 'aaaa', label: 'contoso.example', records: 48, quantity: '12.5' }],
    subscriptions: [{ key: '11111111-1111-1111-1111-111111111111', label: 'Dev', records: 48, quantity: '12.5' }],
    resourceGroups: [{ key: 'rg1', label: 'rg1', records: 48, quantity: '12.5' }],
    resources: [{ key: '/subscriptions/1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1',
      label: 'sa1', records: 48, quantity: '12.5' }],
  },
});

function mountView(view: Component): VueWrapper {
  return mount(view, {
    global: { plugins: [[primeVue, { unstyled: true }], toastService], stubs: { Bar: true } },
    attachTo: document.body,
  });
}

beforeEach(() => {
  setActivePinia(createPinia());
  bridge.calls.length = 0;
  bridge.handlers = {
    'connections:list': () => [],
    'meters:list': () => [meter({}), unknownMeter],
    'meters:unknown': () => [{ meterId: UNKNOWN, firstSeen: '2026-11-16T00:00:00Z', lastSeen: '2026-11-17T00:00:00Z',
      records: 3, quantity: '3', tenantCount: 1, tenants: [], override: null }],
    'meters:overrides': () => [],
    'meters:detail': (query) => detailOf(query.meterId === UNKNOWN ? unknownMeter : meter({})),
    'meters:series': () => series,
    'usage:records': (_filter, offset) => ({ rows: [], offset, total: 0 }),
  };
});

afterEach(() => {
  document.body.innerHTML = '';
  window.location.hash = '';
});

describe('the Meters view', () => {
  it('counts the meters, narrows them by search and toggles, and asks for the chosen period', async () => {
    const wrapper = mountView(MetersView);
    await flushPromises();
    expect(wrapper.find('[data-testid="meters-count"]').text()).toBe('2 meters seen');
    expect(bridge.callsOf('meters:list')).toEqual([[]]);

    await wrapper.find('[data-testid="quick-filter"]').setValue('b5c153766c94');
    expect(wrapper.find('[data-testid="meters-shown"]').text()).toBe('· 1 shown');
    await wrapper.find('[data-testid="quick-filter"]').setValue('');
    useMetersStore().filter.unknownOnly = true;
    await flushPromises();
    expect(wrapper.find('[data-testid="meters-shown"]').text()).toBe('· 1 shown');

    vi.useFakeTimers({ now: new Date('2026-11-20T10:00:00Z'), toFake: ['Date'] });
    try {
      useMetersStore().choosePeriod('last30');
      await useMetersStore().load();
    } finally {
      vi.useRealTimers();
    }
    expect(bridge.callsOf('meters:list').at(-1)).toEqual([{ period: { from: '2026-10-22', to: '2026-11-21' } }]);
    wrapper.unmount();
  });
});

describe('a meter\'s page', () => {
  it('shows the meter, its unit in words and top users, and the records of a bucket chosen from the table', async () => {
    window.location.hash = `#/meter/${PAGE_BLOB}`;
    const wrapper = mountView(MeterDetailView);
    await flushPromises();
    expect(bridge.callsOf('meters:detail')).toEqual([[{ meterId: PAGE_BLOB }]]);
    expect(bridge.callsOf('meters:series')).toEqual([[{ meterId: PAGE_BLOB, bucket: 'day', stackBy: 'tenant' }]]);
    expect(wrapper.find('[data-testid="meter-name"]').text()).toBe('PageBlobCapacity');
    expect(wrapper.find('[data-testid="meter-id"]').text()).toBe(PAGE_BLOB);
    expect(wrapper.find('[data-testid="meter-unit-explanation"]').text()).toContain('one gigabyte held for one hour');
    expect(wrapper.find('[data-testid="meter-top-tenants"]').text()).toContain('contoso.example');
    expect(wrapper.find('[data-testid="meter-top-resources"]').text()).toContain('sa1');
    expect(wrapper.find('[data-testid="meter-override-form"]').exists()).toBe(false);

    const row = wrapper.findAll('[data-testid="meter-buckets"] tbody tr')[1]!;
    expect(row.text()).toContain('2026-11-17');
    expect(row.text()).toContain('7.5');
    await row.find('button').trigger('click');
    await flushPromises();
    const records = wrapper.find('[data-testid="meter-bar-records"]');
    expect(records.text()).toContain('Records of 2026-11-17, all tenants');
    expect(bridge.callsOf('usage:records')[0]?.[0]).toEqual({
      meters: [PAGE_BLOB], period: { from: '2026-11-17T00:00:00Z', to: '2026-11-18T00:00:00Z' },
    });
    wrapper.unmount();
  });

  it('asks for a name for a meter the catalog does not know, and saves it as a local name', async () => {
    window.location.hash = `#/meter/${UNKNOWN}`;
    const saved: MeterOverride[] = [];
    bridge.handlers['meters:override'] = (input) => {
      saved.push({ meterId: input.meterId, name: input.name, unit: input.unit ?? null, service: input.service ?? null,
        description: input.description ?? null, updatedAt: '2026-11-20T10:00:00Z' });
      return saved[0]!;
    };
    bridge.handlers['meters:overrides'] = () => saved;
    bridge.handlers['meters:detail'] = () => detailOf(saved[0]
      ? { ...unknownMeter, name: saved[0].name, unit: saved[0].unit ?? '', known: true } : unknownMeter);
    const wrapper = mountView(MeterDetailView);
    await flushPromises();
    const form = wrapper.find('[data-testid="meter-override-form"]');
    expect(form.exists()).toBe(true);
    expect(wrapper.find('.view-head').text()).toContain('unknown');

    await form.trigger('submit');
    expect(form.text()).toContain('Name is required');
    expect(bridge.callsOf('meters:override')).toEqual([]);

    await wrapper.find('[data-testid="override-name"]').setValue('Widget hours');
    await wrapper.find('[data-testid="override-unit"]').setValue('Hours');
    await form.trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('meters:override')).toEqual([[{ meterId: UNKNOWN, name: 'Widget hours', unit: 'Hours' }]]);
    // The page reloads the meter to show it under its new name, and closes the form.
    expect(bridge.callsOf('meters:detail')).toHaveLength(2);
    expect(wrapper.find('[data-testid="meter-name"]').text()).toBe('Widget hours');
    expect(wrapper.find('[data-testid="meter-override-form"]').exists()).toBe(false);
    expect(wrapper.find('.view-head').text()).toContain('local name');
    wrapper.unmount();
  });
});
