import type { ChartData, ChartOptions, TooltipItem } from 'chart.js';
import type { UsageSeries } from '../../../electron/shared/domain.ts';
import { formatDecimalString } from '../format/numbers.ts';
import { seriesColor } from './palette.ts';

export interface ResourceMeterChart {
  data: ChartData<'bar', number[], string>;
  options: ChartOptions<'bar'>;
}

/**
 * One meter of a resource per UTC day. A resource's meters are in different units (hours, GB×hours, operations), so
 * the page shows one at a time rather than stacking numbers that cannot be added. Bars use the float of each day's
 * exact sum; the tooltip shows the exact sum.
 */
export function buildResourceMeterChart(series: UsageSeries, meterId: string, unit: string, locale?: string):
  ResourceMeterChart {
  const index = Math.max(0, series.series.findIndex((s) => s.key === meterId));
  const meter = series.series[index];
  const exact = meter?.quantities ?? [];
  const color = seriesColor(index);
  const labels = series.buckets.map((b) => b.slice(0, 10));
  return {
    data: {
      labels,
      datasets: [{
        label: meter?.label ?? '',
        data: exact.map(Number),
        backgroundColor: color,
        borderColor: color,
        borderWidth: 0,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          type: 'time',
          offset: true,
          time: { unit: 'day', tooltipFormat: 'yyyy-MM-dd', displayFormats: { day: 'MMM d' } },
          title: { display: true, text: 'Usage day (UTC)' },
          grid: { display: false },
        },
        y: { beginAtZero: true, title: { display: true, text: unit } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) =>
              `${item.dataset.label ?? ''}: ${formatDecimalString(exact[item.dataIndex] ?? '0', locale)} ${unit}`,
          },
        },
      },
    },
  };
}
