import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MeterQuery, MeterRow } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';

/** Every meter seen in the cache, with record counts and exact quantity totals. */
export const useMetersStore = defineStore('meters', () => {
  const rows = ref<MeterRow[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function load(query?: MeterQuery): Promise<void> {
    loading.value = true;
    try {
      rows.value = await api['meters:list'](query);
      error.value = null;
      loaded.value = true;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  return { rows, loaded, loading, error, load };
});
