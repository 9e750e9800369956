import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  ExploreQuery,
  ExploreRow,
  ExportFormat,
  ExportResult,
  GroupValue,
  UsageDimension,
  UsageFilter,
} from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { deliverExports } from '../api/download.ts';
import { errorMessage } from '../api/errors.ts';
import { DIMENSION_LABELS } from '../format/usage.ts';
import {
  type PeriodChoice,
  type PeriodPreset,
  choiceForGroupKey,
  periodProblem,
  presetChoice,
  toUsagePeriod,
} from '../format/usagePeriod.ts';
import { useStampFilterStore } from './stampFilter.ts';

/**
 * The usage explorer's state: the filter bar, the group-by, the sort, the drill-down path and the exports. It lives in
 * a store so that leaving the explorer for a meter or a resource and coming back finds the same question asked.
 */

/** The dimensions the filter bar offers as lists, and the UsageFilter field each one fills. The stamp is the shared
 *  stamp filter (stores/stampFilter.ts), so that an operator looking at one stamp keeps looking at it everywhere. */
const LIST_FILTERS = {
  tenant: 'tenants',
  subscription: 'subscriptions',
  resourceGroup: 'resourceGroups',
  resource: 'resources',
  resourceType: 'resourceTypes',
  location: 'locations',
  meter: 'meters',
  service: 'services',
} as const satisfies Partial<Record<UsageDimension, keyof UsageFilter>>;

export type ListDimension = keyof typeof LIST_FILTERS;
export const LIST_DIMENSIONS = Object.keys(LIST_FILTERS) as ListDimension[];

export const MAX_GROUP_BY = 4;
/** Options fetched for a filter dropdown: one block, the most the core gives at once. */
export const OPTION_LIMIT = 5000;

export type ListSelection = Record<ListDimension, string[]>;

/** Everything the filter bar and the group-by picker hold, plain enough to copy for the drill-down path. */
export interface ExplorerState {
  period: PeriodChoice;
  /** The shared stamp filter's choice (null: all stamps). */
  stamp: string | null;
  lists: ListSelection;
  /** Resources carrying this tag key, with this value if one is given (both trimmed; empty key: no tag filter). */
  tag: { key: string; value: string };
  groupBy: UsageDimension[];
  /** The tag key whose values group the rows when grouping by Tag. */
  groupTagKey: string;
}

const emptyLists = (): ListSelection =>
  Object.fromEntries(LIST_DIMENSIONS.map((d) => [d, [] as string[]])) as unknown as ListSelection;

/** The usage filter the filter bar describes; `except` leaves one list out (its dropdown's own options). */
function buildFilter(state: ExplorerState, except?: ListDimension): UsageFilter {
  const filter: UsageFilter = {};
  const period = toUsagePeriod(state.period);
  if (period) filter.period = period;
  if (state.stamp !== null) filter.stamps = [state.stamp];
  for (const dimension of LIST_DIMENSIONS) {
    const values = state.lists[dimension];
    if (dimension !== except && values.length > 0) filter[LIST_FILTERS[dimension]] = [...values];
  }
  const key = state.tag.key.trim();
  const value = state.tag.value.trim();
  if (key) filter.tag = value ? { key, value } : { key };
  return filter;
}

/** The contract query of the explorer's state, sorted as the grid is. */
function buildQuery(state: ExplorerState, sort?: ExploreQuery['sort']): ExploreQuery {
  const query: ExploreQuery = { filter: buildFilter(state), groupBy: [...state.groupBy] };
  if (state.groupBy.includes('tag')) query.tagKey = state.groupTagKey.trim();
  if (sort) query.sort = { ...sort };
  return query;
}

/** Why the state cannot be asked yet, in words; null when it can. */
function queryProblem(state: ExplorerState): string | null {
  if (state.groupBy.length === 0) return 'Choose at least one dimension to group by.';
  if (state.groupBy.includes('tag') && !state.groupTagKey.trim()) {
    return 'Type the tag key whose values group the rows.';
  }
  if (!state.tag.key.trim() && state.tag.value.trim()) return 'Type the tag key the tag value belongs to.';
  return periodProblem(state.period);
}

/**
 * Narrows the state to one group value of a row: a list dimension filters to that key, a stamp selects it, a day or a
 * month becomes the period and a tag value the tag filter. Keys of missing values (`(untagged)`, `(imported)`) are
 * filters too. Returns false when the key cannot be read as a day or a month, so the caller can say so.
 */
