import type { Scale, TooltipItem } from 'chart.js';
import { describe, expect, it } from 'vitest';
import type { Completeness, CompletenessRow } from '../../../electron/shared/domain.ts';
import {
  CELL_COLOR, GAP_FILL, MAX_CELLS, buildCompletenessHeatmap, cellColor, rowLabels, type HeatmapCell,
} from '../../../renderer/src/charts/heatmap.ts';
import { stampVerdict } from '../../../renderer/src/format/completeness.ts';
import { completenessPeriod } from '../../../renderer/src/stores/completeness.ts';

const A = 'aaaaaaaa-0000-0000-0000-000000000001';
const B = 'bbbbbbbb-0000-0000-0000-000000000002';
const C = 'cccccccc-0000-0000-0000-000000000003';

const row = (stamp: string | null, subscriptionId: string, label: string, counts: number[]): CompletenessRow =>
  ({ stamp, subscriptionId, label, counts });

/** Two days from 2026-10-01: north has A (silent 10:00-12:00) and B; east has C. */
function sample(): Completeness {
  const a: number[] = Array.from({ length: 48 }, (_, h) => (h >= 10 && h < 12 ? 0 : 4));
  a[30] = 1;
  const b = Array.from({ length: 48 }, (_, h) => (h < 40 ? 100 : 0));
  const c = Array.from({ length: 48 }, (_, h) => (h === 0 || h === 24 ? 7 : 0));
  return {
    from: '2026-10-01T00:00:00Z',
    hours: 48,
    rows: [row('east', C, C, c), row('north', A, 'Analytics', a), row('north', B, 'Billing', b)],
    stamps: [
      { name: 'east', latestUsageHour: '2026-10-02T00:00:00Z', syncedThrough: null },
      { name: 'north', latestUsageHour: '2026-10-02T15:00:00Z', syncedThrough: '2026-10-02T06:00:00Z' },
    ],
    gaps: [
      { stamp: 'north', subscriptionId: A, from: '2026-10-01T10:00:00Z', to: '2026-10-01T12:00:00Z', hours: 2 },
      { stamp: 'north', subscriptionId: null, from: '2026-10-02T05:00:00Z', to: '2026-10-02T06:00:00Z', hours: 1 },
    ],
  };
}

const item = (cell: HeatmapCell) => ({ raw: cell }) as unknown as TooltipItem<'matrix'>;

