import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import { latestLoad } from '../../../renderer/src/stores/latestLoad.ts';

/** A promise settled from the test, to make answers arrive in the order a test chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('a load where only the latest request counts', () => {
  it('keeps the newer answer when the older one arrives last, and stays loading until the newer one settles', async () => {
    const loading = ref(false);
    const error = ref<string | null>(null);
    const shown = ref<string | null>(null);
    const run = latestLoad(loading, error);
    const older = deferred<string>();
    const newer = deferred<string>();

    const first = run(() => older.promise, (value) => (shown.value = value));
    const second = run(() => newer.promise, (value) => (shown.value = value));
    older.resolve('stamp A');
    expect(await first).toBe(false);
    expect(shown.value).toBeNull();
    expect(loading.value).toBe(true);

    newer.resolve('stamp B');
    expect(await second).toBe(true);
    expect(shown.value).toBe('stamp B');
    expect(loading.value).toBe(false);
  });

  it('shows the latest request\'s error, and forgets it on the next answer; an older failure is dropped', async () => {
    const loading = ref(false);
    const error = ref<string | null>(null);
    let failedCalls = 0;
    const run = latestLoad(loading, error);
    const older = deferred<string>();

    const stale = run(() => older.promise, () => undefined, () => failedCalls++);
    expect(await run(() => Promise.reject(new Error('The cache is locked.')), () => undefined,
      () => failedCalls++)).toBe(false);
    expect(error.value).toContain('The cache is locked.');
    expect(failedCalls).toBe(1);
    older.reject(new Error('an older failure'));
    expect(await stale).toBe(false);
    expect(error.value).toContain('The cache is locked.');
    expect(failedCalls).toBe(1);

    expect(await run(async () => 'ok', () => undefined)).toBe(true);
    expect(error.value).toBeNull();
    expect(loading.value).toBe(false);
  });
});
