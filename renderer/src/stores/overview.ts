import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Overview } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { latestLoad } from './latestLoad.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** Stamp summaries, totals and the daily usage-by-service series for the Overview, for the stamp filter's choice. */
export const useOverviewStore = defineStore('overview', () => {
  const overview = ref<Overview | null>(null);
  /** The stamp the shown overview is for (null: all), so that the view can tell a stale answer from a current one. */
  const shownFor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const run = latestLoad(loading, error);

  async function load(): Promise<void> {
    const filter = useStampFilterStore();
    const stamp = filter.selected;
    await run(() => api['overview:get'](filter.query()), (value) => {
      overview.value = value;
      shownFor.value = stamp;
    });
  }

  return { overview, shownFor, loading, error, load };
});
