import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, type Plugin } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { Completeness, CompletenessQuery } from '../../../electron/shared/domain.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { useCompletenessStore } from '../../../renderer/src/stores/completeness.ts';
import { useStampFilterStore } from '../../../renderer/src/stores/stampFilter.ts';
import CompletenessView from '../../../renderer/src/views/CompletenessView.vue';
import { FakeBridge } from './fake-bridge.ts';
import { connectionRow } from './rows.ts';

// Chart.js cannot draw in happy-dom (no canvas context); the heat map's data is tested in completeness-heatmap.test.ts
// and its drawing in Chromium. Here a canvas stands in for the chart, carrying what it was given.
vi.mock('vue-chartjs', () => ({
  Chart: defineComponent({
    props: {
      type: { type: String, default: '' }, data: { type: Object, default: null }, options: { type: Object, default: null },
    },
    setup: (props) => () => h('canvas', {
      'data-type': props.type, 'data-cells': (props.data as { datasets: { data: unknown[] }[] }).datasets[0]?.data.length,
    }),
  }),
}));

const primeVue = PrimeVue as unknown as Plugin;
const bridge = new FakeBridge();
const A = 'aaaaaaaa-0000-0000-0000-000000000001';

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

function answer(query: CompletenessQuery): Completeness {
  const stamps = query.stamp ? [query.stamp] : ['lab', 'lab2'];
  return {
    from: `${query.period.from}T00:00:00Z`,
    hours: 24,
    rows: [{ stamp: 'lab', subscriptionId: A, label: 'Analytics', counts: new Array(24).fill(3) }],
    stamps: stamps.map((name) => ({ name, latestUsageHour: name === 'lab' ? `${query.period.from}T23:00:00Z` : null,
      syncedThrough: null })),
    gaps: stamps.includes('lab2')
      ? [{ stamp: 'lab', subscriptionId: A, from: `${query.period.from}T05:00:00Z`, to: `${query.period.from}T07:00:00Z`,
        hours: 2 }]
      : [],
  };
}

function mountView() {
  return mount(CompletenessView, { global: { plugins: [[primeVue, { unstyled: true }]] }, attachTo: document.body });
}

describe('the completeness view', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    bridge.calls.length = 0;
    bridge.handlers = {
      'connections:list': () => [connectionRow({ name: 'lab' }), connectionRow({ name: 'lab2' })],
      'usage:completeness': (query) => answer(query),
    };
    vi.useFakeTimers({ now: new Date('2026-10-15T13:20:00Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('asks for the last 7 days of every stamp, then gives each stamp a verdict and lists the gaps', async () => {
    const wrapper = mountView();
    await flushPromises();
    expect(bridge.callsOf('usage:completeness')).toEqual([[{ period: { from: '2026-10-09', to: '2026-10-16' } }]]);
    const verdict = (stamp: string) =>
      wrapper.find(`[data-testid="completeness-stamp-${stamp}"] [data-testid="completeness-verdict"]`);
    expect(verdict('lab').text()).toBe('1 subscription gap (2 hours)');
    expect(verdict('lab').attributes('data-severity')).toBe('warn');
    expect(verdict('lab2').text()).toBe('No usage cached in this period');
    expect(wrapper.find('[data-testid="completeness-heatmap"]').attributes('data-rows')).toBe('1');
    expect(wrapper.find('[data-testid="completeness-heatmap"] canvas').attributes()).toMatchObject(
      { 'data-type': 'matrix', 'data-cells': '24' });
    expect(wrapper.find('[data-testid="completeness-gaps"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('follows the period presets and the stamp filter', async () => {
    const wrapper = mountView();
    await flushPromises();
    useCompletenessStore().preset = 'lastMonth';
    await flushPromises();
    useStampFilterStore().select('lab');
    await flushPromises();
    expect(bridge.callsOf('usage:completeness')).toEqual([
      [{ period: { from: '2026-10-09', to: '2026-10-16' } }],
      [{ period: { from: '2026-09-01', to: '2026-10-01' } }],
      [{ period: { from: '2026-09-01', to: '2026-10-01' }, stamp: 'lab' }],
    ]);
    const lab = wrapper.find('[data-testid="completeness-stamp-lab"] [data-testid="completeness-verdict"]');
    expect(lab.text()).toBe('Complete through 2026-09-02 00:00 UTC');
    expect(lab.attributes('data-severity')).toBe('success');
    expect(wrapper.find('[data-testid="completeness-no-gaps"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('shows the core\'s refusal in words', async () => {
    bridge.handlers['usage:completeness'] = () => {
      throw new StackmeterError('INVALID_ARGUMENT',
        'The period covers 94 days; the completeness map shows at most 93 days.');
    };
    const wrapper = mountView();
    await flushPromises();
    expect(wrapper.find('[data-testid="completeness-error"]').text()).toContain('at most 93 days');
    wrapper.unmount();
  });
});
