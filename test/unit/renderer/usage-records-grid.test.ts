import { flushPromises, mount } from '@vue/test-utils';
import type { IGetRowsParams, SortModelItem } from 'ag-grid-community';
import PrimeVue from 'primevue/config';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Plugin, defineComponent, h, ref } from 'vue';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { ExplorePage, ExploreQuery, UsageFilter, UsageRecordRow, UsageRecordsPage }
  from '../../../electron/shared/domain.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';
import { ApiError } from '../../../renderer/src/api/errors.ts';
import UsageRecordsGrid from '../../../renderer/src/components/UsageRecordsGrid.vue';
import { BLOCK_SIZE } from '../../../renderer/src/grid/infinite.ts';
import { exploreDatasource, recordsDatasource, sortFromModel } from '../../../renderer/src/grid/usageDatasources.ts';
import { FakeBridge } from './fake-bridge.ts';

const primeVue = PrimeVue as unknown as Plugin;
const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const METER_VM = 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5';
const SUB = '5b7e3c1a-0000-4000-8000-00000000000a';
const VM_URI = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;

function record(hour: number, over: Partial<UsageRecordRow> = {}): UsageRecordRow {
  const start = new Date(Date.UTC(2024, 4, 1, hour));
  return {
    usageStart: start.toISOString().replace('.000', ''),
    usageEnd: new Date(start.getTime() + 3600_000).toISOString().replace('.000', ''),
    granularity: 'Hourly', stamp: 'lab', subscriptionId: SUB, subscriptionName: 'Contoso dev', tenantId: null,
    meterId: METER_VM, meterName: 'Base VM size hours', unit: 'Hours', quantity: '1234567.000000001',
    resourceUri: VM_URI, resourceGroup: 'rg-web', location: 'local', tags: { env: 'prod', owner: 'ops' }, ...over,
  };
}

type Spy = ReturnType<typeof vi.fn>;

/** What the grid hands a datasource for one block, with spies for its callbacks. */
function blockParams(startRow: number, endRow: number, sortModel: SortModelItem[] = []) {
  return {
    startRow, endRow, sortModel, filterModel: {}, successCallback: vi.fn(), failCallback: vi.fn(),
  } as unknown as IGetRowsParams & { successCallback: Spy; failCallback: Spy };
}

describe('the records datasource', () => {
  it('turns each block the grid asks for into one offset/limit call and tells the grid the record count', async () => {
    const filter: UsageFilter = { meters: [METER_VM] };
    const rows = [record(0), record(1)];
    const fetchPage = vi.fn(async (_f: UsageFilter, offset: number) => ({ rows, offset, total: 1_234_567 }));
    const onPage = vi.fn();
    const source = recordsDatasource(filter, fetchPage, { onPage, onError: vi.fn() });

    const params = blockParams(BLOCK_SIZE * 3, BLOCK_SIZE * 4);
    source.getRows(params);
    await flushPromises();

    expect(fetchPage).toHaveBeenCalledWith(filter, 1500, 500);
    expect(params.successCallback).toHaveBeenCalledWith(rows, 1_234_567);
    expect(onPage).toHaveBeenCalledWith({ rows, offset: 1500, total: 1_234_567 });
  });

  it('fails the block and reports the core\'s sentence when a block cannot be read', async () => {
    const onError = vi.fn();
    const source = recordsDatasource({}, async () => {
      throw new ApiError('INVALID_ARGUMENT', 'period.to (2024-05-01) must be after period.from (2024-06-01).');
    }, { onPage: vi.fn(), onError });
    const params = blockParams(0, BLOCK_SIZE);
    source.getRows(params);
    await flushPromises();
    expect(params.failCallback).toHaveBeenCalled();
    expect(params.successCallback).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith('period.to (2024-05-01) must be after period.from (2024-06-01).');
  });
});

