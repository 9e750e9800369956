import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Completeness, UsagePeriod } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { exclusiveEnd } from '../format/time.ts';
import { presetChoice, presetOptions } from '../format/usagePeriod.ts';
import { latestLoad } from './latestLoad.ts';
import { useStampFilterStore } from './stampFilter.ts';

export type CompletenessPreset = 'last7' | 'last30' | 'thisMonth' | 'lastMonth';

export const COMPLETENESS_PRESETS = presetOptions<CompletenessPreset>(['last7', 'last30', 'thisMonth', 'lastMonth']);

/** The whole UTC days a preset covers on the day of `now`, today included (its hours not yet reported stay empty). */
export function completenessPeriod(preset: CompletenessPreset, now: Date): UsagePeriod {
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
  const run = latestLoad(loading, error);

  async function load(now = new Date()): Promise<void> {
    const stamp = useStampFilterStore().selected;
    await run(() => {
      const period = completenessPeriod(preset.value, now);
      return api['usage:completeness'](stamp === null ? { period } : { period, stamp });
    }, (value) => {
      result.value = value;
      shownFor.value = stamp;
    });
  }

  return { preset, result, shownFor, loading, error, load };
});
