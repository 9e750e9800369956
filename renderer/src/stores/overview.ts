import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Overview } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** Stamp summaries, totals and the daily usage-by-service series for the Overview, for the stamp filter's choice. */
export const useOverviewStore = defineStore('overview', () => {
  const overview = ref<Overview | null>(null);
  /** The stamp the shown overview is for (null: all), so that the view can tell a stale answer from a current one. */
  const shownFor = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let latest = 0;

  async function load(): Promise<void> {
    const filter = useStampFilterStore();
    const stamp = filter.selected;
    // Only the answer to the latest request is shown: switching stamps quickly must not end on an older answer.
    const request = ++latest;
    loading.value = true;
    try {
      const value = await api['overview:get'](filter.query());
      if (request !== latest) return;
      overview.value = value;
      shownFor.value = stamp;
      error.value = null;
    } catch (err) {
      if (request === latest) error.value = errorMessage(err);
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  return { overview, shownFor, loading, error, load };
});
