import { describe, expect, it } from 'vitest';
import { FaultInjector, faultRates, NO_FAULTS } from '../../../electron/core/simulator/faults.ts';

const URL = '/subscriptions/p/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?reportedStartTime=x';

function decisions(seed: number, profile: Parameters<typeof faultRates>[0], requests: string[]): string[] {
  const injector = new FaultInjector(seed);
  return requests.map((url) => {
    const f = injector.requestFault(faultRates(profile), injector.requestKey('GET', url), 'token', null);
    return f.kind === 'status' ? String(f.status) : f.kind;
  });
}

describe('fault decisions', () => {
  it('are the same for the same seed and requests, whatever else happened in between', () => {
    const urls = Array.from({ length: 200 }, (_, i) => `${URL}&page=${i % 40}`);
    expect(decisions(7, 'flaky', urls)).toEqual(decisions(7, 'flaky', urls));
    expect(decisions(7, 'flaky', urls)).not.toEqual(decisions(8, 'flaky', urls));
    const failed = decisions(7, 'flaky', urls).filter((d) => d !== 'none');
    expect(failed.length).toBeGreaterThan(25);
    expect(failed.length).toBeLessThan(80);
    expect(new Set(failed)).toEqual(new Set(['500', '502', '503']));
  });

  it('gives a repeated request a fresh decision, so that retries get through', () => {
    const injector = new FaultInjector(3);
    const rates = faultRates('throttle');
    const outcomes = Array.from({ length: 30 }, () => injector.requestFault(rates, injector.requestKey('GET', URL), 't', null).kind);
    expect(outcomes).toContain('status');
    expect(outcomes).toContain('none');
  });

  it('times out all-tenant windows longer than a few hours, always', () => {
    const injector = new FaultInjector(1);
    const rates = faultRates('gateway');
    for (let i = 0; i < 20; i++) {
      expect(injector.requestFault(rates, injector.requestKey('GET', URL), 't', 6)).toMatchObject({ status: 504 });
    }
    expect(injector.requestFault(rates, injector.requestKey('GET', URL), 't', null).kind).toBe('none');
  });

  it('expires a token after its allowance of requests', () => {
    const injector = new FaultInjector(1);
    const rates = { ...NO_FAULTS, tokenRequests: 3 };
    const kinds = [1, 2, 3, 4].map((i) => injector.requestFault(rates, injector.requestKey('GET', `${URL}${i}`), 'a', null).kind);
    expect(kinds).toEqual(['none', 'none', 'none', 'expired-token']);
    expect(injector.requestFault(rates, injector.requestKey('GET', URL), 'b', null).kind).toBe('none');
  });

  it('makes a share of usage visible hours late, never beyond the profile\'s limit', () => {
    const injector = new FaultInjector(5);
    const rates = faultRates('late');
    const delays = Array.from({ length: 2000 }, (_, i) => injector.lateHours(rates, i, 490_000 + i));
    const late = delays.filter((d) => d > 0);
    expect(late.length / delays.length).toBeGreaterThan(0.25);
    expect(late.length / delays.length).toBeLessThan(0.35);
    expect(Math.max(...late)).toBe(5);
    expect(injector.lateHours(NO_FAULTS, 1, 1)).toBe(0);
  });
});
