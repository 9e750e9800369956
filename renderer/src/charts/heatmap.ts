import type { ChartData, ChartOptions, Scale, TooltipItem } from 'chart.js';
import type {} from 'chartjs-chart-matrix'; // the 'matrix' chart type's declarations
import type { Completeness } from '../../../electron/shared/domain.ts';
import { isDaily } from '../format/completeness.ts';
import { formatCount } from '../format/numbers.ts';
import { formatUtc } from '../format/time.ts';
import { seriesColor } from './palette.ts';

/** One drawn cell: a subscription (row) over `hours` hours from `from`. */
export interface HeatmapCell {
  /** Centre of the cell, in columns from the period's start. */
  x: number;
  /** Columns the cell spans: 1, or a day's worth for a subscription with daily usage. */
  span: number;
  /** The row's index (the y axis labels it), so two subscriptions with one name stay apart. */
  y: number;
  /** Records in the cell. */
  v: number;
  /** ISO start of the cell's first hour. */
  from: string;
  hours: number;
  /** Part of the cell lies in a gap: of the subscription, or of its whole stamp. */
  gap: 'subscription' | 'stamp' | null;
}

export interface CompletenessHeatmap {
  data: ChartData<'matrix', HeatmapCell[]>;
  options: ChartOptions<'matrix'>;
  /** Row labels, top to bottom. */
  labels: string[];
  /** Hours per column: 1 unless the period has too many cells to draw one per hour. */
  bucketHours: number;
  columns: number;
  /** Pixels the chart needs to give every row a readable band. */
  height: number;
}

/** About as many rectangles as a canvas redraws without lag on hover. */
export const MAX_CELLS = 40_000;
const BUCKETS = [1, 2, 3, 4, 6, 12, 24];
const ROW_PX = 20;
const AXES_PX = 56;
const HOUR_MS = 3600 * 1000;

export const CELL_COLOR = seriesColor(0);
export const GAP_FILL = '#fde2e1';
export const GAP_BORDER = seriesColor(3);

/**
 * The completeness heat map for chartjs-chart-matrix: hours across, one row per subscription, each cell coloured from
 * white (no records) to the palette's blue by its records relative to the row's busiest cell (a subscription with ten
 * records an hour and one with ten thousand are both read at a glance), and cells in a gap filled and outlined in red.
 * Empty cells outside gaps are not drawn at all (the canvas is white), which keeps a sparse map cheap. When rows ×
 * hours would exceed MAX_CELLS, columns hold several hours each (2, 3, 4, 6, 12 or 24). A subscription with daily
 * usage gets one cell per day.
 */
