import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Overview } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';

/** Stamp summaries, totals and the daily usage-by-service series for the Overview. */
export const useOverviewStore = defineStore('overview', () => {
  const overview = ref<Overview | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      overview.value = await api['overview:get']();
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  return { overview, loading, error, load };
});
