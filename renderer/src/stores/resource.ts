import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ResourceDetail } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';
import { latestLoad } from './latestLoad.ts';

/** The resource page's data: one resource's attributes, meters and daily series. */
export const useResourceStore = defineStore('resource', () => {
  const detail = ref<ResourceDetail | null>(null);
  /** The URI asked for (the page shows it while loading, and in an error). */
  const uri = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const run = latestLoad(loading, error);

  async function load(resourceUri: string): Promise<void> {
    if (uri.value !== resourceUri) detail.value = null;
    uri.value = resourceUri;
    await run(() => api['resources:get'](resourceUri), (value) => {
      detail.value = value;
    }, () => {
      detail.value = null;
    });
  }

  return { detail, uri, loading, error, load };
});
