import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ResourceDetail } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';

/** The resource page's data: one resource's attributes, meters and daily series. */
export const useResourceStore = defineStore('resource', () => {
  const detail = ref<ResourceDetail | null>(null);
  /** The URI asked for (the page shows it while loading, and in an error). */
  const uri = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let latest = 0;

  async function load(resourceUri: string): Promise<void> {
    const request = ++latest;
    if (uri.value !== resourceUri) detail.value = null;
    uri.value = resourceUri;
    loading.value = true;
    try {
      const value = await api['resources:get'](resourceUri);
      if (request !== latest) return;
      detail.value = value;
      error.value = null;
    } catch (err) {
      if (request === latest) {
        detail.value = null;
        error.value = errorMessage(err);
      }
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  return { detail, uri, loading, error, load };
});
