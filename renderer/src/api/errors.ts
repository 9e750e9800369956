import type { ErrorCode } from '../../../electron/shared/result.ts';

/**
 * A contract call that the core (or the transport) answered with `{ ok: false }`. The message is written for a person:
 * it says what happened and what to do, so views show it as it is.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** The sentence to show for any failure reaching a view. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return `Unexpected error: ${err.message}`;
  return `Unexpected error: ${String(err)}`;
}
