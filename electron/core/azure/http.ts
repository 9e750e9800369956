import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { StackmeterError } from '../../shared/result.ts';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** PEM of the stamp's CA: added to Node's bundled roots, never replacing them, and verification is never disabled. */
  caPem?: string | null;
  /** Per-request time limit for headers and for the body, in milliseconds. */
  timeoutMs?: number;
}

// Node's TLS error codes that mean "the peer's certificate chain is not trusted or does not match".
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  // undici wraps socket errors; the TLS or errno code sits on the error or on its cause.
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TLS_CODES.has(code) || NETWORK_CODES.has(code))) return code;
  }
  return undefined;
}

/** Maps a transport failure to an error that says what happened and what to do. */
export function describeTransportError(err: unknown, url: string): StackmeterError {
  const host = new URL(url).host;
  if (err instanceof StackmeterError) return err;
  if ((err as { name?: string }).name === 'AbortError') {
    return new StackmeterError('CANCELLED', `The request to ${host} was cancelled.`, { cause: err });
  }
  const code = errorCode(err);
  if (code && TLS_CODES.has(code)) {
    return new StackmeterError(
      'TLS',
      `The TLS certificate of ${host} is not trusted (${code}). Add the root CA that issued the stamp's certificates ` +
        `to the connection (CLI: --ca <pem file>; console: "CA certificate") — verification is never switched off.`,
      { cause: err },
    );
  }
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  return new StackmeterError(
    'NETWORK',
    `Could not reach ${host} (${detail}). Check the ARM endpoint address, that this machine can reach the stamp, and any proxy.`,
    { cause: err },
  );
}

/** One keep-alive HTTPS client per connection, trusting the system roots plus the connection's CA. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const ca = options.caPem ? [...rootCertificates, options.caPem] : undefined;
  const timeout = options.timeoutMs ?? 120_000;
  const agent = new Agent({
    connect: ca ? { ca } : {},
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 30_000,
  });
  return {
    async send(req) {
      try {
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          dispatcher: agent,
          signal: req.signal,
        });
        const body = await res.body.text();
        return { status: res.statusCode, headers: res.headers, body };
      } catch (err) {
        throw describeTransportError(err, req.url);
      }
    },
    close: () => agent.close(),
  };
}