export function buildCompletenessHeatmap(completeness: Completeness, locale?: string): CompletenessHeatmap {
  const { rows } = completeness;
  const bucketHours = BUCKETS.find((b) => rows.length * Math.ceil(completeness.hours / b) <= MAX_CELLS) ?? 24;
  const columns = Math.ceil(completeness.hours / bucketHours);
  const start = Date.parse(completeness.from);
  const offset = (iso: string): number => Math.round((Date.parse(iso) - start) / HOUR_MS);

  const subscriptionGaps = new Map<string, { from: number; to: number }[]>();
  const stampGaps = new Map<string, { from: number; to: number }[]>();
  for (const g of completeness.gaps) {
    const run = { from: offset(g.from), to: offset(g.to) };
    const key = g.subscriptionId === null ? g.stamp ?? '' : `${g.stamp ?? ''}|${g.subscriptionId}`;
    const runs = g.subscriptionId === null ? stampGaps : subscriptionGaps;
    runs.set(key, [...(runs.get(key) ?? []), run]);
  }
  const overlaps = (runs: { from: number; to: number }[] | undefined, from: number, to: number): boolean =>
    !!runs?.some((r) => r.from < to && from < r.to);

  // Day ticks at each UTC midnight of the period (hour offsets); daily rows are drawn one cell per day between them.
  const midnightHours: number[] = [];
  for (let hour = 0; hour < completeness.hours; hour++) {
    if (new Date(start + hour * HOUR_MS).getUTCHours() === 0) midnightHours.push(hour);
  }
  const columnSpans = Array.from({ length: columns }, (_, c) =>
    ({ from: c * bucketHours, to: Math.min((c + 1) * bucketHours, completeness.hours) }));
  const daySpans = [0, ...midnightHours.filter((h) => h > 0), completeness.hours].slice(0, -1)
    .map((from, i, all) => ({ from, to: all[i + 1] ?? completeness.hours }));

  const cells: HeatmapCell[] = [];
  const rowMax: number[] = [];
  rows.forEach((row, y) => {
    const spans = isDaily(row.counts, completeness.from) ? daySpans : columnSpans;
    const sums = spans.map(({ from, to }) => row.counts.slice(from, to).reduce((a, b) => a + b, 0));
    rowMax.push(Math.max(0, ...sums));
    const mine = subscriptionGaps.get(`${row.stamp ?? ''}|${row.subscriptionId}`);
    const stamps = row.stamp === null ? undefined : stampGaps.get(row.stamp);
    spans.forEach(({ from, to }, i) => {
      const v = sums[i] ?? 0;
      const gap = overlaps(mine, from, to) ? 'subscription' : overlaps(stamps, from, to) ? 'stamp' : null;
      if (v === 0 && gap === null) return;
      cells.push({
        x: (from + to) / 2 / bucketHours, span: (to - from) / bucketHours, y, v,
        from: new Date(start + from * HOUR_MS).toISOString(), hours: to - from, gap,
      });
    });
  });

  const labels = rowLabels(completeness);
  const count = (n: number): string => formatCount(n, locale);
  const cellOf = (item: TooltipItem<'matrix'>): HeatmapCell => item.raw as HeatmapCell;


  const options: ChartOptions<'matrix'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: columns,
        offset: false,
        position: 'top',
        afterBuildTicks: (scale: Scale) => {
          scale.ticks = midnightHours.map((hour) => ({ value: hour / bucketHours }));
        },
        ticks: {
          autoSkip: true,
          maxRotation: 0,
          callback: (value) => new Date(start + Number(value) * bucketHours * HOUR_MS).toISOString().slice(5, 10),
        },
        grid: { display: true, color: '#e2e8f0', drawTicks: true },
        title: { display: true, text: 'UTC day (one column per hour' +
          (bucketHours === 1 ? ')' : `; ${bucketHours} hours per column at this span)`) },
      },
      // Rows by index on a linear axis: a category axis would file a numeric y under the point's position in the data
      // rather than its value, and string labels could repeat.
      y: {
        type: 'linear',
        min: -0.5,
        max: rows.length - 0.5,
        reverse: true,
        afterBuildTicks: (scale: Scale) => {
          scale.ticks = labels.map((_, value) => ({ value }));
        },
        grid: { display: false },
        ticks: { autoSkip: false, font: { size: 11 }, callback: (value) => labels[Number(value)] ?? '' },
      },
    },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: (items: TooltipItem<'matrix'>[]) => {
            const item = items[0];
            return item ? tooltipTitle(completeness, cellOf(item).y) : '';
          },
          label: (item: TooltipItem<'matrix'>) => {
            const cell = cellOf(item);
            return `${hourRange(cell)}: ${count(cell.v)} ${cell.v === 1 ? 'record' : 'records'}`;
          },
          afterLabel: (item: TooltipItem<'matrix'>) => {
            const cell = cellOf(item);
            if (cell.gap === 'subscription') return 'Gap: this subscription has no records here';
            if (cell.gap === 'stamp') return 'Gap: no subscription of the stamp has records here';
            return '';
          },
        },
      },
    },
  };

  const data: ChartData<'matrix', HeatmapCell[]> = {
    datasets: [{
      label: 'Records',
      data: cells,
      backgroundColor: (ctx) => {
        const cell = ctx.raw as HeatmapCell | undefined;
        return cell ? cellColor(cell, rowMax[cell.y] ?? 0) : 'transparent';
      },
      borderColor: (ctx) => ((ctx.raw as HeatmapCell | undefined)?.gap ? GAP_BORDER : 'transparent'),
      borderWidth: (ctx) => ((ctx.raw as HeatmapCell | undefined)?.gap ? 1 : 0),
      width: ({ chart, raw }) => Math.max(1,
        ((chart.chartArea?.width ?? 0) / columns) * ((raw as HeatmapCell | undefined)?.span ?? 1) - (columns > 200 ? 0 : 1)),
      height: ({ chart }) => Math.max(1, (chart.chartArea?.height ?? 0) / Math.max(1, rows.length) - 2),
    }],
  };

  return { data, options, labels, bucketHours, columns, height: rows.length * ROW_PX + AXES_PX };
}

/** White to the palette's blue: the busiest cell of a row is full colour, any record at least a quarter of it. */
export function cellColor(cell: Pick<HeatmapCell, 'v' | 'gap'>, rowMax: number): string {
  if (cell.v === 0) return cell.gap ? GAP_FILL : '#ffffff';
  const share = rowMax > 0 ? cell.v / rowMax : 1;
  return mix('#ffffff', CELL_COLOR, 0.25 + 0.75 * share);
}

/** `north · Analytics`; a name two subscriptions of a stamp share gets the start of each GUID. */
export function rowLabels(completeness: Completeness): string[] {
  const stamps = new Set(completeness.rows.map((r) => r.stamp));
  const seen = new Map<string, number>();
  for (const r of completeness.rows) seen.set(`${r.stamp}|${r.label}`, (seen.get(`${r.stamp}|${r.label}`) ?? 0) + 1);
  return completeness.rows.map((r) => {
    const name = (seen.get(`${r.stamp}|${r.label}`) ?? 0) > 1 ? `${r.label} (${r.subscriptionId.slice(0, 8)})` : r.label;
    return stamps.size > 1 ? `${r.stamp ?? 'imported'} · ${name}` : name;
  });
}

function tooltipTitle(completeness: Completeness, y: number): string {
  const row = completeness.rows[y];
  if (!row) return '';
  const named = row.label === row.subscriptionId ? row.subscriptionId : `${row.label} (${row.subscriptionId})`;
  return `${row.stamp ?? 'Imported'} · ${named}`;
}

/** `2026-10-01 13:00 UTC`, `2026-10-01 12:00 UTC + 6 h` for a column of several hours, `2026-10-01 (UTC day)`. */
function hourRange(cell: HeatmapCell): string {
  if (cell.hours === 1) return formatUtc(cell.from);
  if (cell.hours === 24 && cell.from.slice(11, 19) === '00:00:00') return `${cell.from.slice(0, 10)} (UTC day)`;
  return `${formatUtc(cell.from)} + ${cell.hours} h`;
}

function mix(from: string, to: string, share: number): string {
  const a = [1, 3, 5].map((i) => parseInt(from.slice(i, i + 2), 16));
  const b = [1, 3, 5].map((i) => parseInt(to.slice(i, i + 2), 16));
  return `#${a.map((x, i) => Math.round(x + ((b[i] ?? x) - x) * share).toString(16).padStart(2, '0')).join('')}`;
}
