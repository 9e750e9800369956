import { StackmeterError } from '../../shared/result.ts';

/** How a request that failed for a passing reason (throttling, a busy or restarting service, a cut connection) is repeated. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The backoff ceiling of the first retry; it doubles with every further one (full jitter below it). */
  baseDelayMs: number;
  /** The backoff ceiling never grows past this. */
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this long; a longer one is cut to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** A retry about to happen: what is repeated, why, and after how long. */
export interface RetryEvent {
  what: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  reason: string;
  delayMs: number;
}

/** HTTP statuses that say "try again later": throttled, or a server or gateway that is busy or restarting. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new StackmeterError('INVALID_ARGUMENT', `retry attempts must be a whole number of at least 1, not ${policy.attempts}.`);
  }
  return policy;
}

/**
 * Exponential backoff with full jitter: a uniformly random wait below base × 2^(attempt-1), capped. Clients that failed
 * together (several workers throttled at once) then come back spread out instead of in a new burst.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait a Retry-After header asks for, in milliseconds: delta-seconds or an HTTP date. Null when absent or
 * unreadable; never negative.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The wait before the next attempt: the server's Retry-After when it sent one (capped), else the jittered backoff. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return backoffDelay(policy, attempt);
}

/** Waits `ms`, or rejects with CANCELLED as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new StackmeterError('CANCELLED', 'Cancelled while waiting to retry.');
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
