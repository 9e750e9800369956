import { describe, expect, it } from 'vitest';
import { periodDays, periodSeconds, rollupPlan } from '../../../electron/core/explore/period.ts';

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86400000;

describe('usage periods', () => {
  it('accepts dates and hour-aligned UTC times, and names the field that is wrong', () => {
    expect(periodSeconds({ from: '2026-11-01', to: '2026-11-01T05:00:00Z' }))
      .toEqual({ from: Date.UTC(2026, 10, 1) / 1000, to: Date.UTC(2026, 10, 1, 5) / 1000 });
    expect(() => periodSeconds({ from: '2026-11-01T05:30:00Z', to: '2026-11-02' }))
      .toThrow('period.from "2026-11-01T05:30:00Z" is not on the hour');
    expect(() => periodSeconds({ from: '2026-11-02', to: '2026-11-01' })).toThrow('period.to (2026-11-01) must be after');
    expect(() => periodDays({ from: '2026-11-01T05:00:00Z', to: '2026-11-02' })).toThrow('whole days');
  });

  it('reads whole calendar months from the monthly rollup and only the edge days from the daily one', () => {
    expect(rollupPlan({ fromDay: day('2026-09-20'), toDay: day('2026-12-03') })).toEqual({
      months: { from: 202610, to: 202611 },
      days: [{ fromDay: day('2026-09-20'), toDay: day('2026-10-01') }, { fromDay: day('2026-12-01'), toDay: day('2026-12-03') }],
    });
    expect(rollupPlan({ fromDay: day('2026-11-01'), toDay: day('2026-12-01') }))
      .toEqual({ months: { from: 202611, to: 202611 }, days: [] });
    // across a year end
    expect(rollupPlan({ fromDay: day('2026-12-01'), toDay: day('2027-02-01') }))
      .toEqual({ months: { from: 202612, to: 202701 }, days: [] });
    // no whole month inside
    const inside = { fromDay: day('2026-11-03'), toDay: day('2026-11-20') };
    expect(rollupPlan(inside)).toEqual({ months: null, days: [inside] });
    const straddle = { fromDay: day('2026-10-15'), toDay: day('2026-11-20') };
    expect(rollupPlan(straddle)).toEqual({ months: null, days: [straddle] });
  });
});
