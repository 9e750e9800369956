import type { Ref } from 'vue';
import { errorMessage } from '../api/errors.ts';

/**
 * A load that may be called again before its answer arrives (the user switches stamps or periods quickly): only the
 * latest call's answer or error is applied, so a view never ends on an older answer that arrived last, and `loading`
 * stays on until the latest call settles. Each call resolves to whether its answer was applied.
 */
export function latestLoad(loading: Ref<boolean>, error: Ref<string | null>) {
  let latest = 0;
  return async <T>(fetch: () => Promise<T>, apply: (value: T) => void, failed?: () => void): Promise<boolean> => {
    const request = ++latest;
    loading.value = true;
    try {
      const value = await fetch();
      if (request !== latest) return false;
      apply(value);
      error.value = null;
      return true;
    } catch (err) {
      if (request === latest) {
        error.value = errorMessage(err);
        failed?.();
      }
      return false;
    } finally {
      if (request === latest) loading.value = false;
    }
  };
}
