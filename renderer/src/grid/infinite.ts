import type { IDatasource, IGetRowsParams } from 'ag-grid-community';
import { errorMessage } from '../api/errors.ts';
import { GRID_DEFAULTS } from './setup.ts';

/**
 * Grids on AG Grid's Infinite Row Model: the grid asks for blocks of rows as the user scrolls (startRow inclusive,
 * endRow exclusive) and each block becomes one `offset, limit` call to the core, so a result of a million rows never
 * travels whole. Kept apart from the components so that the block arithmetic can be tested without a rendered grid.
 */

/** Rows per block: one call each; the core accepts up to 5,000. */
export const BLOCK_SIZE = 500;
/** Blocks kept in memory before the oldest are dropped and fetched again if scrolled back to. */
const MAX_BLOCKS = 40;

/**
 * The props of an infinite grid, bound with v-bind beside its `:datasource` (and the look every grid shares). The core
 * orders the rows, so a column sorts only where the grid's column definition says so.
 */
export function infiniteGridProps(cacheBlockSize = BLOCK_SIZE) {
  return {
    ...GRID_DEFAULTS,
    defaultColDef: { ...GRID_DEFAULTS.defaultColDef, sortable: false },
    rowModelType: 'infinite',
    cacheBlockSize,
    maxBlocksInCache: MAX_BLOCKS,
    rowBuffer: 20,
  } as const;
}

export interface DatasourceEvents<P> {
  /** Every block that arrived, for counts and totals. */
  onPage(page: P): void;
  /** A block failed: the sentence to show. */
  onError(message: string): void;
}

/**
 * A datasource that reads each block with `fetchPage(offset, limit)` (the grid's request at hand, for its sort model);
 * `lastRow` says from a page how many rows there are in all.
 */
export function pagedDatasource<P extends { rows: unknown[] }>(
  fetchPage: (offset: number, limit: number, params: IGetRowsParams) => Promise<P>,
  lastRow: (page: P) => number,
  events: DatasourceEvents<P>,
): IDatasource {
  return {
    getRows(params: IGetRowsParams): void {
      fetchPage(params.startRow, params.endRow - params.startRow, params).then((page) => {
        events.onPage(page);
        params.successCallback(page.rows, lastRow(page));
      }, (err: unknown) => {
        events.onError(errorMessage(err));
        params.failCallback();
      });
    },
  };
}
