import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppInfo } from '../../../electron/shared/domain.ts';
import { api } from '../api/client.ts';

/**
 * What the core says about itself: version, cache file, whether it can store credentials encrypted by the OS, and
 * whether it is in auditor mode (read-only).
 */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  /** True once app:info has answered or failed: the views wait for it, so that they know the mode when they mount. */
  const ready = ref(false);

  async function load(): Promise<void> {
    try {
      info.value = await api['app:info']();
    } catch {
      // The header merely shows no version; every view reports its own failures to reach the core.
      info.value = null;
    } finally {
      ready.value = true;
    }
  }

  /** Only the desktop app can keep a credential encrypted by the operating system (Electron safeStorage). */
  const canProtectSecrets = computed(() => info.value?.canProtectSecrets ?? false);
  /** Auditor mode: what was opened read-only; null when the cache is open normally. */
  const readOnly = computed(() => info.value?.readOnly ?? null);

  return { info, ready, canProtectSecrets, readOnly, load };
});
