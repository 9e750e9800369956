import type { IDatasource, SortModelItem } from 'ag-grid-community';
import type {
  ExplorePage,
  ExploreQuery,
  UsageDimension,
  UsageFilter,
  UsageRecordsPage,
} from '../../../electron/shared/domain.ts';
import { type DatasourceEvents, pagedDatasource } from './infinite.ts';

/**
 * Infinite-grid datasources over the usage contract (see infinite.ts), and the mapping of the explorer grid's sort
 * model to the query's sort, testable without a rendered grid.
 */

type RecordsFetch = (filter: UsageFilter, offset: number, limit: number) => Promise<UsageRecordsPage>;
type ExploreFetch = (query: ExploreQuery, offset: number, limit: number) => Promise<ExplorePage>;

/** Raw usage records behind a filter; the last row is the filter's record count. */
export function recordsDatasource(
  filter: UsageFilter,
  fetchPage: RecordsFetch,
  events: DatasourceEvents<UsageRecordsPage>,
): IDatasource {
  return pagedDatasource((offset, limit) => fetchPage(filter, offset, limit), (page) => page.total, events);
}

/** The grid column of a group-by dimension; `sortFromModel` maps it back. */
export const groupColumnId = (dimension: UsageDimension): string => `group:${dimension}`;

/**
 * The query's sort from the grid's sort model (the grid holds the sort the user clicked): a group column sorts by its
 * dimension, Records and Quantity by themselves; no sort leaves the core's default order (quantity, largest first).
 */
export function sortFromModel(
  groupBy: readonly UsageDimension[],
  sortModel: readonly SortModelItem[],
): ExploreQuery['sort'] {
  const first = sortModel[0];
  if (!first) return undefined;
  const descending = first.sort === 'desc';
  if (first.colId === 'records' || first.colId === 'quantity') return { by: first.colId, descending };
  const dimension = groupBy.find((d) => groupColumnId(d) === first.colId);
  return dimension ? { by: dimension, descending } : undefined;
}

/** Explorer groups; the last row is the number of groups, and every block carries the totals of them all. */
export function exploreDatasource(
  query: ExploreQuery,
  fetchPage: ExploreFetch,
  events: DatasourceEvents<ExplorePage>,
): IDatasource {
  return pagedDatasource((offset, limit, params) => {
    const sorted: ExploreQuery = { ...query };
    const sort = sortFromModel(query.groupBy, params.sortModel);
    if (sort) sorted.sort = sort;
    else delete sorted.sort;
    return fetchPage(sorted, offset, limit);
  }, (page) => page.totals.groups, events);
}
