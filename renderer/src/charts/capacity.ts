import {
  Chart, type ChartData, type ChartOptions, Filler, LineController, LineElement, PointElement,
  type TooltipItem,
} from 'chart.js';
import type { CapacityReport } from '../../../electron/shared/capacity.ts';
import { formatDecimalString } from '../format/numbers.ts';
import { seriesColor } from './palette.ts';
import './register.ts';

// The Capacity view's charts: the daily utilisation as a line (a day without usage is a gap, not 0 %), and the cost
// allocated per tenant as bars with the idle line drawn apart (slate grey with a dark outline, last) so it is never
// read as a tenant.
Chart.register(LineController, LineElement, PointElement, Filler);

export const IDLE_LABEL = 'Idle / unallocated';
export const IDLE_COLOR = '#94a3b8';
const DAY_MS = 86_400_000;

/** Every day of the report's period, YYYY-MM-DD (UTC). */
export function periodDays(report: CapacityReport): string[] {
  const days: string[] = [];
  const end = Date.parse(`${report.period.to}T00:00:00Z`);
  for (let t = Date.parse(`${report.period.from}T00:00:00Z`); t < end; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export function buildUtilisationChart(report: CapacityReport): {
  data: ChartData<'line', (number | null)[], string>;
  options: ChartOptions<'line'>;
} {
  const byDay = new Map(report.daily.map((d) => [d.day, d]));
  const labels = periodDays(report);
  return {
    data: {
      labels,
      datasets: [{
        label: 'Utilisation (%)',
        // Chart points only: the exact percentages are in the report and its exports.
        data: labels.map((day) => (byDay.has(day) ? Number(byDay.get(day)!.percent) : null)),
        borderColor: seriesColor(0),
        backgroundColor: 'rgba(78, 121, 167, 0.15)',
        fill: true,
        spanGaps: false,
        pointRadius: labels.length > 62 ? 0 : 2,
        tension: 0.2,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: 'category', ticks: { maxTicksLimit: 12, autoSkip: true } },
        y: { type: 'linear', beginAtZero: true, suggestedMax: 100, title: { display: true, text: '% of core-hours' } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'line'>) => {
              const d = byDay.get(item.label);
              return d ? `${d.percent} % · ${formatDecimalString(d.vcpuHours)} of ${d.availableCoreHours} core-hours`
                : 'no usage cached';
            },
          },
        },
      },
    },
  };
}

export function buildAllocationChart(report: CapacityReport): {
  data: ChartData<'bar', number[], string>;
  options: ChartOptions<'bar'>;
} {
  const labels = new Map(report.tenants.map((t) => [t.tenantId, t.label]));
  const lines = report.allocation.lines;
  const names = [...lines.map((l) => labels.get(l.tenantId) ?? l.tenantId), IDLE_LABEL];
  const amounts = [...lines.map((l) => Number(l.amount)), Number(report.allocation.idle.amount)];
  const exact = [...lines.map((l) => l.amount), report.allocation.idle.amount];
  return {
    data: {
      labels: names,
      datasets: [{
        label: `Allocated (${report.cost.currency})`,
        data: amounts,
        backgroundColor: names.map((_, i) => (i === names.length - 1 ? IDLE_COLOR : seriesColor(i))),
        borderColor: names.map((_, i) => (i === names.length - 1 ? '#475569' : seriesColor(i))),
        borderWidth: names.map((_, i) => (i === names.length - 1 ? 2 : 0)),
      }],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { type: 'linear', beginAtZero: true }, y: { type: 'category' } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: { label: (item: TooltipItem<'bar'>) => `${report.cost.currency} ${exact[item.dataIndex] ?? ''}` },
        },
      },
    },
  };
}
