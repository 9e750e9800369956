import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import PrimeVue from 'primevue/config';
import Toast from 'primevue/toast';
import ToastService from 'primevue/toastservice';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { ExplorePage, ExploreQuery, ExploreRow, UsageRecordsPage } from '../../../electron/shared/domain.ts';
import { useExplorerStore } from '../../../renderer/src/stores/explorer.ts';
import ExplorerView from '../../../renderer/src/views/ExplorerView.vue';
import { FakeBridge } from './fake-bridge.ts';
import { connectionRow } from './rows.ts';

const primeVue = PrimeVue as unknown as Plugin;
const toastService = ToastService as unknown as Plugin;
const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const METERS: [string, string, string][] = [
  ['fab6eb84-500b-4a09-a8ca-7358f8bbaea5', 'Base VM size hours', '744'],
  ['9cd92d4c-bafd-4492-b278-bedc2de8232a', 'Blob storage, GB-hours', '10240.125'],
  ['b4438e6e-2a6e-4c4c-9c7c-d0f7e1c2a3b4', 'Ingress data, GB', '0.5'],
];

/** The core's answer for the meters of the simulated cache, narrowed by the meter filter. */
function explore(query: ExploreQuery, offset: number, limit: number, records = 100): ExplorePage {
  const meters = METERS.filter(([id]) => !query.filter.meters || query.filter.meters.includes(id));
  const rows: ExploreRow[] = meters.map(([key, label, quantity]) => ({
    groups: query.groupBy.map((d) => (d === 'meter' ? { key, label } : { key: 'lab', label: 'lab' })),
    records, quantity, unit: 'Hours',
  }));
  return {
    rows: rows.slice(offset, offset + limit), offset,
    totals: { groups: rows.length, records: records * rows.length, quantity: null, unit: null },
  };
}

const GRID = '[data-testid="explore-grid"]';
const Host = defineComponent(() => () => h('div', [h(Toast), h(ExplorerView)]));

