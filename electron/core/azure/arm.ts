import { StackmeterError, type ErrorCode } from '../../shared/result.ts';
import type { HttpClient, HttpResponse } from './http.ts';
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelay, retryPolicy, sleep, type RetryEvent, type RetryPolicy } from './retry.ts';
import type { TokenProvider } from './token.ts';

export interface GetOptions {
  /**
   * Statuses to give up on at once instead of retrying: the caller has a better answer than waiting (e.g. a 504 on an
   * all-tenant window that it will halve).
   */
  failFast?: (status: number) => boolean;
}

export interface ArmClient {
  readonly armEndpoint: string;
  /**
   * GETs a path (relative to the ARM endpoint) or an absolute URL on the same origin; returns the body text. Throttling,
   * 5xx answers and cut connections are retried with backoff; a 401 signs in again once.
   */
  get(pathOrUrl: string, what: string, signal?: AbortSignal, options?: GetOptions): Promise<string>;
}

export interface ArmOptions {
  retry?: Partial<RetryPolicy>;
  /** Called before every retry (a sync counts them in its run). */
  onRetry?: (event: RetryEvent) => void;
}

/** A request the stamp answered with an HTTP error, kept with its status and ARM error code for callers that branch on them. */
export class ArmRequestError extends StackmeterError {
  readonly status: number;
  readonly armCode: string | null;
  constructor(code: ErrorCode, message: string, status: number, armCode: string | null) {
    super(code, message);
    this.name = 'ArmRequestError';
    this.status = status;
    this.armCode = armCode;
  }
}

/** Reads the `{"error": {"code", "message"}}` body ARM sends with a failure, if there is one. */
function armError(body: string): { code: string; message: string | null } | null {
  try {
    const doc = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = doc.error ?? {};
    if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : null };
  } catch {
    // not JSON: the status alone is reported
  }
  return null;
}

function requestError(res: HttpResponse, what: string, attempts: number): ArmRequestError {
  const detail = armError(res.body);
  const code = res.status === 401 || res.status === 403 ? 'AUTH' : 'API';
  const text = detail ? ` (${detail.code}${detail.message ? `: ${detail.message}` : ''})` : '';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new ArmRequestError(code, `${what} failed${tries}: HTTP ${res.status}${text}.`, res.status, detail?.code ?? null);
}

export function createArmClient(http: HttpClient, armEndpoint: string, tokens: TokenProvider, options: ArmOptions = {}): ArmClient {
  const origin = new URL(armEndpoint).origin;
  const policy = retryPolicy(options.retry);

  function resolve(pathOrUrl: string): string {
    const url = new URL(pathOrUrl, `${armEndpoint}/`);
    // A nextLink is followed with our bearer token, so it must point back at the stamp and nowhere else.
    if (url.origin !== origin) {
      throw new StackmeterError('API', `The stamp sent a link to ${url.origin}, outside ${origin}; refusing to follow it.`);
    }
    return url.toString();
  }

  return {
    armEndpoint,
    async get(pathOrUrl, what, signal, getOptions = {}) {
      const url = resolve(pathOrUrl);
      let refreshed = false;
      for (let attempt = 1; ; attempt++) {
        const token = await tokens.get(signal);
        let res: HttpResponse;
        try {
          res = await http.send({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
            signal,
          });
        } catch (err) {
          // A reset connection or a body cut off mid-way is worth another try; TLS and cancellation are not.
          if (!(err instanceof StackmeterError) || err.code !== 'NETWORK') throw err;
          if (attempt >= policy.attempts) {
            throw attempt > 1 ? new StackmeterError('NETWORK', `${err.message} (${attempt} attempts)`, { cause: err }) : err;
          }
          const delayMs = retryDelay(policy, attempt, null);
          options.onRetry?.({ what, attempt, reason: err.message, delayMs });
          await sleep(delayMs, signal);
          continue;
        }
        if (res.status === 200) return res.body;
        // An expired or revoked token: sign in again once per request, then report the refusal.
        if (res.status === 401 && !refreshed) {
          refreshed = true;
          tokens.invalidate();
          attempt--;
          continue;
        }
        if (!RETRYABLE_STATUSES.has(res.status) || getOptions.failFast?.(res.status) || attempt >= policy.attempts) {
          throw requestError(res, what, attempt);
        }
        const delayMs = retryDelay(policy, attempt, parseRetryAfter(res.headers['retry-after'], Date.now()));
        options.onRetry?.({ what, attempt, reason: `HTTP ${res.status}`, delayMs });
        await sleep(delayMs, signal);
      }
    },
  };
}
