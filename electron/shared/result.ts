/** The envelope every transport (Electron IPC, browser-mode HTTP) returns for a contract call. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' // the caller sent something the schema refuses
  | 'NOT_FOUND' // a named connection, run or file does not exist
  | 'CONFLICT' // e.g. a connection name already taken
  | 'LOCKED' // another sync of the same stamp is running (in this process or another one sharing the cache)
  | 'AUTH' // the token endpoint refused the credentials
  | 'TLS' // the stamp's certificate is not trusted
  | 'NETWORK' // connection refused, reset, DNS, timeout
  | 'API' // the stamp answered with an error or a malformed body
  | 'BAD_INPUT' // an imported file is malformed
  | 'CANCELLED'
  | 'FORBIDDEN' // wrong sender, missing launch token
  | 'READ_ONLY' // auditor mode: the cache is opened read-only and nothing may change it
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  /** A sentence for a person: what happened and what to do. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/**
 * The one error type the core throws on purpose. Anything else reaching a transport is a bug and is mapped to INTERNAL.
 * Written without parameter properties so that Node can run this file by stripping types.
 */
export class StackmeterError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackmeterError';
    this.code = code;
  }
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof StackmeterError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}
