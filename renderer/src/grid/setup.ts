import { AllCommunityModule, ModuleRegistry, themeQuartz } from 'ag-grid-community';
import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { formatCount } from '../format/numbers.ts';
import { formatUtc, formatUtcCompact, formatUtcDate, localTitle } from '../format/time.ts';

ModuleRegistry.registerModules([AllCommunityModule]);

/** One grid look for every table: Quartz, tightened for a dense console and matched to the app's type and colours. */
const gridTheme = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 12,
  headerFontSize: 12,
  headerFontWeight: 600,
  spacing: 4,
  cellHorizontalPadding: 8,
  rowHeight: 28,
  headerHeight: 32,
  accentColor: '#2563eb',
  borderColor: '#e2e8f0',
  headerBackgroundColor: '#f8fafc',
  oddRowBackgroundColor: '#fcfdfe',
  wrapperBorderRadius: 6,
});

/**
 * What every grid shares, bound with v-bind (a grid's own props after it win): the theme, sortable and resizable
 * columns without the column menu (nothing in it applies here), and cell tooltips as the browser's own.
 */
export const GRID_DEFAULTS = {
  theme: gridTheme,
  defaultColDef: { sortable: true, resizable: true, suppressHeaderMenuButton: true },
  enableBrowserTooltips: true,
} as const;

/**
 * A column of ISO UTC times: shown in UTC without the suffix (the header says UTC, which keeps the column narrow), or as
 * the UTC day alone where the hour matters less than the width; the full UTC time and the local time on hover.
 */
export function utcTimeColumn<T>(colDef: ColDef<T> & { headerName: string }, dateOnly = false): ColDef<T> {
  return {
    width: 140,
    valueFormatter: (p: ValueFormatterParams<T>) =>
      (dateOnly ? formatUtcDate : formatUtcCompact)(p.value as string | null),
    tooltipValueGetter: (p) => {
      const value = p.value as string | null;
      return value ? `${formatUtc(value)}\n${localTitle(value)}` : '';
    },
    ...colDef,
    // Day-only columns are narrow: the header tooltip says UTC instead of the header text.
    ...(dateOnly ? { headerTooltip: `${colDef.headerName}: UTC day` } : { headerName: `${colDef.headerName} (UTC)` }),
  };
}

/** The key pressed in a grid cell: AG Grid types a cell's browser event as any Event. */
export function cellKey(event: { event?: Event | null }): string | undefined {
  return (event.event as KeyboardEvent | null | undefined)?.key;
}

/** A right-aligned count column formatted in the user's locale. */
export function countColumn<T>(colDef: ColDef<T>): ColDef<T> {
  return {
    width: 80,
    type: 'rightAligned',
    valueFormatter: (p: ValueFormatterParams<T>) => (typeof p.value === 'number' ? formatCount(p.value) : ''),
    ...colDef,
  };
}
