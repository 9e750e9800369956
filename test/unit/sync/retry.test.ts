import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryDelay, retryPolicy, sleep } from '../../../electron/core/azure/retry.ts';

describe('retry timing', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 });

  it('backs off exponentially with full jitter under a cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date, and caps it', () => {
    const now = Date.parse('2026-11-20T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(['3'], now)).toBe(3000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 12:00:04 GMT', now)).toBe(4000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(retryDelay(policy, 1, 60_000)).toBe(5000);
    expect(retryDelay(policy, 1, 200)).toBe(200);
  });

  it('refuses a policy without attempts', () => {
    expect(() => retryPolicy({ attempts: 0 })).toThrow(/attempts must be a whole number of at least 1/);
  });

  it('stops waiting as soon as the sync is cancelled', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const wait = sleep(10_000, controller.signal);
    controller.abort();
    await expect(wait).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
