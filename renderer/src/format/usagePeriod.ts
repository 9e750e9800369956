import type { UsagePeriod } from '../../../electron/shared/domain.ts';
import { exclusiveEnd, utcDate } from './time.ts';

/**
 * The period of a page: whole UTC days, chosen as a preset or as two inclusive dates (people say "through the 31st";
 * the contract's `to` is exclusive, see `exclusiveEnd`). Every page offers some of the same presets, which mean the
 * same days everywhere (today included).
 */
export type PeriodPreset = 'all' | 'thisMonth' | 'lastMonth' | 'last7' | 'last30' | 'custom';

const PRESET_LABELS: Record<PeriodPreset, string> = {
  all: 'All cached',
  thisMonth: 'This month',
  lastMonth: 'Last month',
  last7: 'Last 7 days',
  last30: 'Last 30 days',
  custom: 'Dates…',
};

/** The options of a period choice offering `presets`, in that order. */
export function presetOptions<P extends PeriodPreset>(presets: readonly P[]): readonly { value: P; label: string }[] {
  return presets.map((value) => ({ value, label: PRESET_LABELS[value] }));
}

/** The explorer's presets. */
export const PERIOD_PRESETS = presetOptions<PeriodPreset>(['all', 'thisMonth', 'lastMonth', 'last7', 'custom']);

export interface PeriodChoice {
  preset: PeriodPreset;
  /** Inclusive UTC dates (`YYYY-MM-DD`); empty for `all`. */
  from: string;
  through: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** The dates a preset stands for on the UTC day of `now`; `custom` keeps the dates given. */
export function presetChoice(preset: PeriodPreset, now: Date, current?: PeriodChoice): PeriodChoice {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const today = Date.UTC(year, month, now.getUTCDate());
  switch (preset) {
    case 'all':
      return { preset, from: '', through: '' };
    case 'thisMonth':
      return { preset, from: utcDate(new Date(Date.UTC(year, month, 1))), through: utcDate(new Date(today)) };
    case 'lastMonth':
      return {
        preset,
        from: utcDate(new Date(Date.UTC(year, month - 1, 1))),
        through: utcDate(new Date(Date.UTC(year, month, 1) - DAY_MS)),
      };
    case 'last7':
      return { preset, from: utcDate(new Date(today - 6 * DAY_MS)), through: utcDate(new Date(today)) };
    case 'last30':
      return { preset, from: utcDate(new Date(today - 29 * DAY_MS)), through: utcDate(new Date(today)) };
    case 'custom':
      return { preset, from: current?.from ?? '', through: current?.through ?? '' };
  }
}

/** Why the dates cannot be queried, or null. */
export function periodProblem(choice: PeriodChoice): string | null {
  if (choice.preset === 'all') return null;
  if (!choice.from || !choice.through) return 'Choose both dates of the period.';
  return choice.from > choice.through ? 'The period\'s first day must be on or before its last day.' : null;
}

/** The contract period of a choice; undefined for all cached usage (or dates not yet valid). */
export function toUsagePeriod(choice: PeriodChoice): UsagePeriod | undefined {
  if (choice.preset === 'all' || periodProblem(choice)) return undefined;
  return { from: choice.from, to: exclusiveEnd(choice.through) };
}

/** A day group's key (`YYYY-MM-DD`) or a month group's (`YYYY-MM`, or `YYYYMM`) as inclusive dates; null otherwise. */
export function choiceForGroupKey(dimension: 'day' | 'month', key: string): PeriodChoice | null {
  if (dimension === 'day') {
    return /^\d{4}-\d{2}-\d{2}$/.test(key) ? { preset: 'custom', from: key, through: key } : null;
  }
  const match = /^(\d{4})-?(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return {
    preset: 'custom',
    from: utcDate(new Date(Date.UTC(year, month, 1))),
    through: utcDate(new Date(Date.UTC(year, month + 1, 1) - DAY_MS)),
  };
}
