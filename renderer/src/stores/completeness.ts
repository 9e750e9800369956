import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Completeness, UsagePeriod } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { presetChoice } from '../format/usagePeriod.ts';
import { exclusiveEnd, utcDate } from '../format/time.ts';
import { useStampFilterStore } from './stampFilter.ts';

export type CompletenessPreset = 'last7' | 'last30' | 'thisMonth' | 'lastMonth';

export const COMPLETENESS_PRESETS: readonly { value: CompletenessPreset; label: string }[] = [
  { value: 'last7', label: 'Last 7 days' },
  { value: 'last30', label: 'Last 30 days' },
  { value: 'thisMonth', label: 'This month' },
  { value: 'lastMonth', label: 'Last month' },
];

const DAY_MS = 24 * 3600 * 1000;

/** The whole UTC days a preset covers on the day of `now`, today included (its hours not yet reported stay empty). */
export function completenessPeriod(preset: CompletenessPreset, now: Date): UsagePeriod {
  if (preset === 'last30') {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return { from: utcDate(new Date(today - 29 * DAY_MS)), to: exclusiveEnd(utcDate(new Date(today))) };
  }
  const { from, through } = presetChoice(preset, now);
  return { from, to: exclusiveEnd(through) };
}

/** Records per hour and subscription, each stamp's latest hour and the gaps, for a period and the stamp filter. */
export const useCompletenessStore = defineStore('completeness', () => {
  const preset = ref<CompletenessPreset>('last7');
  const result = ref<Completeness | null>(null);
  /** The stamp the shown result is for (null: all). */
  const shownFor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let latest = 0;

  async function load(now = new Date()): Promise<void> {
    const filter = useStampFilterStore();
    const stamp = filter.selected;
    // Only the answer to the latest request is shown: changing the period or stamp quickly must not end on an older one.
    const request = ++latest;
    loading.value = true;
    try {
      const period = completenessPeriod(preset.value, now);
      const value = await api['usage:completeness'](stamp === null ? { period } : { period, stamp });
      if (request !== latest) return;
      result.value = value;
      shownFor.value = stamp;
      error.value = null;
    } catch (err) {
      if (request === latest) error.value = errorMessage(err);
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  return { preset, result, shownFor, loading, error, load };
});
