import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppInfo } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';

/** What the core says about itself: version, cache file, and whether it can store credentials encrypted by the OS. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);

  async function load(): Promise<void> {
    try {
      info.value = await api['app:info']();
    } catch {
      // The header merely shows no version; every view reports its own failures to reach the core.
      info.value = null;
    }
  }

  /** Only the desktop app can keep a credential encrypted by the operating system (Electron safeStorage). */
  const canProtectSecrets = computed(() => info.value?.canProtectSecrets ?? false);

  return { info, canProtectSecrets, load };
});
