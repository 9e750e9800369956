import { describe, expect, it } from 'vitest';
import type { TooltipItem } from 'chart.js';
import { OTHER_SERVICES, buildDailyServiceChart } from '../../../renderer/src/charts/dailyByService.ts';
import { SERIES_COLORS } from '../../../renderer/src/charts/palette.ts';
import type { DailyServicePoint } from '../../../electron/shared/domain.ts';

const points: DailyServicePoint[] = [
  { day: '2024-05-01', service: 'Compute', records: 100 },
  { day: '2024-05-01', service: 'Storage', records: 40 },
  { day: '2024-05-02', service: 'Compute', records: 120 },
  { day: '2024-05-04', service: 'Network', records: 7 },
  { day: '2024-05-04', service: 'Storage', records: 60 },
];

describe('buildDailyServiceChart', () => {
  it('labels every UTC day of the period, including days without usage', () => {
    const { data } = buildDailyServiceChart(points, 'en-US');
    expect(data.labels).toEqual(['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04']);
  });

  it('makes one dataset per service, largest first, with a value for every day', () => {
    const { data } = buildDailyServiceChart(points, 'en-US');
    expect(data.datasets.map((d) => d.label)).toEqual(['Compute', 'Storage', 'Network']);
    expect(data.datasets.map((d) => d.data)).toEqual([
      [100, 120, 0, 0],
      [40, 0, 0, 60],
      [0, 0, 0, 7],
    ]);
    const colors = data.datasets.map((d) => d.backgroundColor);
    expect(new Set(colors).size).toBe(3);
  });

  it('stacks the bars on a daily time axis', () => {
    const { options } = buildDailyServiceChart(points, 'en-US');
    const x = options.scales?.x as { type: string; stacked: boolean; time: { unit: string } };
    const y = options.scales?.y as { stacked: boolean; beginAtZero: boolean };
    expect(x.type).toBe('time');
    expect(x.time.unit).toBe('day');
    expect(x.stacked).toBe(true);
    expect(y.stacked).toBe(true);
    expect(y.beginAtZero).toBe(true);
    const { data } = buildDailyServiceChart(points, 'en-US');
    expect(new Set(data.datasets.map((d) => d.stack)).size).toBe(1);
  });

  it('shows counts with their unit in the tooltip, and the day total in its footer', () => {
    const { options } = buildDailyServiceChart(points, 'en-US');
    const callbacks = options.plugins?.tooltip?.callbacks as {
      label: (item: TooltipItem<'bar'>) => string;
      footer: (items: TooltipItem<'bar'>[]) => string;
    };
    const item = (label: string, y: number) => ({ dataset: { label }, parsed: { x: 0, y } }) as TooltipItem<'bar'>;
    expect(callbacks.label(item('Compute', 12345))).toBe('Compute: 12,345 records');
    expect(callbacks.footer([item('Compute', 1000), item('Storage', 234)])).toBe('Total: 1,234 records');
  });

  it('sums the smallest services into "Other services" beyond the palette, keeping the daily totals', () => {
    const many: DailyServicePoint[] = Array.from({ length: SERIES_COLORS.length + 3 }, (_, i) => ({
      day: '2024-05-01',
      service: `Service ${String(i).padStart(2, '0')}`,
      records: 100 - i,
    }));
    const { data } = buildDailyServiceChart(many, 'en-US');
    expect(data.datasets).toHaveLength(SERIES_COLORS.length);
    expect(data.datasets.at(-1)?.label).toBe(OTHER_SERVICES);
    const total = data.datasets.reduce((sum, d) => sum + (d.data[0] ?? 0), 0);
    expect(total).toBe(many.reduce((sum, p) => sum + p.records, 0));
  });

  it('has no labels or datasets when nothing is cached', () => {
    const { data } = buildDailyServiceChart([], 'en-US');
    expect(data.labels).toEqual([]);
    expect(data.datasets).toEqual([]);
  });
});
