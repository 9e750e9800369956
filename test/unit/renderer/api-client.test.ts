import { afterEach, describe, expect, it } from 'vitest';
import { API_PREFIX, EVENTS_PATH } from '../../../electron/shared/contract.ts';
import type { ConnectionRow } from '../../../electron/shared/domain.ts';
import type { Result } from '../../../electron/shared/result.ts';
import { createClient } from '../../../renderer/src/api/client.ts';
import { ApiError } from '../../../renderer/src/api/errors.ts';
import { createHttpTransport } from '../../../renderer/src/api/http.ts';
import type { HttpTransport } from '../../../renderer/src/api/http.ts';
import { TOKEN_STORAGE_KEY, takeLaunchToken } from '../../../renderer/src/api/token.ts';
import { connectionRow } from './rows.ts';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stand-in for the browser-mode server: records requests and answers with the given envelope or response. */
function fakeServer(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(init?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    return answer(request);
  };
  return { sent, fetchFn };
}

const envelope = (result: Result<unknown>, status = 200): Response =>
  new Response(JSON.stringify(result), { status, headers: { 'Content-Type': 'application/json' } });

const row: ConnectionRow = connectionRow();

describe('browser transport', () => {
  it('posts the arguments with the launch token and returns the value', async () => {
    const server = fakeServer(() => envelope({ ok: true, value: [row] }));
    const client = createClient(createHttpTransport({ token: 's3cret', fetch: server.fetchFn }));

    await expect(client['connections:list']()).resolves.toEqual([row]);
    await client['sync:runs'](25);

    expect(server.sent[0]).toMatchObject({
      url: `${API_PREFIX}connections:list`,
      method: 'POST',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      body: { args: [] },
    });
    expect(server.sent[1]?.body).toEqual({ args: [25] });
  });

  it('drops omitted optional arguments instead of sending null', async () => {
    const server = fakeServer(() => envelope({ ok: true, value: [] }));
    const client = createClient(createHttpTransport({ token: 't', fetch: server.fetchFn }));
    await client['meters:list'](undefined);
    expect(server.sent[0]?.body).toEqual({ args: [] });
  });

  it('throws an ApiError with the core\'s code and message when the result is not ok', async () => {
    const message = 'A stamp named lab already exists. Choose another name or remove the existing stamp first.';
    const server = fakeServer(() => envelope({ ok: false, error: { code: 'CONFLICT', message } }));
    const client = createClient(createHttpTransport({ token: 't', fetch: server.fetchFn }));

    const error = await client['connections:add']({
      name: 'lab', armEndpoint: row.armEndpoint, clientId: 'c',
      credential: { type: 'secret', source: { kind: 'env', variable: 'X' } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'CONFLICT', message });
  });

  it('explains a refused token and an unreachable server in words', async () => {
    const refused = fakeServer(() => new Response('Unauthorized', { status: 401 }));
    const client = createClient(createHttpTransport({ token: 'old', fetch: refused.fetchFn }));
    await expect(client['overview:get']()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('stackmeter serve'),
    });

    const down = createClient(createHttpTransport({ token: 't', fetch: () => Promise.reject(new TypeError('fail')) }));
    await expect(down['overview:get']()).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('cannot reach the Stackmeter server'),
    });
  });
});

describe('browser transport events', () => {
  let transport: HttpTransport | undefined;
  afterEach(() => transport?.close());

  function stream(chunks: string[]): Response {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }

  it('reads server-sent events with the token and reconnects when the stream ends', async () => {
    const streams = [
      stream(['event: sync:progress\ndata: {"runId":7,"per', 'cent":40}\n\n']),
      stream(['event: sync:finished\ndata: {"id":7,"status":"succeeded"}\n\n']),
    ];
    const server = fakeServer(() => streams.shift() ?? new Promise<Response>(() => {}));
    let opened = 0;
    transport = createHttpTransport({
      token: 'tok', fetch: server.fetchFn, reconnectDelayMs: 1, onStreamOpen: () => (opened += 1),
    });

    const progress: unknown[] = [];
    const finished = new Promise<unknown>((resolve) => transport?.on('sync:finished', resolve));
    transport.on('sync:progress', (p) => progress.push(p));

    await expect(finished).resolves.toEqual({ id: 7, status: 'succeeded' });
    expect(progress).toEqual([{ runId: 7, percent: 40 }]);
    expect(opened).toBe(2);
    expect(server.sent[0]).toMatchObject({ url: EVENTS_PATH, method: 'GET', headers: { authorization: 'Bearer tok' } });
  });
});

describe('takeLaunchToken', () => {
  afterEach(() => {
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  it('takes the token from the fragment, keeps it for the tab and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/index.html?x=1#token=abc123');
    expect(takeLaunchToken(window)).toBe('abc123');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('abc123');
    expect(window.location.search).toBe('?x=1');

    // A reload (fragment gone) still finds it.
    expect(takeLaunchToken(window)).toBe('abc123');
  });

  it('keeps a view named in the fragment next to the token', () => {
    window.history.replaceState(null, '', '/#/meters&token=abc123');
    expect(takeLaunchToken(window)).toBe('abc123');
    expect(window.location.hash).toBe('#/meters');
  });

  it('returns null when the page was opened without a token', () => {
    window.history.replaceState(null, '', '/#/meters');
    expect(takeLaunchToken(window)).toBeNull();
    expect(window.location.hash).toBe('#/meters');
  });
});