function narrowTo(state: ExplorerState, dimension: UsageDimension, value: GroupValue): boolean {
  switch (dimension) {
    case 'stamp':
      state.stamp = value.key;
      return true;
    case 'tag':
      state.tag = { key: state.groupTagKey.trim(), value: value.key };
      return true;
    case 'day':
    case 'month': {
      const choice = choiceForGroupKey(dimension, value.key);
      if (choice) state.period = choice;
      return choice !== null;
    }
    default:
      state.lists[dimension] = [value.key];
      return true;
  }
}

/** What a dropdown of the filter bar offers, loaded when it first opens under the current other filters. */
export interface FilterOptions {
  /** The query they were loaded for; a change of the other filters loads them again. */
  loadedFor: string | null;
  loading: boolean;
  error: string | null;
  values: GroupValue[];
  /** How many values there are in all (more than `values` when over OPTION_LIMIT). */
  total: number;
}

const noOptions = (): FilterOptions => ({ loadedFor: null, loading: false, error: null, values: [], total: 0 });

const clone = (state: ExplorerState): ExplorerState => JSON.parse(JSON.stringify(state)) as ExplorerState;

export const useExplorerStore = defineStore('explorer', () => {
  const stampFilter = useStampFilterStore();

  const period = ref<PeriodChoice>(presetChoice('all', new Date()));
  const lists = ref<ListSelection>(emptyLists());
  const tag = ref({ key: '', value: '' });
  const groupBy = ref<UsageDimension[]>(['meter']);
  const groupTagKey = ref('');
  /** The grid's sort; absent: the core's default (quantity, largest first). */
  const sort = ref<ExploreQuery['sort']>();
  /** Labels of the keys chosen so far (by a dropdown or a drill-down), so that chips read as names, not GUIDs. */
  const labels = ref<Partial<Record<UsageDimension, Record<string, string>>>>({});
  /** The states before each drill-down, newest last: "Up" goes back one step. */
  const drillPath = ref<{ state: ExplorerState; said: string }[]>([]);
  /** Whether the raw records behind the current filter are shown under the groups. */
  const showRecords = ref(false);
  const options = ref<Record<ListDimension, FilterOptions>>(
    Object.fromEntries(LIST_DIMENSIONS.map((d) => [d, noOptions()])) as Record<ListDimension, FilterOptions>);
  const exporting = ref<ExportFormat | null>(null);

  const state = computed<ExplorerState>(() => ({
    period: period.value,
    stamp: stampFilter.selected,
    lists: lists.value,
    tag: tag.value,
    groupBy: groupBy.value,
    groupTagKey: groupTagKey.value,
  }));

  function setState(next: ExplorerState): void {
    period.value = next.period;
    stampFilter.select(next.stamp);
    lists.value = next.lists;
    tag.value = next.tag;
    groupBy.value = next.groupBy;
    groupTagKey.value = next.groupTagKey;
  }

  const problem = computed(() => queryProblem(state.value));
  const query = computed(() => buildQuery(state.value, sort.value));
  const filter = computed(() => query.value.filter);
  /** Whether anything narrows the usage (the empty state only makes sense for an unfiltered cache). */
  const filtered = computed(() => Object.keys(filter.value).length > 0);

  function choosePeriod(preset: PeriodPreset, now = new Date()): void {
    period.value = presetChoice(preset, now, period.value);
  }

  function setDates(from: string, through: string): void {
    period.value = { preset: 'custom', from, through };
  }

  function rememberLabels(dimension: UsageDimension, values: readonly GroupValue[]): void {
    const known = { ...(labels.value[dimension] ?? {}) };
    for (const value of values) known[value.key] = value.label;
    labels.value = { ...labels.value, [dimension]: known };
  }

  function labelOf(dimension: UsageDimension, key: string): string {
    return labels.value[dimension]?.[key] ?? key;
  }

  function select(dimension: ListDimension, keys: string[]): void {
    lists.value = { ...lists.value, [dimension]: keys };
  }

  function setGroupBy(dimensions: UsageDimension[]): void {
    groupBy.value = dimensions.slice(0, MAX_GROUP_BY);
    // A sort by a dimension no longer shown would order by something the user cannot see.
    const by = sort.value?.by;
    if (by && by !== 'records' && by !== 'quantity' && !groupBy.value.includes(by)) sort.value = undefined;
  }

  function clearFilters(): void {
    const next = clone(state.value);
    next.period = presetChoice('all', new Date());
    next.stamp = null;
    next.lists = emptyLists();
    next.tag = { key: '', value: '' };
    setState(next);
    drillPath.value = [];
    showRecords.value = false;
  }

  function describe(row: ExploreRow, dimensions: readonly UsageDimension[]): string {
    return dimensions.map((d, i) => `${DIMENSION_LABELS[d]}: ${row.groups[i]?.label ?? ''}`).join(', ');
  }

  /**
   * Drill-down from a row: with several dimensions, the outermost value joins the filter and the grid groups by the
   * rest (a subscription's meters); with one left, its value joins the filter and the raw records behind it show.
   * Returns false (nothing changes) when the value cannot be a filter.
   */
  function drill(row: ExploreRow): boolean {
    const dimensions = groupBy.value;
    const first = dimensions[0];
    const value = row.groups[0];
    if (!first || !value) return false;
    const next = clone(state.value);
    if (!narrowTo(next, first, value)) return false;
    drillPath.value = [...drillPath.value, { state: clone(state.value), said: describe(row, [first]) }];
    rememberLabels(first, [value]);
    if (dimensions.length > 1) next.groupBy = dimensions.slice(1);
    setState(next);
    setGroupBy(next.groupBy);
    showRecords.value = dimensions.length === 1;
    return true;
  }

  /** Every group value of a row joins the filter and its raw records show; the grouping stays. */
  function showRowRecords(row: ExploreRow): boolean {
    const next = clone(state.value);
    const dimensions = groupBy.value;
    if (!dimensions.every((d, i) => row.groups[i] !== undefined && narrowTo(next, d, row.groups[i]!))) return false;
    drillPath.value = [...drillPath.value, { state: clone(state.value), said: describe(row, dimensions) }];
    dimensions.forEach((d, i) => rememberLabels(d, [row.groups[i]!]));
    setState(next);
    showRecords.value = true;
    return true;
  }

  /** Back to the state before the last drill-down. */
  function up(): void {
    const last = drillPath.value.at(-1);
    if (!last) return;
    drillPath.value = drillPath.value.slice(0, -1);
    setState(last.state);
    setGroupBy(last.state.groupBy);
    showRecords.value = false;
  }

  /** Loads a dropdown's options: the groups of its dimension under every other filter, by label. */
  async function loadOptions(dimension: ListDimension): Promise<void> {
    const optionsQuery: ExploreQuery = {
      filter: buildFilter(state.value, dimension),
      groupBy: [dimension],
      sort: { by: dimension },
    };
    const key = JSON.stringify(optionsQuery);
    const current = options.value[dimension];
    if (current.loadedFor === key && !current.error) return;
    options.value[dimension] = { ...current, loadedFor: key, loading: true, error: null };
    try {
      const page = await api['usage:explore'](optionsQuery, 0, OPTION_LIMIT);
      if (options.value[dimension].loadedFor !== key) return;
      const values = page.rows.map((row) => row.groups[0]).filter((v): v is GroupValue => v !== undefined);
      rememberLabels(dimension, values);
      options.value[dimension] = { loadedFor: key, loading: false, error: null, values, total: page.totals.groups };
    } catch (err) {
      if (options.value[dimension].loadedFor === key) {
        options.value[dimension] = { ...noOptions(), loadedFor: key, error: errorMessage(err) };
      }
    }
  }

  /** What a dropdown lists: the loaded options, plus chosen keys they do not hold (a drill-down's value). */
  function optionsOf(dimension: ListDimension): GroupValue[] {
    const loaded = options.value[dimension].values;
    const have = new Set(loaded.map((v) => v.key));
    const missing = lists.value[dimension].filter((k) => !have.has(k))
      .map((key) => ({ key, label: labelOf(dimension, key) }));
    return [...missing, ...loaded];
  }

  /**
   * Writes the whole result (every group, not only those on screen) to a file. In the browser the file is then
   * downloaded; the desktop app leaves it in the exports folder. Returns what was written; throws with a sentence.
   */
  async function exportAs(format: ExportFormat): Promise<{ result: ExportResult; downloaded: boolean }> {
    exporting.value = format;
    try {
      const result = await api['usage:export'](query.value, format);
      const downloaded = await deliverExports([result]);
      return { result, downloaded };
    } finally {
      exporting.value = null;
    }
  }

  return {
    period, lists, tag, groupBy, groupTagKey, sort, labels, drillPath, showRecords, options, exporting,
    state, problem, query, filter, filtered,
    choosePeriod, setDates, select, setGroupBy, clearFilters, drill, showRowRecords, up, loadOptions, optionsOf,
    labelOf, rememberLabels, exportAs,
  };
});
