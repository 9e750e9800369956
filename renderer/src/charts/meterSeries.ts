import type { ChartData, ChartEvent, ChartOptions, TooltipItem } from 'chart.js';
import {
  OTHER_SERIES_KEY, type SeriesBucket, type UsageFilter, type UsagePeriod, type UsageSeries,
} from '../../../electron/shared/domain.ts';
import { formatDecimalString, parseDecimal } from '../format/numbers.ts';
import { OTHER_COLOR, SERIES_COLORS } from './palette.ts';
import './register.ts';

/** Twelve stack members: the qualitative palette plus two more, so that no two members share a colour. */
const MEMBER_COLORS = [...SERIES_COLORS, '#d37295', '#a0cbe8'] as const;

export type StackBy = 'tenant' | 'subscription';

/** What the series was asked for: the records behind a bar are read with the same meter, stamp and period. */
export interface SeriesScope {
  meterId: string;
  stamp: string | null;
  period?: UsagePeriod;
  stackBy: StackBy;
}

/** A clicked bar: its bucket (column) and stack member (series key), or the whole bucket (null member). */
export interface SelectedBar {
  bucket: number;
  member: string | null;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A bucket's start as people read it, in UTC: `2026-11-17 05:00`, `2026-11-17`, `2026-11`. */
export function bucketLabel(bucket: SeriesBucket, start: string): string {
  const d = new Date(start);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (bucket === 'hour') return `${day} ${pad(d.getUTCHours())}:00`;
  return bucket === 'day' ? day : day.slice(0, 7);
}

/** The exclusive end of the bucket starting at `start` (ISO UTC). */
export function bucketEnd(bucket: SeriesBucket, start: string): string {
  const d = new Date(start);
  const end = bucket === 'hour' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1)
    : bucket === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return isoHour(end);
}

/** `YYYY-MM-DDTHH:00:00Z`, the hour form the contract's periods take. */
function isoHour(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 13)}:00:00Z`;
}

const instant = (text: string): number => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);

/** What the records grid below the chart shows for a selected bar, and how to say what it is. */
export interface BarRecords {
  filter: UsageFilter;
  title: string;
  /** Set when the selection cannot be narrowed to one member ("Other" stands for many). */
  note: string | null;
}

/**
 * The filter of the raw records behind a bar: the meter, the stamp, the bucket's hours (cut to the period asked for: a
 * month bucket of a 30-day period starts at the period's first day) and the bar's tenant or subscription. "Other" and
 * a whole bucket keep every member, and the note says so.
 */
export function barRecords(series: UsageSeries, scope: SeriesScope, bar: SelectedBar): BarRecords | null {
  const start = series.buckets[bar.bucket];
  if (start === undefined) return null;
  let from = instant(start);
  let to = instant(bucketEnd(series.bucket, start));
  if (scope.period) {
    from = Math.max(from, instant(scope.period.from));
    to = Math.min(to, instant(scope.period.to));
  }
  const filter: UsageFilter = { meters: [scope.meterId], period: { from: isoHour(from), to: isoHour(to) } };
  if (scope.stamp !== null) filter.stamps = [scope.stamp];
  const when = bucketLabel(series.bucket, start);
  const what = scope.stackBy === 'tenant' ? 'tenants' : 'subscriptions';
  const member = bar.member === null ? undefined : series.series.find((s) => s.key === bar.member);
  if (member === undefined || member.key === OTHER_SERIES_KEY) {
    return {
      filter,
      title: `Records of ${when}, all ${what}`,
      note: member === undefined ? null
        : `"Other" sums the ${what} beyond the twelve largest; the records below are of all ${what} in this bucket.`,
    };
  }
  if (scope.stackBy === 'tenant') filter.tenants = [member.key];
  else filter.subscriptions = [member.key];
  return { filter, title: `Records of ${when}, ${member.label}`, note: null };
}

/** The exact sum of decimal strings (as the core sends them), without floats. */
export function addDecimalStrings(values: readonly string[]): string {
  let units = 0n;
  let scale = 0;
  for (const value of values) {
    const parts = parseDecimal(value);
    if (!parts) continue;
    const fraction = parts.fraction;
    if (fraction.length > scale) {
      units *= 10n ** BigInt(fraction.length - scale);
      scale = fraction.length;
    }
    const n = BigInt(parts.integer + fraction.padEnd(scale, '0'));
    units += parts.negative ? -n : n;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${integer}.${fraction}` : integer;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Each bucket's total over all stack members, exact. */
