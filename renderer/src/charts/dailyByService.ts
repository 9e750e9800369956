import type { ChartData, ChartOptions, TooltipItem } from 'chart.js';
import type { DailyServicePoint } from '../../../electron/shared/domain.ts';
import { formatCount } from '../format/numbers.ts';
import { OTHER_COLOR, SERIES_COLORS, seriesColor } from './palette.ts';

export const OTHER_SERVICES = 'Other services';

export interface DailyServiceChart {
  data: ChartData<'bar', number[], string>;
  options: ChartOptions<'bar'>;
}

const DAY_MS = 24 * 3600 * 1000;

/** Every UTC day from `first` to `last` inclusive, so days without usage show as gaps rather than disappearing. */
function dayRange(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Usage records per UTC day, stacked by service: one dataset per service, largest service first (at the bottom of each
 * stack); services beyond the palette are summed into one "Other services" dataset so the legend stays readable.
 * Labels are `YYYY-MM-DD` strings; the date adapter reads them as local midnight, so each bar is labelled with its
 * UTC day whatever the viewer's time zone.
 */
export function buildDailyServiceChart(points: readonly DailyServicePoint[], locale?: string): DailyServiceChart {
  const days = [...new Set(points.map((p) => p.day))].sort();
  const labels = days.length > 0 ? dayRange(days[0] ?? '', days[days.length - 1] ?? '') : [];
  const dayIndex = new Map(labels.map((day, i) => [day, i]));

  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.service, (totals.get(p.service) ?? 0) + p.records);
  const ranked = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([service]) => service);
  const shown = ranked.length > SERIES_COLORS.length ? ranked.slice(0, SERIES_COLORS.length - 1) : ranked;
  const shownSet = new Set(shown);
  const groups = ranked.length > shown.length ? [...shown, OTHER_SERVICES] : shown;

  const series = new Map(groups.map((g) => [g, new Array<number>(labels.length).fill(0)]));
  for (const p of points) {
    const values = series.get(shownSet.has(p.service) ? p.service : OTHER_SERVICES);
    const i = dayIndex.get(p.day);
    if (values && i !== undefined) values[i] = (values[i] ?? 0) + p.records;
  }

  const datasets = groups.map((group, i) => {
    const color = group === OTHER_SERVICES ? OTHER_COLOR : seriesColor(i);
    return {
      label: group,
      data: series.get(group) ?? [],
      backgroundColor: color,
      borderColor: color,
      borderWidth: 0,
      stack: 'records',
    };
  });

  const count = (n: number): string => formatCount(n, locale);

  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: {
        type: 'time',
        stacked: true,
        offset: true,
        time: { unit: 'day', tooltipFormat: 'yyyy-MM-dd', displayFormats: { day: 'MMM d' } },
        title: { display: true, text: 'Usage day (UTC)' },
        grid: { display: false },
      },
      y: {
        stacked: true,
        beginAtZero: true,
        title: { display: true, text: 'Usage records' },
        ticks: { callback: (value) => count(Number(value)) },
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
      tooltip: {
        filter: (item: TooltipItem<'bar'>) => (item.parsed.y ?? 0) > 0,
        callbacks: {
          label: (item: TooltipItem<'bar'>) => `${item.dataset.label ?? ''}: ${count(item.parsed.y ?? 0)} records`,
          footer: (items: TooltipItem<'bar'>[]) => {
            const total = items.reduce((sum, item) => sum + (item.parsed.y ?? 0), 0);
            return `Total: ${count(total)} records`;
          },
        },
      },
    },
  };

  return { data: { labels, datasets }, options };
}