describe('buildCompletenessHeatmap', () => {
  it('draws one cell per hour with records, and every gap hour, on the row of its subscription', () => {
    const map = buildCompletenessHeatmap(sample(), 'en-US');
    expect(map.bucketHours).toBe(1);
    expect(map.columns).toBe(48);
    expect(map.labels).toEqual([`east · ${C}`, 'north · Analytics', 'north · Billing']);
    const cells = map.data.datasets[0]?.data ?? [];
    const of = (y: number) => cells.filter((c) => c.y === y);
    // C has daily usage (records at midnight only): one cell per day
    expect(of(0).map((c) => [c.x, c.span, c.hours, c.v])).toEqual([[12, 24, 24, 7], [36, 24, 24, 7]]);
    // A: 46 hours with records and 2 gap hours (a stamp-wide gap hour lies within its records)
    expect(of(1).every((c) => c.span === 1 && c.hours === 1)).toBe(true);
    expect(of(1)).toHaveLength(48);
    expect(of(1).filter((c) => c.gap === 'subscription').map((c) => [c.from, c.v])).toEqual([
      ['2026-10-01T10:00:00.000Z', 0], ['2026-10-01T11:00:00.000Z', 0],
    ]);
    // B has no records after hour 40 (not a gap: it is the end of its records), but the stamp-wide gap hour shows
    expect(of(2).filter((c) => c.gap === 'stamp').map((c) => c.x)).toEqual([29.5]);
    expect(of(2).filter((c) => c.x > 40)).toEqual([]);
    expect(of(1).find((c) => c.x === 29.5)?.gap).toBe('stamp');
  });

  it('colours cells from white by their share of the row\'s busiest hour, and gaps apart', () => {
    const map = buildCompletenessHeatmap(sample(), 'en-US');
    const dataset = map.data.datasets[0];
    const cells = dataset?.data ?? [];
    const color = dataset?.backgroundColor as (ctx: { raw: HeatmapCell }) => string;
    const at = (y: number, x: number) => cells.find((c) => c.y === y && c.x === x) as HeatmapCell;
    expect(color({ raw: at(1, 0.5) })).toBe(CELL_COLOR);
    expect(color({ raw: at(2, 0.5) })).toBe(CELL_COLOR);
    expect(color({ raw: at(1, 10.5) })).toBe(GAP_FILL);
    const weak = color({ raw: at(1, 30.5) });
    expect(weak).not.toBe(CELL_COLOR);
    expect(weak).not.toBe('#ffffff');
    expect(cellColor({ v: 0, gap: null }, 10)).toBe('#ffffff');
    expect(cellColor({ v: 10, gap: null }, 10)).toBe(CELL_COLOR);
  });

  it('folds hours into wider columns when a long period would draw too many cells', () => {
    const hours = 93 * 24;
    const rows = Array.from({ length: 30 }, (_, i) =>
      row('north', `${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`, `sub ${i}`, new Array(hours).fill(1)));
    const map = buildCompletenessHeatmap({ from: '2026-07-01T00:00:00Z', hours, rows, stamps: [], gaps: [] }, 'en-US');
    expect(map.bucketHours).toBe(2);
    expect(map.columns).toBe(hours / 2);
    const cells = map.data.datasets[0]?.data ?? [];
    expect(cells.length).toBeLessThanOrEqual(MAX_CELLS);
    expect(new Set(cells.map((c) => c.v))).toEqual(new Set([2]));
    expect(cells[0]?.hours).toBe(2);
  });

  it('puts a tick at every UTC midnight, in columns', () => {
    const map = buildCompletenessHeatmap({ ...sample(), from: '2026-10-01T18:00:00Z' }, 'en-US');
    const x = map.options.scales?.x as { afterBuildTicks: (s: Scale) => void; ticks: { callback: (v: number) => string } };
    const scale = { ticks: [] } as unknown as Scale;
    x.afterBuildTicks(scale);
    expect(scale.ticks.map((t) => t.value)).toEqual([6, 30]);
    expect(x.ticks.callback(6)).toBe('10-02');
  });

  it('labels each row at its index, top to bottom', () => {
    const map = buildCompletenessHeatmap(sample(), 'en-US');
    const y = map.options.scales?.y as {
      afterBuildTicks: (s: Scale) => void; ticks: { callback: (v: number) => string }; reverse: boolean;
    };
    const scale = { ticks: [] } as unknown as Scale;
    y.afterBuildTicks(scale);
    expect(scale.ticks.map((t) => y.ticks.callback(t.value))).toEqual(map.labels);
    expect(y.reverse).toBe(true);
    expect(new Set((map.data.datasets[0]?.data ?? []).map((c) => c.y))).toEqual(new Set([0, 1, 2]));
  });

  it('says in the tooltip which subscription, which hour (UTC), how many records and whether it is a gap', () => {
    const map = buildCompletenessHeatmap(sample(), 'en-US');
    const cells = map.data.datasets[0]?.data ?? [];
    const callbacks = map.options.plugins?.tooltip?.callbacks as unknown as Record<string, (i: unknown) => string>;
    const busy = cells.find((c) => c.y === 2 && c.x === 13.5) as HeatmapCell;
    expect(callbacks.title?.([item(busy)])).toBe(`north · Billing (${B})`);
    expect(callbacks.label?.(item(busy))).toBe('2026-10-01 13:00 UTC: 100 records');
    expect(callbacks.afterLabel?.(item(busy))).toBe('');
    const silent = cells.find((c) => c.y === 1 && c.x === 10.5) as HeatmapCell;
    expect(callbacks.label?.(item(silent))).toBe('2026-10-01 10:00 UTC: 0 records');
    expect(callbacks.afterLabel?.(item(silent))).toBe('Gap: this subscription has no records here');
    const day = cells.find((c) => c.y === 0 && c.x === 36) as HeatmapCell;
    expect(callbacks.label?.(item(day))).toBe('2026-10-02 (UTC day): 7 records');
    const stampWide = cells.find((c) => c.y === 2 && c.x === 29.5) as HeatmapCell;
    expect(callbacks.afterLabel?.(item(stampWide))).toBe('Gap: no subscription of the stamp has records here');
  });
});

