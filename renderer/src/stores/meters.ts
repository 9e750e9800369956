import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MeterRow } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** Every meter seen in the cache (of one stamp or of all, as the stamp filter says), with exact quantity totals. */
export const useMetersStore = defineStore('meters', () => {
  const rows = ref<MeterRow[]>([]);
  /** The stamp the shown rows are for (null: all). */
  const shownFor = ref<string | null>(null);
  const loaded = ref(false);
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
      const value = await api['meters:list'](filter.query());
      if (request !== latest) return;
      rows.value = value;
      shownFor.value = stamp;
      error.value = null;
      loaded.value = true;
    } catch (err) {
      if (request === latest) error.value = errorMessage(err);
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  return { rows, shownFor, loaded, loading, error, load };
});
