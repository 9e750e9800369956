import type { ChartData, ChartOptions, TooltipItem } from 'chart.js';
import type { ChargebackResult, ChargebackRow } from '../../../electron/shared/chargeback.ts';
import { formatMoney, sumAmounts } from '../format/money.ts';
import { userLocale } from '../format/numbers.ts';
import { OTHER_COLOR, seriesColor } from './palette.ts';

export interface ChargebackChart {
  data: ChartData<'bar', number[], string>;
  options: ChartOptions<'bar'>;
  /** The row key of each bar (null for the "other groups" bar), for a click to select the row. */
  keys: (string | null)[];
}

/** Bars shown; the groups beyond are summed into one. */
export const MAX_BARS = 15;

const LABEL_LENGTH = 32;
const shorten = (label: string): string =>
  (label.length > LABEL_LENGTH ? `${label.slice(0, LABEL_LENGTH - 1)}…` : label);

interface Bar {
  key: string | null;
  label: string;
  usage: string;
  adjustments: string;
  total: string;
}

/**
 * The totals per group as horizontal bars, largest first, usage and adjustments stacked (a discount or a credit
 * reaches left of zero). Bar lengths are floats, for drawing only; every number in a tooltip is the exact decimal
 * string of the run, so the chart never shows a rounded amount.
 */
export function buildChargebackChart(result: ChargebackResult, locale = userLocale()): ChargebackChart {
  const rows: readonly ChargebackRow[] = result.rows;
  const shown = rows.length > MAX_BARS ? rows.slice(0, MAX_BARS - 1) : rows;
  const bars: Bar[] = shown.map((r) => ({ key: r.key, label: r.label, usage: r.usage, adjustments: r.adjustments,
    total: r.total }));
  const rest = rows.slice(shown.length);
  if (rest.length > 0) {
    bars.push({
      key: null, label: `${rest.length} other groups`, usage: sumAmounts(rest.map((r) => r.usage)),
      adjustments: sumAmounts(rest.map((r) => r.adjustments)), total: sumAmounts(rest.map((r) => r.total)),
    });
  }
  const money = (amount: string): string => formatMoney(amount, result.currency, result.minorUnits, locale);
  const tickFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });

  const dataset = (label: string, values: number[], color: string) => ({
    label,
    data: values,
    backgroundColor: bars.map((b) => (b.key === null ? OTHER_COLOR : color)),
    borderWidth: 0,
    stack: 'amount',
    maxBarThickness: 22,
  });

  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', axis: 'y', intersect: false },
    scales: {
      x: {
        stacked: true,
        title: { display: true, text: `Amount (${result.currency})` },
        ticks: { callback: (value) => tickFormat.format(Number(value)) },
      },
      y: { stacked: true, grid: { display: false }, ticks: { autoSkip: false } },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
      tooltip: {
        callbacks: {
          title: (items: TooltipItem<'bar'>[]) => bars[items[0]?.dataIndex ?? 0]?.label ?? '',
          label: (item: TooltipItem<'bar'>) => {
            const bar = bars[item.dataIndex];
            if (!bar) return '';
            return item.datasetIndex === 0 ? `Usage: ${money(bar.usage)}` : `Adjustments: ${money(bar.adjustments)}`;
          },
          footer: (items: TooltipItem<'bar'>[]) => {
            const bar = bars[items[0]?.dataIndex ?? 0];
            return bar ? `Total: ${money(bar.total)}` : '';
          },
        },
      },
    },
  };

  return {
    data: {
      labels: bars.map((b) => shorten(b.label)),
      datasets: [
        dataset('Usage', bars.map((b) => Number(b.usage)), seriesColor(0)),
        dataset('Adjustments', bars.map((b) => Number(b.adjustments)), seriesColor(1)),
      ],
    },
    options,
    keys: bars.map((b) => b.key),
  };
}
