import { API_PREFIX, EVENT_NAMES, EVENTS_PATH } from '../../../electron/shared/contract.ts';
import type { EventName, Method } from '../../../electron/shared/contract.ts';
import type { ErrorInfo, Result } from '../../../electron/shared/result.ts';
import { createSseParser } from './sse.ts';
import type { Transport } from './transport.ts';

export interface HttpTransportOptions {
  /** The launch token printed by `stackmeter serve`. */
  token: string;
  fetch?: typeof fetch;
  /** First wait before reconnecting the event stream; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Called each time the event stream (re)opens, so stores can catch up on events missed while it was down. */
  onStreamOpen?: () => void;
}

export interface HttpTransport extends Transport {
  /** Stops the event stream; used when the page goes away. */
  close(): void;
}

const UNREACHABLE = 'The console cannot reach the Stackmeter server. ' +
  'Check that `stackmeter serve` is still running, then reload this page.';
const TOKEN_REFUSED =
  'The server refused this page\'s access token. Open the address printed by `stackmeter serve` again ' +
  '(each launch prints a new one).';

function failure(code: ErrorInfo['code'], message: string): Result<unknown> {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return true;
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}

/** The browser-mode transport: `POST /api/<method>` for calls, a fetch-read SSE stream for events. */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const authorization = `Bearer ${options.token}`;
  const baseDelay = options.reconnectDelayMs ?? 1000;
  const maxDelay = options.maxReconnectDelayMs ?? 15_000;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;

  async function invoke(method: Method, args: unknown[]): Promise<Result<unknown>> {
    let response: Response;
    try {
      response = await doFetch(API_PREFIX + method, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify({ args }),
      });
    } catch {
      return failure('NETWORK', UNREACHABLE);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (isEnvelope(body)) return body;
    if (response.status === 401 || response.status === 403) return failure('FORBIDDEN', TOKEN_REFUSED);
    return failure('INTERNAL', `The server answered ${method} with HTTP ${response.status} and no result. ` +
      'Reload the page; if it happens again, restart `stackmeter serve`.');
  }

  function dispatch(event: string, data: string): void {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return; // a torn message is dropped; the next progress event supersedes it
    }
    for (const listener of listeners.get(event as EventName) ?? []) listener(payload);
  }

  async function readStream(controller: AbortController): Promise<void> {
    let delay = baseDelay;
    while (!controller.signal.aborted) {
      try {
        const response = await doFetch(EVENTS_PATH, {
          headers: { Authorization: authorization, Accept: 'text/event-stream' },
          signal: controller.signal,
        });
        // A refused token will not become valid by retrying; calls report it to the user.
        if (response.status === 401 || response.status === 403) return;
        if (response.ok && response.body) {
          delay = baseDelay;
          options.onStreamOpen?.();
          const parser = createSseParser((m) => dispatch(m.event, m.data));
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.push(value);
          }
        }
      } catch {
        // network error or abort: fall through to the wait below (or the loop ends when aborted)
      }
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  function listenerCount(): number {
    let n = 0;
    for (const set of listeners.values()) n += set.size;
    return n;
  }

  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!stream) {
      stream = new AbortController();
      void readStream(stream);
    }
    return () => {
      set.delete(listener);
      if (listenerCount() === 0) close();
    };
  }

  function close(): void {
    stream?.abort();
    stream = null;
  }

  return { invoke, on, close };
}
