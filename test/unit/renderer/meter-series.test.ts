import { describe, expect, it } from 'vitest';
import { OTHER_SERIES_KEY, type UsageSeries } from '../../../electron/shared/domain.ts';
import { usageFilterSchema } from '../../../electron/shared/schemas.ts';
import {
  addDecimalStrings, barRecords, bucketEnd, bucketLabel, bucketTotals, buildMeterSeriesChart, type SeriesScope,
} from '../../../renderer/src/charts/meterSeries.ts';
import { OTHER_COLOR } from '../../../renderer/src/charts/palette.ts';
import { sparklinePoints } from '../../../renderer/src/charts/sparkline.ts';

const METER = 'b5c15376-6c94-4fdd-b655-1a69d138aca3';

const days: UsageSeries = {
  bucket: 'day',
  buckets: ['2026-11-16T00:00:00Z', '2026-11-17T00:00:00Z', '2026-11-18T00:00:00Z'],
  series: [
    { key: 'aaaa', label: 'contoso.example', quantities: ['10.000000000000000001', '0', '2.5'] },
    { key: '(unknown tenant)', label: '(unknown tenant)', quantities: ['0.1', '0.2', '0'] },
    { key: OTHER_SERIES_KEY, label: 'Other', quantities: ['1', '1', '1'] },
  ],
  unit: 'GB*hours',
};

const scope = (patch: Partial<SeriesScope> = {}): SeriesScope =>
  ({ meterId: METER, stamp: null, stackBy: 'tenant', ...patch });

describe('the records behind a bar of a meter chart', () => {
  it('are the meter\'s records of the bar\'s day and tenant', () => {
    const records = barRecords(days, scope({ stamp: 'west' }), { bucket: 1, member: 'aaaa' })!;
    expect(records.filter).toEqual({
      meters: [METER], stamps: ['west'], tenants: ['aaaa'],
      period: { from: '2026-11-17T00:00:00Z', to: '2026-11-18T00:00:00Z' },
    });
    expect(records.title).toBe('Records of 2026-11-17, contoso.example');
    expect(records.note).toBeNull();
    // The filter is one the contract accepts as it is.
    expect(usageFilterSchema.parse(records.filter)).toEqual(records.filter);
    // "(unknown tenant)" is a key the filter takes back.
    expect(barRecords(days, scope(), { bucket: 0, member: '(unknown tenant)' })!.filter.tenants)
      .toEqual(['(unknown tenant)']);
  });

  it('are of a subscription when the chart stacks subscriptions', () => {
    const bySubscription = { ...days, series: [{ key: '11111111-1111-1111-1111-111111111111', label: 'Dev',
      quantities: ['1', '2', '3'] }] };
    const records = barRecords(bySubscription, scope({ stackBy: 'subscription' }), { bucket: 2,
      member: '11111111-1111-1111-1111-111111111111' })!;
    expect(records.filter.subscriptions).toEqual(['11111111-1111-1111-1111-111111111111']);
    expect(records.filter.tenants).toBeUndefined();
    expect(records.title).toBe('Records of 2026-11-18, Dev');
  });

  it('are of every tenant for "Other" and for a whole bucket, and say so for "Other"', () => {
    const other = barRecords(days, scope(), { bucket: 0, member: OTHER_SERIES_KEY })!;
    expect(other.filter).toEqual({ meters: [METER], period: { from: '2026-11-16T00:00:00Z', to: '2026-11-17T00:00:00Z' } });
    expect(other.title).toBe('Records of 2026-11-16, all tenants');
    expect(other.note).toMatch(/"Other" sums the tenants beyond the twelve largest; the records below are of all tenants/);
    const column = barRecords(days, scope(), { bucket: 0, member: null })!;
    expect(column.filter.tenants).toBeUndefined();
    expect(column.note).toBeNull();
    expect(barRecords(days, scope(), { bucket: 9, member: null })).toBeNull();
  });

  it('cover one hour of an hour bucket, and a month bucket cut to the period asked for', () => {
    const hours: UsageSeries = { ...days, bucket: 'hour', buckets: ['2026-11-17T23:00:00Z'] };
    expect(barRecords(hours, scope(), { bucket: 0, member: 'aaaa' })!.filter.period)
      .toEqual({ from: '2026-11-17T23:00:00Z', to: '2026-11-18T00:00:00Z' });
    expect(bucketLabel('hour', '2026-11-17T23:00:00Z')).toBe('2026-11-17 23:00');

    const months: UsageSeries = { ...days, bucket: 'month', buckets: ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'] };
    const period = { from: '2026-11-20', to: '2026-12-20' };
    expect(barRecords(months, scope({ period }), { bucket: 0, member: null })!.filter.period)
      .toEqual({ from: '2026-11-20T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(barRecords(months, scope({ period }), { bucket: 1, member: null })!.filter.period)
      .toEqual({ from: '2026-12-01T00:00:00Z', to: '2026-12-20T00:00:00Z' });
    expect(bucketEnd('month', '2026-12-01T00:00:00Z')).toBe('2027-01-01T00:00:00Z');
    expect(bucketLabel('month', '2026-12-01T00:00:00Z')).toBe('2026-12');
  });
});

describe('the meter chart', () => {
  it('sums buckets exactly, never through floats', () => {
    expect(bucketTotals(days)).toEqual(['11.100000000000000001', '1.2', '3.5']);
    expect(addDecimalStrings(['0.1', '0.2'])).toBe('0.3');
    expect(addDecimalStrings(['-1.5', '1', '1e-3'])).toBe('-0.499');
    expect(addDecimalStrings([])).toBe('0');
  });

  it('stacks one dataset per member, "Other" in grey, with exact quantities in the tooltip', () => {
    const chart = buildMeterSeriesChart(days, () => {}, 'en-US');
    expect(chart.data.labels).toEqual(['2026-11-16', '2026-11-17', '2026-11-18']);
    expect(chart.data.datasets.map((d) => d.label)).toEqual(['contoso.example', '(unknown tenant)', 'Other']);
    expect(chart.data.datasets[2]?.backgroundColor).toBe(OTHER_COLOR);
    expect(new Set(chart.data.datasets.map((d) => d.backgroundColor)).size).toBe(3);
    const tooltip = chart.options.plugins?.tooltip?.callbacks;
    const item = { datasetIndex: 0, dataIndex: 0, dataset: chart.data.datasets[0] };
    expect((tooltip?.label as (i: unknown) => string)(item)).toBe('contoso.example: 10.000000000000000001 GB*hours');
    expect((tooltip?.footer as (i: unknown[]) => string)([item])).toBe('Total: 11.100000000000000001 GB*hours');
  });
});

describe('sparklines', () => {
  it('span the box, lowest value (or zero) at the bottom, highest at the top', () => {
    expect(sparklinePoints([0, 5, 10], 22, 12)).toBe('1,11 11,6 21,1');
    expect(sparklinePoints([3, 3], 22, 12)).toBe('1,1 21,1');
    expect(sparklinePoints([-2, 2], 22, 12)).toBe('1,11 21,1');
    expect(sparklinePoints([4], 22, 12)).toBe('1,1 21,1');
    expect(sparklinePoints([], 22, 12)).toBe('');
  });
});