describe('rowLabels', () => {
  it('leaves the stamp out for one stamp and tells apart two subscriptions with one name', () => {
    const labels = rowLabels({ ...sample(), rows: [row('north', A, 'Default', []), row('north', B, 'Default', [])] });
    expect(labels).toEqual(['Default (aaaaaaaa)', 'Default (bbbbbbbb)']);
    expect(rowLabels({ ...sample(), rows: [row('north', A, 'x', []), row(null, B, 'y', [])] }))
      .toEqual(['north · x', 'imported · y']);
  });
});

describe('stampVerdict', () => {
  it('counts a stamp\'s own gaps and its subscriptions\' apart, a subscription\'s silence within the stamp\'s once', () => {
    expect(stampVerdict(sample(), 'north')).toEqual({
      severity: 'warn', text: '1 stamp-wide gap (1 hour) · 1 subscription gap (2 hours)', gaps: 2,
    });
    const within = sample();
    within.gaps.push({ stamp: 'north', subscriptionId: B, from: '2026-10-02T05:00:00Z', to: '2026-10-02T06:00:00Z', hours: 1 });
    expect(stampVerdict(within, 'north').gaps).toBe(2);
    const onlyOwn = { ...sample(), gaps: sample().gaps.filter((g) => g.subscriptionId !== null) };
    expect(stampVerdict(onlyOwn, 'north').text).toBe('1 subscription gap (2 hours)');
  });

  it('says how far a stamp without gaps is complete: its latest hour\'s end, its sync, the period\'s end', () => {
    // east's usage is daily: its latest record, started at midnight, covers that whole day
    expect(stampVerdict(sample(), 'east')).toEqual(
      { severity: 'success', text: 'Complete through 2026-10-03 00:00 UTC', gaps: 0 });
    const hourly = sample();
    hourly.rows[0] = { ...hourly.rows[0] as CompletenessRow, counts: new Array<number>(48).fill(0).fill(2, 0, 25) };
    expect(stampVerdict(hourly, 'east').text).toBe('Complete through 2026-10-02 01:00 UTC');
    const synced = { ...sample(), gaps: [] };
    expect(stampVerdict(synced, 'north').text).toBe('Complete through 2026-10-02 06:00 UTC');
    synced.stamps[1] = { name: 'north', latestUsageHour: '2026-10-05T00:00:00Z', syncedThrough: null };
    expect(stampVerdict(synced, 'north').text).toBe('Complete through 2026-10-03 00:00 UTC');
  });

  it('says when a stamp has no usage in the period', () => {
    const none = { ...sample(), rows: [], gaps: [] };
    expect(stampVerdict(none, 'east')).toEqual({ severity: 'secondary', text: 'No usage cached in this period', gaps: 0 });
  });
});

describe('completenessPeriod', () => {
  const now = new Date('2026-10-15T13:20:00Z');
  it.each([
    ['last7', '2026-10-09', '2026-10-16'],
    ['last30', '2026-09-16', '2026-10-16'],
    ['thisMonth', '2026-10-01', '2026-10-16'],
    ['lastMonth', '2026-09-01', '2026-10-01'],
  ] as const)('%s is whole UTC days, today included', (preset, from, to) => {
    expect(completenessPeriod(preset, now)).toEqual({ from, to });
  });
});
