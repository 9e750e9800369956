import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ConnectionInput, ConnectionRow } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { useStampFilterStore } from './stampFilter.ts';

/** The stamps the console knows (connections), with their cached record counts and last sync. */
export const useConnectionsStore = defineStore('connections', () => {
  const rows = ref<ConnectionRow[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  /** Why the last load failed, in words; null when it succeeded. */
  const loadError = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      rows.value = await api['connections:list']();
      useStampFilterStore().keepOnly(rows.value.map((r) => r.name));
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Adds a stamp; throws the ApiError (the form shows its message) when the core refuses it. */
  async function add(input: ConnectionInput): Promise<ConnectionRow> {
    const row = await api['connections:add'](input);
    rows.value = [...rows.value.filter((r) => r.name !== row.name), row].sort((a, b) => a.name.localeCompare(b.name));
    return row;
  }

  /** Removes a stamp and its cached records. */
  async function remove(name: string): Promise<void> {
    await api['connections:remove'](name);
    rows.value = rows.value.filter((r) => r.name !== name);
    useStampFilterStore().keepOnly(rows.value.map((r) => r.name));
  }

  return { rows, loaded, loading, loadError, load, add, remove };
});
