import type { TooltipItem } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { MAX_BARS, buildChargebackChart } from '../../../renderer/src/charts/chargeback.ts';
import { chargebackResult, chargebackRow } from './chargeback-fixtures.ts';

describe('the chargeback chart', () => {
  const rows = Array.from({ length: 20 }, (_, i) => chargebackRow({
    key: `t${i}`, label: `tenant ${i}`, usage: `${100 - i}.10`, adjustments: '-0.10', total: `${100 - i}.00`,
  }));
  const chart = buildChargebackChart(chargebackResult({ rows }), 'en-US');

  it('draws the largest groups and sums the rest into one bar', () => {
    expect(chart.data.labels).toHaveLength(MAX_BARS);
    expect(chart.data.labels?.at(-1)).toBe('6 other groups');
    expect(chart.keys.slice(0, 2)).toEqual(['t0', 't1']);
    expect(chart.keys.at(-1)).toBeNull();
    expect(chart.data.datasets.map((d) => d.label)).toEqual(['Usage', 'Adjustments']);
  });

  it('says the exact amounts in its tooltips, whatever the bars are drawn from', () => {
    const item = (dataIndex: number, datasetIndex: number) => ({ dataIndex, datasetIndex }) as TooltipItem<'bar'>;
    const callbacks = chart.options.plugins!.tooltip!.callbacks!;
    const label = callbacks.label as unknown as (i: TooltipItem<'bar'>) => string;
    const footer = callbacks.footer as unknown as (i: TooltipItem<'bar'>[]) => string;
    expect(label(item(0, 0))).toBe('Usage: 100.10 USD');
    expect(label(item(0, 1))).toBe('Adjustments: -0.10 USD');
    // The six smallest groups: 86.00 + 85.00 + ... + 81.00.
    expect(footer([item(MAX_BARS - 1, 0)])).toBe('Total: 501.00 USD');
  });
});