describe('ExplorerView', () => {
  const mounted: { unmount(): void }[] = [];
  /** One pinia for the test and the mounted view, so both see the same stores. */
  let pinia: ReturnType<typeof createPinia>;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    bridge.calls.length = 0;
    bridge.handlers = {
      'connections:list': () => [connectionRow({ name: 'lab' })],
      'usage:explore': (query, offset, limit) => explore(query, offset, limit),
      'usage:records': (filter, offset): UsageRecordsPage => ({ rows: [], offset, total: filter.meters ? 744 : 0 }),
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
    window.location.hash = '';
  });

  function mountHost() {
    const wrapper = mount(Host, {
      global: { plugins: [pinia, [primeVue, { unstyled: true }], toastService] },
      attachTo: document.body,
    });
    mounted.push(wrapper);
    return wrapper;
  }

  async function mountView() {
    const wrapper = mountHost();
    // The grid first shows a loading row, then the block's rows.
    await vi.waitFor(() => expect(rowCell(2, 'group:meter')?.textContent).toContain(METERS[2]![1]));
    return wrapper;
  }

  const rowEl = (index: number) =>
    document.querySelector<HTMLElement>(`${GRID} .ag-row:not(.ag-row-pinned)[row-index="${index}"]`);
  const rowCell = (index: number, col: string) => rowEl(index)?.querySelector<HTMLElement>(`[col-id="${col}"]`) ?? null;

  it('shows one row per group with exact quantities, the totals pinned at the bottom and a summary', async () => {
    const wrapper = await mountView();
    expect(bridge.callsOf('usage:explore')[0]).toEqual([{ filter: {}, groupBy: ['meter'] }, 0, 500]);
    expect(rowCell(1, 'group:meter')?.textContent).toContain('Blob storage, GB-hours');
    expect(rowCell(1, 'quantity')?.textContent).toBe('10,240.125');
    expect(rowCell(1, 'records')?.textContent).toBe('100');

    const pinned = document.querySelector('[data-testid="explore-grid"] .ag-row-pinned');
    await vi.waitFor(() => expect(pinned?.querySelector('[col-id="group:meter"]')?.textContent)
      .toBe('Total: 3 groups'));
    expect(pinned?.querySelector('[col-id="records"]')?.textContent).toBe('300');
    expect(pinned?.querySelector('[col-id="quantity"]')?.textContent).toBe('mixed units');
    expect(wrapper.find('[data-testid="explore-summary"]').text()).toBe('3 groups · 300 records');
  });

  it('drills into a meter with Enter: the filter takes it and its raw records show under the groups', async () => {
    const wrapper = await mountView();
    const cell = rowCell(0, 'records')!;
    cell.focus();
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));

    const vm = METERS[0]![0];
    await vi.waitFor(() => expect(bridge.callsOf('usage:explore').at(-1))
      .toEqual([{ filter: { meters: [vm] }, groupBy: ['meter'] }, 0, 500]));
    await vi.waitFor(() => expect(wrapper.find('[data-testid="records-count"]').text()).toBe('744 records'));
    expect(bridge.callsOf('usage:records')[0]).toEqual([{ meters: [vm] }, 0, 500]);
    expect(wrapper.find('[data-testid="drill-path"]').text()).toContain('Meter: Base VM size hours');

    await wrapper.find('[data-testid="drill-up"]').trigger('click');
    await vi.waitFor(() => expect(bridge.callsOf('usage:explore').at(-1))
      .toEqual([{ filter: {}, groupBy: ['meter'] }, 0, 500]));
    expect(wrapper.find('[data-testid="records-panel"]').exists()).toBe(false);
  });

  it('sorts on the core when a header is clicked, and exports in that order', async () => {
    bridge.handlers['usage:export'] = () => ({ fileName: 'u.csv', path: '/x/u.csv', rows: 3, bytes: 10 });
    const wrapper = await mountView();
    document.querySelector<HTMLElement>(`${GRID} .ag-header-cell[col-id="records"] .ag-header-cell-label`)!
      .click();
    await vi.waitFor(() => expect(bridge.callsOf('usage:explore').at(-1))
      .toEqual([{ filter: {}, groupBy: ['meter'], sort: { by: 'records', descending: false } }, 0, 500]));
    expect(useExplorerStore().sort).toEqual({ by: 'records', descending: false });

    await wrapper.find('[data-testid="export-csv"]').trigger('click');
    expect(bridge.callsOf('usage:export')[0]?.[0]).toEqual(
      { filter: {}, groupBy: ['meter'], sort: { by: 'records', descending: false } });
  });

  it('drills one level with a double click when grouping by several dimensions', async () => {
    await mountView();
    useExplorerStore().setGroupBy(['stamp', 'meter']);
    await vi.waitFor(() => expect(rowCell(0, 'group:stamp')?.textContent).toBe('lab'));
    rowEl(0)!.querySelector<HTMLElement>('[col-id="records"]')!
      .dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    await vi.waitFor(() => expect(bridge.callsOf('usage:explore').at(-1))
      .toEqual([{ filter: { stamps: ['lab'] }, groupBy: ['meter'] }, 0, 500]));
    expect(document.querySelector('[data-testid="records-panel"]')).toBeNull();
  });

  it('opens a meter\'s page from the icon beside its name', async () => {
    await mountView();
    rowCell(2, 'group:meter')!.querySelector<HTMLElement>('[data-testid="open-meter"]')!.click();
    expect(window.location.hash).toBe(`#/meter/${METERS[2]![0]}`);
  });

  it('exports the current question and says where the file was saved', async () => {
    bridge.handlers['usage:export'] = () =>
      ({ fileName: 'usage.csv', path: '/data/exports/usage.csv', rows: 3, bytes: 2048 });
    const wrapper = await mountView();
    useExplorerStore().select('service', ['Compute']);

    await wrapper.find('[data-testid="export-csv"]').trigger('click');
    await flushPromises();

    expect(bridge.callsOf('usage:export'))
      .toEqual([[{ filter: { services: ['Compute'] }, groupBy: ['meter'] }, 'csv']]);
    await vi.waitFor(() => expect(document.body.textContent).toContain('Saved to /data/exports/usage.csv'));
    expect(document.body.textContent).toContain('3 rows, 2.0 KB.');
  });

  it('says why an export failed', async () => {
    bridge.handlers['usage:export'] = () => {
      throw new Error('disk full');
    };
    const wrapper = await mountView();
    await wrapper.find('[data-testid="export-xlsx"]').trigger('click');
    await vi.waitFor(() => expect(document.body.textContent).toContain('Export failed'));
    expect(document.body.textContent).toContain('disk full');
  });

  it('shows how to get data when nothing is cached', async () => {
    bridge.handlers['usage:explore'] = (query, offset, limit) => ({ ...explore(query, offset, limit), rows: [],
      totals: { groups: 0, records: 0, quantity: null, unit: null } });
    const wrapper = mountHost();
    await vi.waitFor(() => expect(wrapper.find('[data-testid="empty-state"]').exists()).toBe(true));
  });

  it('shows the core\'s sentence when the usage cannot be read', async () => {
    bridge.handlers['usage:explore'] = () => {
      throw new Error('database is locked');
    };
    const wrapper = mountHost();
    await vi.waitFor(() => expect(wrapper.find('[data-testid="explore-error"]').text())
      .toBe('Unexpected error: database is locked'));
  });

  it('keeps the question when the user leaves the explorer and comes back', async () => {
    const first = await mountView();
    useExplorerStore().setGroupBy(['stamp', 'meter']);
    await vi.waitFor(() => expect(bridge.callsOf('usage:explore').at(-1)?.[0]).toMatchObject({
      groupBy: ['stamp', 'meter'] }));
    first.unmount();
    mounted.splice(0);
    bridge.calls.length = 0;

    await mountView();
    expect(bridge.callsOf('usage:explore')[0]).toEqual([{ filter: {}, groupBy: ['stamp', 'meter'] }, 0, 500]);
    expect(document.querySelector('[data-testid="group-stamp"]')).not.toBeNull();
  });
});
