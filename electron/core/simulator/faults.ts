// Injected failures: what a busy, flaky or far-away real stamp does to a client. Each named profile turns on one kind
// (or, `chaos`, all of them at low rates). Decisions are a pure function of the seed, the request's method and URL and
// how many times that same request was made before, so a profile fails the same requests on every run, whatever order
// concurrent requests arrive in, and a retried request gets a fresh decision.

import { hashLabel, mix } from './random.ts';

export const FAULT_PROFILES = [
  'throttle', 'flaky', 'gateway', 'drops', 'slow', 'truncated', 'expiring-tokens', 'duplicates', 'late', 'chaos',
] as const;

export type FaultProfile = (typeof FAULT_PROFILES)[number];

/** Probabilities are per request (per record for `late`). */
export interface FaultRates {
  /** 429 TooManyRequests with a Retry-After (seconds, sometimes an HTTP date). */
  throttle: number;
  /** 500, 502 or 503. */
  flaky: number;
  /** All-tenant usage windows longer than this many hours always time out at the gateway (504). */
  gatewayAboveHours: number;
  /** 504 GatewayTimeout on smaller all-tenant windows. */
  gateway: number;
  /** The connection is destroyed after part of the response was sent. */
  drops: number;
  /** A usage page is held back `slowMs` before it is sent. */
  slow: number;
  slowMs: number;
  /** A usage page's body is cut short (sent with the Content-Length of what is left, as a truncating proxy does). */
  truncated: number;
  /** A bearer token is refused as expired after this many ARM requests (0: never); sign-in issues a fresh one. */
  tokenRequests: number;
  /** A usage page's nextLink points back at that page, which is then served a second time. */
  duplicates: number;
  /** Share of usage (per resource and hour) that becomes visible only up to `lateHours` after its reported time. */
  late: number;
  lateHours: number;
}

export const NO_FAULTS: FaultRates = {
  throttle: 0, flaky: 0, gatewayAboveHours: Infinity, gateway: 0, drops: 0, slow: 0, slowMs: 0, truncated: 0,
  tokenRequests: 0, duplicates: 0, late: 0, lateHours: 0,
};

/** The rates of a named profile. Delays stay small so that tests remain fast. */
export function faultRates(profile: FaultProfile): FaultRates {
  switch (profile) {
    case 'throttle': return { ...NO_FAULTS, throttle: 0.25 };
    case 'flaky': return { ...NO_FAULTS, flaky: 0.25 };
    case 'gateway': return { ...NO_FAULTS, gatewayAboveHours: 3, gateway: 0.15 };
    case 'drops': return { ...NO_FAULTS, drops: 0.2 };
    case 'slow': return { ...NO_FAULTS, slow: 0.5, slowMs: 25 };
    case 'truncated': return { ...NO_FAULTS, truncated: 0.2 };
    case 'expiring-tokens': return { ...NO_FAULTS, tokenRequests: 12 };
    case 'duplicates': return { ...NO_FAULTS, duplicates: 0.3 };
    case 'late': return { ...NO_FAULTS, late: 0.3, lateHours: 5 };
    case 'chaos':
      return {
        throttle: 0.04, flaky: 0.04, gatewayAboveHours: 3, gateway: 0.04, drops: 0.03, slow: 0.05, slowMs: 20,
        truncated: 0.03, tokenRequests: 40, duplicates: 0.05, late: 0.05, lateHours: 5,
      };
  }
}

export function isFaultProfile(value: string): value is FaultProfile {
  return (FAULT_PROFILES as readonly string[]).includes(value);
}

/** What to do to one request. */
export type RequestFault =
  | { kind: 'none' }
  | { kind: 'expired-token' }
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfter: string | null };

/** What to do to a usage page that is being answered with 200. */
export interface PageFaults {
  /** Milliseconds to wait before sending. */
  delayMs: number;
  /** Destroy the connection after this many bytes of the body (null: send it all). */
  dropAfter: number | null;
  /** Send only this many bytes of the body, as if that were all of it (null: send it all). */
  truncateAt: number | null;
  /** Point the nextLink back at this page once. */
  repeat: boolean;
}

const UNIT = 2 ** 32;

/**
 * Makes the fault decisions for one simulator. Holds how often each request was seen (so that a retry is a new
 * decision) and how often each token was used.
 */
export class FaultInjector {
  private readonly seed: number;
  private readonly seen = new Map<string, number>();
  private readonly tokenUses = new Map<string, number>();

  constructor(seed: number) {
    this.seed = seed;
  }

  /** A uniform number in [0, 1) for one kind of decision about one request. */
  private roll(kind: string, key: string): number {
    return hashLabel(this.seed ^ hashLabel(0, kind), key) / UNIT;
  }

  /** Counts the request and returns its key: the same URL asked again gets a new key. */
  requestKey(method: string, url: string): string {
    const base = `${method} ${url}`;
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    return `${base}#${n}`;
  }

  /**
   * The fault (if any) for an authenticated ARM request. `allTenantHours` is the window length of an all-tenant usage
   * query, null for anything else.
   */
  requestFault(rates: FaultRates, key: string, token: string, allTenantHours: number | null): RequestFault {
    if (rates.tokenRequests > 0) {
      const uses = (this.tokenUses.get(token) ?? 0) + 1;
      this.tokenUses.set(token, uses);
      if (uses > rates.tokenRequests) return { kind: 'expired-token' };
    }
    if (this.roll('throttle', key) < rates.throttle) {
      // Mostly delta-seconds; now and then an HTTP date, which clients must read too.
      const retryAfter = this.roll('retry-after-form', key) < 0.25
        ? new Date(Date.now() + 1000).toUTCString()
        : String(1 + Math.floor(this.roll('retry-after', key) * 2));
      return { kind: 'status', status: 429, retryAfter };
    }
    const flaky = this.roll('flaky', key);
    if (flaky < rates.flaky) {
      const status = ([500, 502, 503] as const)[Math.floor((flaky / rates.flaky) * 3)] ?? 503;
      return { kind: 'status', status, retryAfter: status === 503 ? '1' : null };
    }
    if (allTenantHours !== null &&
      (allTenantHours > rates.gatewayAboveHours || this.roll('gateway', key) < rates.gateway)) {
      return { kind: 'status', status: 504, retryAfter: null };
    }
    return { kind: 'none' };
  }

  pageFaults(rates: FaultRates, key: string, bodyLength: number): PageFaults {
    const cut = (kind: string) => 1 + Math.floor(this.roll(`${kind}-at`, key) * Math.max(1, bodyLength - 2));
    return {
      delayMs: this.roll('slow', key) < rates.slow ? rates.slowMs : 0,
      dropAfter: this.roll('drops', key) < rates.drops ? cut('drops') : null,
      truncateAt: this.roll('truncated', key) < rates.truncated ? cut('truncated') : null,
      repeat: this.roll('duplicates', key) < rates.duplicates,
    };
  }

  /**
   * Hours after its reported time that the usage of one resource and usage hour becomes visible: 0 for most, up to
   * `lateHours` for the `late` share.
   */
  lateHours(rates: FaultRates, resourceKey: number, usageStart: number): number {
    if (rates.late <= 0 || rates.lateHours <= 0) return 0;
    const h = mix(mix(this.seed ^ 0x1a7e, resourceKey), usageStart);
    if ((h % 10_000) / 10_000 >= rates.late) return 0;
    return 1 + ((h >>> 14) % rates.lateHours);
  }
}
