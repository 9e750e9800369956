import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
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
  /**
   * PEM of the stamp's CA bundle (one or several certificates): added to Node's bundled roots, never replacing them,
   * and verification is never disabled.
   */
  caPem?: string | null;
  /** The connection's own HTTP(S) proxy. When absent, HTTPS_PROXY / NO_PROXY of `env` apply. */
  proxy?: string | null;
  /** Where HTTPS_PROXY and NO_PROXY are read (default process.env). */
  env?: Record<string, string | undefined>;
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

/** A proxy URL as it may appear in a message: its origin only, so that credentials in an HTTPS_PROXY never leak. */
export function proxyOrigin(proxy: string): string {
  try {
    return new URL(proxy).origin;
  } catch {
    return 'the configured proxy';
  }
}

/** The proxy a client sends its requests through, as error messages name it. */
export interface ProxyInUse {
  /** e.g. `the proxy http://proxy:3128 (HTTPS_PROXY)`; never with credentials. */
  via: string;
  /** How to go around it, e.g. `list the stamp in NO_PROXY`. */
  bypass: string;
}

/**
 * Maps a transport failure to an error that says what happened and what to do. `proxy` is the proxy in use, if any;
 * `signal` is the request's own, whose abort means the
 * caller cancelled (undici also reports a proxy's refusal of a tunnel as an AbortError, which is a network failure).
 */
export function describeTransportError(
  err: unknown, url: string, proxy?: ProxyInUse | null, signal?: AbortSignal,
): StackmeterError {
  const host = new URL(url).host;
  if (err instanceof StackmeterError) return err;
  if (signal?.aborted && (signal.reason as { name?: string } | undefined)?.name !== 'TimeoutError') {
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
  if (proxy) {
    return new StackmeterError(
      'NETWORK',
      `Could not reach ${host} through ${proxy.via} (${detail}). Check the proxy address and that it allows HTTPS ` +
        `(CONNECT) to the stamp, or ${proxy.bypass}.`,
      { cause: err },
    );
  }
  return new StackmeterError(
    'NETWORK',
    `Could not reach ${host} (${detail}). Check the ARM endpoint address, that this machine can reach the stamp, and any proxy.`,
    { cause: err },
  );
}

/**
 * Checks a connection's proxy setting before it is stored. A user name or password in it would be kept in the cache
 * in plain text, so such a proxy must come from HTTPS_PROXY instead.
 */
export function checkProxySetting(proxy: string): string {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new StackmeterError(
      'INVALID_ARGUMENT', `proxy ${JSON.stringify(proxy)} is not a URL (e.g. http://proxy.corp:3128).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StackmeterError('INVALID_ARGUMENT', `proxy must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new StackmeterError(
      'INVALID_ARGUMENT',
      'proxy holds a user name or password, which would be stored in the cache in plain text. Leave proxy empty and ' +
        'set HTTPS_PROXY (with its credentials) in the environment of the process that syncs.',
    );
  }
  return url.origin;
}

/** The environment's proxy for HTTPS requests and its exclusions; the lower-case names win, as in curl and undici. */
function environmentProxy(env: Record<string, string | undefined>): { httpsProxy: string; noProxy: string } {
  return {
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || '',
    noProxy: env.no_proxy || env.NO_PROXY || '',
  };
}

/**
 * The undici dispatcher for one connection. The CA bundle is added to the roots of every TLS connection to the stamp,
 * also inside a proxy's CONNECT tunnel (requestTls), and of an HTTPS proxy itself (proxyTls): a corporate proxy's
 * certificate often comes from the same internal CA.
 */
function createDispatcherFor(
  options: HttpClientOptions, timeout: number,
): { dispatcher: Dispatcher; proxy: ProxyInUse | null } {
  const tls = options.caPem ? { ca: [...rootCertificates, options.caPem] } : {};
  const timeouts = { headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 30_000 };
  if (options.proxy) {
    return {
      dispatcher: new ProxyAgent({ uri: options.proxy, requestTls: tls, proxyTls: tls, ...timeouts }),
      proxy: {
        via: `the connection's proxy ${proxyOrigin(options.proxy)}`,
        bypass: 'remove the proxy from the connection',
      },
    };
  }
  const { httpsProxy, noProxy } = environmentProxy(options.env ?? process.env);
  if (!httpsProxy) return { dispatcher: new Agent({ connect: tls, ...timeouts }), proxy: null };
  return {
    // Every value is given explicitly (httpProxy empty: stamps are HTTPS only), so undici never reads process.env.
    dispatcher: new EnvHttpProxyAgent({
      httpProxy: '', httpsProxy, noProxy, connect: tls, requestTls: tls, proxyTls: tls, ...timeouts,
    }),
    proxy: {
      via: `the proxy ${proxyOrigin(httpsProxy)} (HTTPS_PROXY${noProxy ? `, NO_PROXY ${noProxy}` : ''})`,
      bypass: 'list the stamp\'s host in NO_PROXY',
    },
  };
}

/** One keep-alive HTTPS client per connection, trusting the system roots plus the connection's CA, through its proxy. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeout = options.timeoutMs ?? 120_000;
  const { dispatcher: agent, proxy } = createDispatcherFor(options, timeout);
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
        throw describeTransportError(err, req.url, proxy, req.signal);
      }
    },
    close: () => agent.close(),
  };
}
