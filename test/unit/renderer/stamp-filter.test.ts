import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { MeterRow, Overview } from '../../../electron/shared/domain.ts';
import MetersView from '../../../renderer/src/views/MetersView.vue';
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts';
import { useMetersStore } from '../../../renderer/src/stores/meters.ts';
import { useOverviewStore } from '../../../renderer/src/stores/overview.ts';
import { useStampFilterStore } from '../../../renderer/src/stores/stampFilter.ts';
import { FakeBridge } from './fake-bridge.ts';
import { connectionRow } from './rows.ts';

const primeVue = PrimeVue as unknown as Plugin;
const toastService = ToastService as unknown as Plugin;
const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const overview = (stamps: string[]): Overview => ({
  stamps: stamps.map((name) => ({ name, armEndpoint: 'https://x', records: 1, subscriptions: 1, latestUsage: null,
    lastSync: null })),
  records: stamps.length, subscriptions: stamps.length, meters: 1, dailyByService: [],
});

const meter = (name: string): MeterRow => ({
  meterId: '9cd92d4c-bafd-4492-b278-bedc2de8232a', name, unit: 'Hours', service: 'Compute', records: 1,
  quantity: '1', firstUsage: null, lastUsage: null,
});

describe('the stamp filter', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    bridge.calls.length = 0;
    bridge.handlers = {
      'connections:list': () => [connectionRow({ name: 'lab' }), connectionRow({ name: 'lab2' })],
      'overview:get': (query) => overview(query?.connection ? [query.connection] : ['lab', 'lab2']),
      'meters:list': (query) => (query?.connection === 'lab2' ? [] : [meter(`seen on ${query?.connection ?? 'all'}`)]),
      'meters:unknown': () => [],
    };
  });

  it('asks the core for all stamps, or for the one chosen, in the Overview and the Meters', async () => {
    const filter = useStampFilterStore();
    const overviewStore = useOverviewStore();
    const meters = useMetersStore();

    await overviewStore.load();
    await meters.load();
    filter.select('lab2');
    await overviewStore.load();
    await meters.load();

    expect(bridge.callsOf('overview:get')).toEqual([[], [{ connection: 'lab2' }]]);
    expect(bridge.callsOf('meters:list')).toEqual([[], [{ connection: 'lab2' }]]);
    expect(overviewStore.overview?.stamps.map((s) => s.name)).toEqual(['lab2']);
    expect(overviewStore.shownFor).toBe('lab2');
  });

  it('shows the answer to the latest choice when an older answer arrives after it', async () => {
    const filter = useStampFilterStore();
    const store = useOverviewStore();
    let answerFirst: (value: Overview) => void = () => {};
    bridge.handlers['overview:get'] = (query) => (query?.connection
      ? overview([query.connection])
      : new Promise<Overview>((resolve) => (answerFirst = resolve)) as unknown as Overview);

    const first = store.load();
    filter.select('lab');
    await store.load();
    answerFirst(overview(['lab', 'lab2']));
    await first;

    expect(store.overview?.stamps.map((s) => s.name)).toEqual(['lab']);
    expect(store.shownFor).toBe('lab');
  });

  it('forgets a stamp that was removed', async () => {
    const filter = useStampFilterStore();
    const connections = useConnectionsStore();
    filter.select('lab2');
    bridge.handlers['connections:remove'] = () => undefined;
    await connections.load();
    expect(filter.selected).toBe('lab2');
    await connections.remove('lab2');
    expect(filter.selected).toBeNull();
  });

  it('is remembered across views: the Meters view opens on the chosen stamp and follows a new choice', async () => {
    const filter = useStampFilterStore();
    filter.select('lab');
    const wrapper = mount(MetersView, {
      global: { plugins: [[primeVue, { unstyled: true }], toastService] }, attachTo: document.body,
    });
    await flushPromises();
    expect(bridge.callsOf('meters:list')).toEqual([[{ connection: 'lab' }]]);
    expect(wrapper.find('[data-testid="meters-count"]').text()).toBe('1 meter seen on lab');

    filter.select('lab2');
    await vi.waitFor(() => expect(wrapper.find('[data-testid="empty-state"]').exists()).toBe(true));
    expect(bridge.callsOf('meters:list')).toEqual([[{ connection: 'lab' }], [{ connection: 'lab2' }]]);
    expect(wrapper.find('[data-testid="empty-state"]').text()).toContain('No usage cached for lab2 yet');
    wrapper.unmount();
  });
});

afterEach(() => {
  document.body.innerHTML = '';
});
