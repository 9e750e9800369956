import { describe, expect, it } from 'vitest';
import type { Watermark } from '../../../electron/core/cache/sync-state.ts';
import {
  halveSweepWindow, planUnits, resolveRange, subscriberWindowCount, subscriberWindowEnd, sweepSizing, type PlanInput,
} from '../../../electron/core/sync/plan.ts';

const HOUR = 3_600_000;
const t = (iso: string): number => Date.parse(iso);
const NOW = new Date('2026-11-20T12:34:00Z');

describe('resolveRange', () => {
  it('keeps an explicit range, and clamps an end in the future to the last whole hour', () => {
    expect(resolveRange('2026-11-01', '2026-11-30', 'Hourly', NOW)).toMatchObject({
      from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T12:00:00Z'), clamped: true,
      requestedTo: new Date('2026-11-30T00:00:00Z'),
    });
  });

  it('makes a missing start incremental and a missing end the last whole period', () => {
    expect(resolveRange(undefined, undefined, 'Hourly', NOW)).toMatchObject({
      from: null, to: new Date('2026-11-20T12:00:00Z'), clamped: false, requestedFrom: null, requestedTo: null,
    });
    expect(resolveRange(undefined, undefined, 'Daily', NOW).to).toEqual(new Date('2026-11-20T00:00:00Z'));
  });

  it('refuses unaligned bounds and empty ranges, naming the field', () => {
    expect(() => resolveRange('2026-11-01T10:30:00Z', undefined, 'Hourly', NOW)).toThrow(/^from .* not aligned to a whole UTC hour/);
    expect(() => resolveRange('2026-11-01', '2026-11-02T05:00:00Z', 'Daily', NOW)).toThrow(/^to .* not aligned to midnight UTC/);
    expect(() => resolveRange('2026-11-21', undefined, 'Hourly', NOW)).toThrow(/Nothing to sync/);
    expect(() => resolveRange('yesterday', undefined, 'Hourly', NOW)).toThrow(/from "yesterday" is not a UTC date/);
  });
});

describe('windows', () => {
  it('gives subscribers windows of at most one UTC day', () => {
    expect(new Date(subscriberWindowEnd(t('2026-11-01T18:00:00Z'), t('2026-11-03T05:00:00Z'))).toISOString())
      .toBe('2026-11-02T00:00:00.000Z');
    expect(subscriberWindowEnd(t('2026-11-03T00:00:00Z'), t('2026-11-03T05:00:00Z'))).toBe(t('2026-11-03T05:00:00Z'));
    expect(subscriberWindowCount(t('2026-11-01T18:00:00Z'), t('2026-11-03T05:00:00Z'))).toBe(3);
    expect(subscriberWindowCount(t('2026-11-01T00:00:00Z'), t('2026-11-03T00:00:00Z'))).toBe(2);
    expect(subscriberWindowCount(t('2026-11-01T00:00:00Z'), t('2026-11-01T00:00:00Z'))).toBe(0);
  });

  it('halves sweep windows on whole hours down to one hour, and keeps Daily sweeps at a day', () => {
    const hourly = sweepSizing('Hourly', 6);
    expect([6, 3, 1, 1].map((h) => halveSweepWindow(h * HOUR, hourly) / HOUR)).toEqual([3, 1, 1, 1]);
    expect(sweepSizing('Daily', 6)).toEqual({ initialMs: 24 * HOUR, minimumMs: 24 * HOUR });
  });
});

describe('planUnits', () => {
  const base: PlanInput = {
    granularity: 'Hourly',
    from: null,
    to: t('2026-11-20T12:00:00Z'),
    overlapMs: 6 * HOUR,
    listed: ['a', 'b'],
    watermarks: new Map(),
    canSweep: true,
    sweepDeleted: false,
    sweepWindowMs: 6 * HOUR,
  };
  const wm = (subscriptionId: string, reportedTo: string, missingSince: string | null = null): [string, Watermark] =>
    [subscriptionId, { subscriptionId, reportedTo: t(reportedTo), missingSince: missingSince === null ? null : t(missingSince) }];

  it('reads a never-synced subscriber 31 days back and a synced one from its watermark less the overlap', () => {
    const units = planUnits({ ...base, watermarks: new Map([wm('b', '2026-11-20T03:00:00Z')]) });
    expect(units.map((u) => [u.kind, u.subscriptionId, new Date(u.rangeFrom).toISOString(), u.windows])).toEqual([
      ['subscriber', 'a', '2026-10-20T12:00:00.000Z', 32],
      ['subscriber', 'b', '2026-11-19T21:00:00.000Z', 2],
    ]);
  });

  it('uses an explicit start for every subscriber', () => {
    const units = planUnits({ ...base, from: t('2026-11-19T00:00:00Z'), watermarks: new Map([wm('b', '2026-11-20T03:00:00Z')]) });
    expect(units.map((u) => u.rangeFrom)).toEqual([t('2026-11-19T00:00:00Z'), t('2026-11-19T00:00:00Z')]);
  });

  it('sweeps a watermarked subscription missing from the list, from its own watermark less the overlap', () => {
    const units = planUnits({
      ...base, watermarks: new Map([wm('a', '2026-11-20T06:00:00Z'), wm('gone', '2026-11-19T10:00:00Z')]),
    });
    const sweep = units.at(-1)!;
    expect(sweep).toMatchObject({
      kind: 'sweep', subscriptionId: null, subjects: ['gone'], rangeFrom: t('2026-11-19T04:00:00Z'),
      windowEnd: t('2026-11-19T10:00:00Z'), windows: 6,
    });
  });

  it('retires a deleted subscription once its watermark is an overlap past the time it went missing', () => {
    const swept = (reportedTo: string) => planUnits({
      ...base, watermarks: new Map([wm('gone', reportedTo, '2026-11-20T00:00:00Z')]),
    }).some((u) => u.kind === 'sweep');
    expect(swept('2026-11-20T05:00:00Z')).toBe(true);
    expect(swept('2026-11-20T06:00:00Z')).toBe(false);
  });

  it('sweeps the whole range with sweepDeleted, and never for tenant connections', () => {
    const all = planUnits({ ...base, from: t('2026-11-18T00:00:00Z'), sweepDeleted: true });
    expect(all.at(-1)).toMatchObject({ kind: 'sweep', subjects: [], rangeFrom: t('2026-11-18T00:00:00Z'), windows: 10 });
    const tenant = planUnits({ ...base, canSweep: false, sweepDeleted: true, watermarks: new Map([wm('gone', '2026-11-19T10:00:00Z')]) });
    expect(tenant.map((u) => u.kind)).toEqual(['subscriber', 'subscriber']);
  });

  it('aligns Daily starts to midnight', () => {
    const units = planUnits({
      ...base, granularity: 'Daily', to: t('2026-11-20T00:00:00Z'), watermarks: new Map([wm('a', '2026-11-19T00:00:00Z')]),
    });
    expect(units[0]!.rangeFrom).toBe(t('2026-11-18T00:00:00Z'));
  });
});
