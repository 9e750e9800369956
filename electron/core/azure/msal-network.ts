import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { StackmeterError } from '../../shared/result.ts';
import type { HttpClient, HttpRequest } from './http.ts';

/** One answer msal received during a sign-in: enough to word an error without msal's generic text. */
export interface MsalExchange {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  body: Record<string, unknown>;
}

/**
 * msal's HTTP, routed through the connection's own client so that sign-in trusts the same CA bundle and takes the
 * same proxy as every ARM request. msal replaces any error its network module throws with a generic "network_error",
 * so this module also records what actually happened during the current sign-in (the transport failure, if any, and
 * every answer) for the token provider to report.
 */
export class MsalNetwork implements INetworkModule {
  readonly #http: HttpClient;
  #failure: StackmeterError | null = null;
  #exchanges: MsalExchange[] = [];

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** Forgets the previous sign-in's record; called before each msal call. */
  begin(): void {
    this.#failure = null;
    this.#exchanges = [];
  }

  /** The transport or parsing failure of the current sign-in, if one happened. */
  get failure(): StackmeterError | null {
    return this.#failure;
  }

  get exchanges(): readonly MsalExchange[] {
    return this.#exchanges;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.#send<T>({
      method: 'GET', url, headers: options?.headers, signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.#send<T>({ method: 'POST', url, headers: options?.headers, body: options?.body ?? '' });
  }

  async #send<T>(req: HttpRequest): Promise<NetworkResponse<T>> {
    let res;
    try {
      res = await this.#http.send(req);
    } catch (err) {
      this.#failure = err instanceof StackmeterError ? err : new StackmeterError('NETWORK', String(err), { cause: err });
      throw this.#failure;
    }
    let body: Record<string, unknown> = {};
    if (res.body.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(res.body);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        const { origin, pathname } = new URL(req.url);
        this.#failure = new StackmeterError(
          'API',
          `The sign-in endpoint ${origin}${pathname} answered HTTP ${res.status} with something that is not JSON; ` +
            'check the ARM endpoint and any proxy in between.',
        );
        throw this.#failure;
      }
    }
    this.#exchanges.push({ method: req.method, url: req.url, status: res.status, body });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { headers, body: body as T, status: res.status };
  }
}
