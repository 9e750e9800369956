import { createPinia, setActivePinia } from 'pinia';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { ExplorePage, ExploreQuery, ExploreRow } from '../../../electron/shared/domain.ts';
import { OPTION_LIMIT, useExplorerStore } from '../../../renderer/src/stores/explorer.ts';
import { useStampFilterStore } from '../../../renderer/src/stores/stampFilter.ts';
import { FakeBridge } from './fake-bridge.ts';

const bridge = new FakeBridge();

beforeAll(() => {
  (window as unknown as Record<string, unknown>)[BRIDGE_KEY] = bridge;
});

const SUB_A = '5b7e3c1a-0000-4000-8000-00000000000a';
const METER_VM = 'fab6eb84-500b-4a09-a8ca-7358f8bbaea5';

const row = (groups: [string, string][], records = 10, quantity: string | null = '12.5'): ExploreRow => ({
  groups: groups.map(([key, label]) => ({ key, label })), records, quantity, unit: quantity === null ? null : 'Hours',
});

const page = (rows: ExploreRow[], groups = rows.length): ExplorePage => ({
  rows, offset: 0, totals: { groups, records: 10 * groups, quantity: null, unit: null },
});

describe('the explorer store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    bridge.calls.length = 0;
    bridge.handlers = {};
  });

  it('asks by meter for all cached usage until the filter bar says otherwise', () => {
    const store = useExplorerStore();
    expect(store.query).toEqual({ filter: {}, groupBy: ['meter'] });
    expect(store.problem).toBeNull();
  });

  it('builds the query from the filter bar: period, stamp, lists, tag, group-by with its tag key, sort', () => {
    const store = useExplorerStore();
    store.choosePeriod('lastMonth', new Date('2024-03-15T08:30:00Z'));
    useStampFilterStore().select('lab');
    store.select('subscription', [SUB_A]);
    store.select('meter', [METER_VM]);
    store.select('location', []);
    store.tag.key = ' costCenter ';
    store.tag.value = '';
    store.setGroupBy(['tag', 'meter', 'day']);
    store.groupTagKey = 'owner';
    store.sort = { by: 'records', descending: true };

    expect(store.query).toEqual({
      filter: {
        period: { from: '2024-02-01', to: '2024-03-01' },
        stamps: ['lab'],
        subscriptions: [SUB_A],
        meters: [METER_VM],
        tag: { key: 'costCenter' },
      },
      groupBy: ['tag', 'meter', 'day'],
      tagKey: 'owner',
      sort: { by: 'records', descending: true },
    } satisfies ExploreQuery);
  });

  it('turns the period presets and typed dates into whole UTC days with an exclusive end', () => {
    const store = useExplorerStore();
    const now = new Date('2024-03-15T23:59:00Z');
    store.choosePeriod('thisMonth', now);
    expect(store.query.filter.period).toEqual({ from: '2024-03-01', to: '2024-03-16' });
    store.choosePeriod('last7', now);
    expect(store.query.filter.period).toEqual({ from: '2024-03-09', to: '2024-03-16' });
    store.setDates('2023-12-30', '2023-12-31');
    expect(store.query.filter.period).toEqual({ from: '2023-12-30', to: '2024-01-01' });
    store.choosePeriod('all', now);
    expect(store.query.filter.period).toBeUndefined();
  });

  it('says what is missing instead of asking a question the core would refuse', () => {
    const store = useExplorerStore();
    store.setDates('2024-03-10', '2024-03-01');
    expect(store.problem).toBe('The period\'s first day must be on or before its last day.');
    store.setDates('2024-03-01', '2024-03-10');
    store.setGroupBy(['tag']);
    expect(store.problem).toBe('Type the tag key whose values group the rows.');
    store.groupTagKey = 'env';
    expect(store.problem).toBeNull();
  });

  it('keeps at most four group-by dimensions and forgets a sort by a dimension no longer shown', () => {
    const store = useExplorerStore();
    store.setGroupBy(['stamp', 'tenant', 'subscription', 'meter', 'day']);
    expect(store.groupBy).toEqual(['stamp', 'tenant', 'subscription', 'meter']);
    store.sort = { by: 'tenant' };
    store.setGroupBy(['meter']);
    expect(store.sort).toBeUndefined();
  });

  it('drills down: the outer value joins the filter, the grid groups by the rest, the last level shows records', () => {
    const store = useExplorerStore();
    store.setGroupBy(['subscription', 'meter']);

    expect(store.drill(row([[SUB_A, 'Contoso dev'], [METER_VM, 'Base VM size hours']]))).toBe(true);
    expect(store.query).toEqual({ filter: { subscriptions: [SUB_A] }, groupBy: ['meter'] });
    expect(store.showRecords).toBe(false);
    expect(store.labelOf('subscription', SUB_A)).toBe('Contoso dev');

    expect(store.drill(row([[METER_VM, 'Base VM size hours']]))).toBe(true);
    expect(store.query).toEqual({ filter: { subscriptions: [SUB_A], meters: [METER_VM] }, groupBy: ['meter'] });
    expect(store.showRecords).toBe(true);
    expect(store.drillPath.map((step) => step.said))
      .toEqual(['Subscription: Contoso dev', 'Meter: Base VM size hours']);

    store.up();
    expect(store.query).toEqual({ filter: { subscriptions: [SUB_A] }, groupBy: ['meter'] });
    expect(store.showRecords).toBe(false);
    store.up();
    expect(store.query).toEqual({ filter: {}, groupBy: ['subscription', 'meter'] });
  });

  it('drills into a stamp, a day, a month and a tag value through the stamp filter, the period and the tag', () => {
    const store = useExplorerStore();
    store.setGroupBy(['stamp', 'month', 'day', 'tag']);
    store.groupTagKey = 'env';
    const deep = row([['lab2', 'lab2'], ['2024-02', 'February 2024'], ['2024-02-29', '2024-02-29'], ['prod', 'prod']]);

    expect(store.drill(deep)).toBe(true);
    expect(useStampFilterStore().selected).toBe('lab2');
    expect(store.drill(row([['2024-02', 'February 2024']]))).toBe(true);
    expect(store.query.filter.period).toEqual({ from: '2024-02-01', to: '2024-03-01' });
    expect(store.drill(row([['2024-02-29', '2024-02-29']]))).toBe(true);
    expect(store.query.filter.period).toEqual({ from: '2024-02-29', to: '2024-03-01' });
    expect(store.drill(row([['prod', 'prod']]))).toBe(true);
    expect(store.query).toEqual({
      filter: {
        period: { from: '2024-02-29', to: '2024-03-01' }, stamps: ['lab2'], tag: { key: 'env', value: 'prod' },
      },
      groupBy: ['tag'],
      tagKey: 'env',
    });
  });

  it('drills into the group of missing values with its key, which the core reads as "without"', () => {
    const store = useExplorerStore();
    store.setGroupBy(['tag']);
    store.groupTagKey = 'env';
    expect(store.drill(row([['(untagged)', '(untagged)']]))).toBe(true);
    expect(store.query.filter).toEqual({ tag: { key: 'env', value: '(untagged)' } });
  });

  it('does not drill into a day it cannot read', () => {
    const store = useExplorerStore();
    store.setGroupBy(['day']);
    expect(store.drill(row([['yesterday', 'yesterday']]))).toBe(false);
    expect(store.query.filter).toEqual({});
    expect(store.drillPath).toEqual([]);
  });

  it('shows a row\'s records with every one of its group values in the filter, keeping the grouping', () => {
    const store = useExplorerStore();
    store.setGroupBy(['subscription', 'meter']);
    expect(store.showRowRecords(row([[SUB_A, 'Contoso dev'], [METER_VM, 'Base VM size hours']]))).toBe(true);
    expect(store.query).toEqual({
      filter: { subscriptions: [SUB_A], meters: [METER_VM] }, groupBy: ['subscription', 'meter'],
    });
    expect(store.showRecords).toBe(true);
  });

  it('loads a dropdown\'s options: its dimension\'s groups under the other filters, once per question', async () => {
    bridge.handlers['usage:explore'] = () => page([row([['eastus', 'eastus']]), row([['westus', 'westus']])]);
    const store = useExplorerStore();
    store.select('location', ['local']);
    store.select('service', ['Compute']);
    store.rememberLabels('location', [{ key: 'local', label: 'local' }]);

    await store.loadOptions('location');
    await store.loadOptions('location');

    expect(bridge.callsOf('usage:explore')).toEqual([[
      { filter: { services: ['Compute'] }, groupBy: ['location'], sort: { by: 'location' } }, 0, OPTION_LIMIT,
    ]]);
    // The chosen value stays listed (and first) even though the other filters no longer lead to it.
    expect(store.optionsOf('location').map((o) => o.key)).toEqual(['local', 'eastus', 'westus']);

    store.select('service', []);
    await store.loadOptions('location');
    expect(bridge.callsOf('usage:explore')).toHaveLength(2);
  });

  it('keeps the error of a dropdown that could not load and tries again when it opens next', async () => {
    let fail = true;
    bridge.handlers['usage:explore'] = () => {
      if (fail) throw new Error('disk I/O error');
      return page([row([['Compute', 'Compute']])]);
    };
    const store = useExplorerStore();
    await store.loadOptions('service');
    expect(store.options.service.error).toBe('Unexpected error: disk I/O error');
    fail = false;
    await store.loadOptions('service');
    expect(store.options.service.error).toBeNull();
    expect(store.optionsOf('service')).toEqual([{ key: 'Compute', label: 'Compute' }]);
  });

  it('exports the current query with its sort; the desktop app leaves the file where the core wrote it', async () => {
    bridge.handlers['usage:export'] = (_query, format) =>
      ({ fileName: `usage.${format}`, path: `/data/exports/usage.${format}`, rows: 3, bytes: 2048 });
    const store = useExplorerStore();
    store.select('meter', [METER_VM]);
    store.sort = { by: 'quantity', descending: false };

    const exported = store.exportAs('xlsx');
    expect(store.exporting).toBe('xlsx');
    const { result, downloaded } = await exported;

    expect(bridge.callsOf('usage:export')).toEqual([[
      { filter: { meters: [METER_VM] }, groupBy: ['meter'], sort: { by: 'quantity', descending: false } }, 'xlsx',
    ]]);
    expect(result.path).toBe('/data/exports/usage.xlsx');
    expect(downloaded).toBe(false);
    expect(store.exporting).toBeNull();
  });

  it('clears every filter but keeps the grouping', () => {
    const store = useExplorerStore();
    store.setGroupBy(['service', 'meter']);
    store.drill(row([['Compute', 'Compute'], [METER_VM, 'VM']]));
    store.choosePeriod('last7');
    store.clearFilters();
    expect(store.query).toEqual({ filter: {}, groupBy: ['meter'] });
    expect(store.drillPath).toEqual([]);
    expect(store.filtered).toBe(false);
  });
});
