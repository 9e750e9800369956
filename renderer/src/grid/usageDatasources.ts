import type { IDatasource, IGetRowsParams, SortModelItem } from 'ag-grid-community';
import type {
  ExplorePage,
  ExploreQuery,
  ExploreRow,
  UsageDimension,
  UsageFilter,
  UsageRecordRow,
  UsageRecordsPage,
} from '../../../electron/shared/domain.ts';
import { errorMessage } from '../api/errors.ts';

/**
 * Datasources for AG Grid's Infinite Row Model over the usage contract: the grid asks for blocks of rows as the user
 * scrolls (startRow inclusive, endRow exclusive) and each block becomes one `offset, limit` call, so a result of a
 * million groups or records never travels whole. Kept apart from the components so that the block arithmetic and the
 * sort mapping can be tested without a rendered grid.
 */

/** Rows per block: one call each; the core accepts up to 5,000. */
export const BLOCK_SIZE = 500;
/** Blocks kept in memory (20,000 rows) before the oldest are dropped and fetched again if scrolled back to. */
export const MAX_BLOCKS = 40;

export interface DatasourceEvents<P> {
  /** Every block that arrived, for counts and totals. */
  onPage(page: P): void;
  /** A block failed: the sentence to show. */
  onError(message: string): void;
}

type RecordsFetch = (filter: UsageFilter, offset: number, limit: number) => Promise<UsageRecordsPage>;
type ExploreFetch = (query: ExploreQuery, offset: number, limit: number) => Promise<ExplorePage>;

/** Raw usage records behind a filter; the last row is the filter's record count. */
export function recordsDatasource(
  filter: UsageFilter,
  fetchPage: RecordsFetch,
  events: DatasourceEvents<UsageRecordsPage>,
): IDatasource {
  return {
    getRows(params: IGetRowsParams<UsageRecordRow>): void {
      fetchPage(filter, params.startRow, params.endRow - params.startRow).then((page) => {
        events.onPage(page);
        params.successCallback(page.rows, page.total);
      }, (err: unknown) => {
        events.onError(errorMessage(err));
        params.failCallback();
      });
    },
  };
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
  return {
    getRows(params: IGetRowsParams<ExploreRow>): void {
      const sorted: ExploreQuery = { ...query };
      const sort = sortFromModel(query.groupBy, params.sortModel);
      if (sort) sorted.sort = sort;
      else delete sorted.sort;
      fetchPage(sorted, params.startRow, params.endRow - params.startRow).then((page) => {
        events.onPage(page);
        params.successCallback(page.rows, page.totals.groups);
      }, (err: unknown) => {
        events.onError(errorMessage(err));
        params.failCallback();
      });
    },
  };
}
