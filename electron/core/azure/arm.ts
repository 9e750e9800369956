import { StackmeterError } from '../../shared/result.ts';
import type { HttpClient } from './http.ts';
import type { TokenProvider } from './token.ts';

export interface ArmClient {
  readonly armEndpoint: string;
  /** GETs a path (relative to the ARM endpoint) or an absolute URL on the same origin; returns the body text. */
  get(pathOrUrl: string, what: string, signal?: AbortSignal): Promise<string>;
}

/** Reads the `{"error": {"code", "message"}}` body ARM sends with a failure, if there is one. */
function armErrorDetail(body: string): string | null {
  try {
    const doc = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = doc.error ?? {};
    if (typeof code === 'string') return typeof message === 'string' ? `${code}: ${message}` : code;
  } catch {
    // not JSON: the status alone is reported
  }
  return null;
}

export function createArmClient(http: HttpClient, armEndpoint: string, tokens: TokenProvider): ArmClient {
  const origin = new URL(armEndpoint).origin;

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
    async get(pathOrUrl, what, signal) {
      const url = resolve(pathOrUrl);
      for (let attempt = 0; ; attempt++) {
        const token = await tokens.get(signal);
        const res = await http.send({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal,
        });
        if (res.status === 200) return res.body;
        // An expired or revoked token: sign in again once, then give up.
        if (res.status === 401 && attempt === 0) {
          tokens.invalidate();
          continue;
        }
        const detail = armErrorDetail(res.body);
        const code = res.status === 401 || res.status === 403 ? 'AUTH' : 'API';
        throw new StackmeterError(code, `${what} failed: HTTP ${res.status}${detail ? ` (${detail})` : ''}.`);
      }
    },
  };
}
