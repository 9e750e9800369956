import { StackmeterError } from '../../shared/result.ts';
import type { Clock } from '../types.ts';
import type { HttpClient } from './http.ts';
import type { StampEndpoints } from './metadata.ts';

export interface TokenProvider {
  /** A valid bearer token, fetched when none is cached or the cached one is within a few minutes of expiry. */
  get(signal?: AbortSignal): Promise<string>;
  /** Drops the cached token, e.g. after the API answered 401, so that the next get() signs in again. */
  invalidate(): void;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

// Refresh this long before expiry so that a token never runs out in the middle of a request or a page chain.
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Service-principal sign-in (OAuth2 client credentials) against the stamp's AD FS, in the form the Azure Stack Hub
 * REST documentation gives: POST {loginEndpoint}/oauth2/token with the metadata's audience as `resource`.
 */
export function createTokenProvider(
  http: HttpClient,
  endpoints: StampEndpoints,
  credentials: ClientCredentials,
  clock: Clock,
): TokenProvider {
  let cached: { token: string; expiresAt: number } | null = null;

  async function fetchToken(signal?: AbortSignal): Promise<{ token: string; expiresAt: number }> {
    if (endpoints.authType !== 'adfs') {
      throw new StackmeterError(
        'AUTH',
        `${endpoints.armEndpoint} signs in through Microsoft Entra ID (${endpoints.loginEndpoint}); this version signs in ` +
          `through AD FS only.`,
      );
    }
    const url = `${endpoints.loginEndpoint}/oauth2/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      resource: endpoints.audience,
    }).toString();
    const res = await http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal,
    });
    let doc: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      doc = JSON.parse(res.body) as typeof doc;
    } catch {
      // handled below: a non-JSON answer is reported with its status
    }
    if (res.status !== 200 || typeof doc.access_token !== 'string') {
      const reason = typeof doc.error === 'string'
        ? `${doc.error}${typeof doc.error_description === 'string' ? `: ${doc.error_description}` : ''}`
        : `HTTP ${res.status}`;
      throw new StackmeterError(
        'AUTH',
        `AD FS at ${new URL(url).host} refused to sign in client "${credentials.clientId}" (${reason}). ` +
          `Check the client ID and its secret, and that the service principal has access to the stamp.`,
      );
    }
    const seconds = Number(doc.expires_in ?? 3600);
    return { token: doc.access_token, expiresAt: clock.now().getTime() + (Number.isFinite(seconds) ? seconds : 3600) * 1000 };
  }

  return {
    async get(signal) {
      if (!cached || cached.expiresAt - REFRESH_MARGIN_MS <= clock.now().getTime()) {
        cached = await fetchToken(signal);
      }
      return cached.token;
    },
    invalidate() {
      cached = null;
    },
  };
}