export function bucketTotals(series: UsageSeries): string[] {
  return series.buckets.map((_, i) => addDecimalStrings(series.series.map((s) => s.quantities[i] ?? '0')));
}

export interface MeterSeriesChart {
  data: ChartData<'bar', number[], string>;
  options: ChartOptions<'bar'>;
}

const AXIS_TITLE: Record<SeriesBucket, string> = {
  hour: 'Usage hour (UTC)', day: 'Usage day (UTC)', month: 'Usage month (UTC)',
};

/**
 * A stacked bar chart of a meter's series: one dataset per stack member, largest first, "Other" in grey. Bars are drawn
 * from float copies; tooltips show the exact decimal strings. Clicking a segment selects that bucket and member,
 * clicking beside the segments the whole bucket.
 */
export function buildMeterSeriesChart(series: UsageSeries, onSelect: (bar: SelectedBar) => void, locale?: string):
  MeterSeriesChart {
  const labels = series.buckets.map((start) => bucketLabel(series.bucket, start));
  // Hundreds of hour columns read as one band when they touch; gaps between them would only flicker.
  const dense = series.buckets.length > 120;
  let colour = 0;
  const datasets = series.series.map((s) => {
    const color = s.key === OTHER_SERIES_KEY ? OTHER_COLOR : MEMBER_COLORS[colour++ % MEMBER_COLORS.length]!;
    return {
      label: s.label,
      data: s.quantities.map(Number),
      backgroundColor: color,
      borderColor: color,
      borderWidth: 0,
      stack: 'quantity',
      ...(dense ? { barPercentage: 1, categoryPercentage: 1 } : {}),
    };
  });
  const totals = bucketTotals(series);
  const exact = (value: string): string => `${formatDecimalString(value, locale)} ${series.unit}`.trim();

  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'nearest', intersect: true },
    onClick: (event: ChartEvent, _elements, chart) => {
      if (!event.native) return;
      const [segment] = chart.getElementsAtEventForMode(event.native, 'nearest', { intersect: true }, false);
      if (segment) {
        onSelect({ bucket: segment.index, member: series.series[segment.datasetIndex]?.key ?? null });
        return;
      }
      const [column] = chart.getElementsAtEventForMode(event.native, 'index', { intersect: false }, false);
      if (column) onSelect({ bucket: column.index, member: null });
    },
    onHover: (event, elements) => {
      const target = event.native?.target as HTMLElement | undefined;
      if (target) target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
    },
    scales: {
      // Buckets are labelled with their UTC start as text, so the axis reads in UTC whatever the viewer's time zone.
      x: {
        type: 'category',
        stacked: true,
        title: { display: true, text: AXIS_TITLE[series.bucket] },
        grid: { display: false },
        ticks: { autoSkip: true, maxRotation: 0 },
      },
      y: {
        stacked: true,
        beginAtZero: true,
        title: { display: true, text: series.unit || 'Quantity' },
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
      tooltip: {
        mode: 'index',
        intersect: false,
        filter: (item: TooltipItem<'bar'>) => (item.parsed.y ?? 0) !== 0,
        callbacks: {
          label: (item: TooltipItem<'bar'>) =>
            `${item.dataset.label ?? ''}: ${exact(series.series[item.datasetIndex]?.quantities[item.dataIndex] ?? '0')}`,
          footer: (items: TooltipItem<'bar'>[]) =>
            (items[0] ? `Total: ${exact(totals[items[0].dataIndex] ?? '0')}` : ''),
        },
      },
    },
  };
  return { data: { labels, datasets }, options };
}

/** A sentence for screen readers: what the chart shows and its largest bucket. */
export function seriesSummary(series: UsageSeries, stackBy: StackBy, locale?: string): string {
  if (series.buckets.length === 0) return 'No usage in this period.';
  const totals = bucketTotals(series);
  let largest = 0;
  totals.forEach((t, i) => {
    if (Number(t) > Number(totals[largest])) largest = i;
  });
  const start = series.buckets[largest] ?? '';
  return `Quantity per ${series.bucket} in ${series.unit || 'the meter\'s unit'}, stacked by ${stackBy}, ` +
    `${series.buckets.length} buckets from ${bucketLabel(series.bucket, series.buckets[0] ?? '')} to ` +
    `${bucketLabel(series.bucket, series.buckets.at(-1) ?? '')}; largest ${bucketLabel(series.bucket, start)} with ` +
    `${formatDecimalString(totals[largest] ?? '0', locale)}. The table of buckets below lists every bucket.`;
}