describe('the explorer datasource', () => {
  const query: ExploreQuery = { filter: { services: ['Compute'] }, groupBy: ['subscription', 'meter'] };
  const page: ExplorePage = {
    rows: [], offset: 0, totals: { groups: 1_000_000, records: 9_000_000, quantity: null, unit: null },
  };

  it('sends the sort the user clicked with each block and tells the grid how many groups there are', async () => {
    const fetchPage = vi.fn(async () => page);
    const source = exploreDatasource(query, fetchPage, { onPage: vi.fn(), onError: vi.fn() });
    const params = blockParams(500, 1000, [{ colId: 'group:meter', sort: 'desc' }]);
    source.getRows(params);
    await flushPromises();

    expect(fetchPage).toHaveBeenCalledWith({ ...query, sort: { by: 'meter', descending: true } }, 500, 500);
    expect(params.successCallback).toHaveBeenCalledWith([], 1_000_000);
  });

  it('leaves the order to the core when the user clears the sort', async () => {
    const fetchPage = vi.fn(async () => page);
    const source = exploreDatasource({ ...query, sort: { by: 'records' } }, fetchPage,
      { onPage: vi.fn(), onError: vi.fn() });
    source.getRows(blockParams(0, 500));
    await flushPromises();
    expect(fetchPage).toHaveBeenCalledWith(query, 0, 500);
  });

  it('maps the sortable columns to the query\'s sort', () => {
    const sort = (colId: string, direction: 'asc' | 'desc') => sortFromModel(['tenant'], [{ colId, sort: direction }]);
    expect(sort('records', 'asc')).toEqual({ by: 'records', descending: false });
    expect(sort('quantity', 'desc')).toEqual({ by: 'quantity', descending: true });
    expect(sort('group:tenant', 'asc')).toEqual({ by: 'tenant', descending: false });
    expect(sortFromModel(['tenant'], [{ colId: 'group:meter', sort: 'asc' }])).toBeUndefined();
    expect(sortFromModel(['tenant'], [])).toBeUndefined();
  });
});

describe('UsageRecordsGrid', () => {
  const mounted: { unmount(): void }[] = [];

  beforeEach(() => {
    bridge.calls.length = 0;
    bridge.handlers = {
      'usage:records': (filter, offset, limit): UsageRecordsPage => {
        const total = filter.meters ? 2 : 1200;
        const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => record(offset + i));
        return { rows, offset, total };
      },
    };
  });

  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  });

  /** The grid inside a parent that owns the filter, as the views use it. */
  const shownFilter = ref<UsageFilter>({});

  async function mountGrid(filter: UsageFilter) {
    shownFilter.value = filter;
    const Host = defineComponent(() => () => h(UsageRecordsGrid, { filter: shownFilter.value, title: 'Records' }));
    const wrapper = mount(Host, { global: { plugins: [[primeVue, { unstyled: true }]] }, attachTo: document.body });
    mounted.push(wrapper);
    return wrapper;
  }

  it('asks for the first block, counts the records and shows each one with readable names', async () => {
    const wrapper = await mountGrid({});
    await vi.waitFor(() => expect(wrapper.find('[data-testid="records-count"]').text()).toBe('1,200 records'));
    expect(bridge.callsOf('usage:records')[0]).toEqual([{}, 0, BLOCK_SIZE]);

    await vi.waitFor(() => expect(document.querySelector('[data-testid="records-grid"] .ag-row[row-index="0"]'))
      .not.toBeNull());
    const cell = (col: string) => document.querySelector<HTMLElement>(
      `[data-testid="records-grid"] .ag-row[row-index="0"] [col-id="${col}"]`)?.textContent;
    expect(cell('usageStart')).toBe('2024-05-01 00:00');
    expect(cell('meterName')).toBe('Base VM size hours');
    expect(cell('quantity')).toBe('1,234,567.000000001');
    expect(cell('subscription')).toBe('Contoso dev');
    expect(cell('resource')).toBe('vm-web-01');
    expect(cell('tags')).toBe('env=prod; owner=ops');
  });

  it('starts again from the first record when the filter changes', async () => {
    const wrapper = await mountGrid({});
    await vi.waitFor(() => expect(wrapper.find('[data-testid="records-count"]').text()).toBe('1,200 records'));
    shownFilter.value = { meters: [METER_VM] };
    await vi.waitFor(() => expect(wrapper.find('[data-testid="records-count"]').text()).toBe('2 records'));
    expect(bridge.callsOf('usage:records').at(-1)).toEqual([{ meters: [METER_VM] }, 0, BLOCK_SIZE]);
  });

  it('says why the records could not be read', async () => {
    bridge.handlers['usage:records'] = () => {
      throw new StackmeterError('NOT_FOUND', 'There is no stamp named "gone"; list connections to see the names.');
    };
    const wrapper = await mountGrid({ stamps: ['gone'] });
    await vi.waitFor(() => expect(wrapper.find('[data-testid="records-error"]').text())
      .toContain('There is no stamp named "gone"'));
  });
});
