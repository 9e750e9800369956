import { describe, expect, it } from 'vitest';
import { createArmClient, type ArmRequestError } from '../../../electron/core/azure/arm.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../../electron/core/azure/http.ts';
import type { RetryEvent } from '../../../electron/core/azure/retry.ts';
import type { TokenProvider } from '../../../electron/core/azure/token.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';

// The stamp's answers, scripted: each entry is one response (or a transport failure) to the next request.
type Answer = HttpResponse | StackmeterError;

function scripted(answers: Answer[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const next = answers.shift();
      if (!next) throw new Error('no more scripted answers');
      if (next instanceof StackmeterError) throw next;
      return next;
    },
    async close() {},
  };
}

const ok: HttpResponse = { status: 200, headers: {}, body: '{"value":[]}' };
const status = (code: number, headers: Record<string, string> = {}, error = 'Busy'): HttpResponse =>
  ({ status: code, headers, body: JSON.stringify({ error: { code: error, message: 'try later' } }) });

function tokens(): TokenProvider & { issued: number } {
  let current = 0;
  const t = {
    issued: 1,
    async get() {
      return `token-${current}`;
    },
    invalidate() {
      current++;
      t.issued++;
    },
  };
  return t;
}

const fast = { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 30 };

describe('ARM requests', () => {
  it('retry throttling and 5xx answers, honouring Retry-After up to its cap, and count each retry', async () => {
    const http = scripted([status(429, { 'retry-after': '20' }), status(503), status(502), ok]);
    const events: RetryEvent[] = [];
    const arm = createArmClient(http, 'https://stamp.example', tokens(), { retry: fast, onRetry: (e) => events.push(e) });
    const started = performance.now();
    expect(await arm.get('/subscriptions/x', 'Listing')).toBe(ok.body);
    expect(events.map((e) => [e.attempt, e.reason])).toEqual([[1, 'HTTP 429'], [2, 'HTTP 503'], [3, 'HTTP 502']]);
    // Retry-After: 20 seconds asked, the 30 ms cap honoured.
    expect(events[0]!.delayMs).toBe(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('retry a reset connection, and give up after the last attempt naming how many there were', async () => {
    const reset = new StackmeterError('NETWORK', 'Could not reach stamp.example (ECONNRESET).');
    const http = scripted([reset, reset, reset]);
    const arm = createArmClient(http, 'https://stamp.example', tokens(), { retry: { ...fast, attempts: 3 } });
    await expect(arm.get('/x', 'Listing')).rejects.toThrow('Could not reach stamp.example (ECONNRESET). (3 attempts)');
    expect(http.requests).toHaveLength(3);
  });

  it('sign in again once on 401, then report the refusal as AUTH', async () => {
    const t = tokens();
    const http = scripted([status(401, {}, 'ExpiredAuthenticationToken'), ok, status(401), status(401)]);
    const arm = createArmClient(http, 'https://stamp.example', t, { retry: fast });
    expect(await arm.get('/x', 'Listing')).toBe(ok.body);
    expect(http.requests.map((r) => r.headers?.authorization)).toEqual(['Bearer token-0', 'Bearer token-1']);
    const refused = await arm.get('/x', 'Listing').catch((e: unknown) => e as ArmRequestError);
    expect(refused).toMatchObject({ code: 'AUTH', status: 401 });
    expect(t.issued).toBe(3);
  });

  it('give up at once on a status the caller handles itself, and never retry a 400', async () => {
    const http = scripted([status(504, {}, 'GatewayTimeout'), status(400, {}, 'InvalidProperty')]);
    const arm = createArmClient(http, 'https://stamp.example', tokens(), { retry: fast });
    await expect(arm.get('/x', 'Sweep', undefined, { failFast: (s) => s === 504 }))
      .rejects.toMatchObject({ status: 504, armCode: 'GatewayTimeout', message: 'Sweep failed: HTTP 504 (GatewayTimeout: try later).' });
    await expect(arm.get('/x', 'Page')).rejects.toMatchObject({ code: 'API', status: 400, armCode: 'InvalidProperty' });
    expect(http.requests).toHaveLength(2);
  });

  it('stop retrying when cancelled', async () => {
    const http = scripted([status(503, { 'retry-after': '20' }), ok]);
    const controller = new AbortController();
    const arm = createArmClient(http, 'https://stamp.example', tokens(), {
      retry: { ...fast, maxRetryAfterMs: 60_000 }, onRetry: () => controller.abort(),
    });
    await expect(arm.get('/x', 'Listing', controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(http.requests).toHaveLength(1);
  });
});
