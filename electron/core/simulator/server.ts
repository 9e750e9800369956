// HTTP routing of the simulated stamp: ARM metadata and AD FS without a token, every /subscriptions route behind the
// bearer check, ARM-style error bodies, and optional injected faults (a fault profile, 504 for all-tenant queries,
// periodic 503s).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenEndpoint, TokenService } from './adfs.ts';
import {
  directoryTenants, locations, metadataEndpoints, providerSubscriptions, scaleUnitNodes, scaleUnits,
  tenantSubscriptions,
} from './documents.ts';
import { FaultInjector, faultRates, type FaultProfile, type FaultRates } from './faults.ts';
import { tenantPrincipalAnswer, type IdentityEndpoints } from './identity.ts';
import type { SimResource } from './model.ts';
import type { SyntheticStamp } from './stamp.ts';
import { HOUR_MS, parseWireTime } from './time.ts';
import { renderUsagePage, resolveUsageQuery, type ApiError, type UsageApi } from './usage-api.ts';

export interface SimulatorFaults {
  /** Answer operator usage queries that name no subscriberId with 504 GatewayTimeout, as a busy real stamp does. */
  gatewayTimeoutWithoutSubscriber?: boolean;
  /** Answer every Nth usage request (counting from the first) with 503 ServiceUnavailable and a Retry-After. */
  serviceUnavailableEvery?: number;
  /** A fault profile (see faults.ts) or explicit rates, decided deterministically from the stamp's seed. */
  profile?: FaultProfile | FaultRates | null;
}

export interface SimulatorStats {
  requests: number;
  usageRequests: number;
  usagePages: number;
  usageRecords: number;
}

export interface ServerContext {
  url: string;
  stamp: SyntheticStamp;
  tokens: TokenService;
  identity: IdentityEndpoints;
  pageSize: number;
  faults: SimulatorFaults;
  stats: SimulatorStats;
}

const MAX_FORM_BYTES = 64 * 1024;

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(body, 'utf8');
  const requestId = randomUUID();
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(payload.length),
    'cache-control': 'no-cache',
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': requestId,
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, e: ApiError, headers?: Record<string, string>): void {
  send(res, e.status, JSON.stringify({ error: { code: e.code, message: e.message } }), headers);
}

// The body a real stamp's gateway sends when an all-tenant query takes too long (see the recorded 504s).
const GATEWAY_TIMEOUT: ApiError = {
  status: 504,
  code: 'GatewayTimeout',
  message: "The gateway did not receive a response from 'Microsoft.Commerce.Admin' within the specified time period.",
};

const FAULT_ERRORS: Record<429 | 500 | 502 | 503, ApiError> = {
  429: { status: 429, code: 'TooManyRequests', message: 'The request was throttled. Retry after the interval given.' },
  500: { status: 500, code: 'InternalServerError', message: 'Encountered an internal server error.' },
  502: { status: 502, code: 'BadGateway', message: 'The gateway received an invalid response from the resource provider.' },
  503: { status: 503, code: 'ServiceUnavailable', message: 'The service is busy. Retry the request later.' },
};

// Added to a nextLink that points back at the page it came with (the `duplicates` fault), so that it repeats once.
const REPEAT_PARAM = 'x-sim-repeat';

/** A fault profile in force, and where this request stands in its decisions. */
interface ActiveFaults {
  injector: FaultInjector;
  rates: FaultRates;
  key: string;
}

function ratesOf(faults: SimulatorFaults): FaultRates | null {
  const { profile } = faults;
  if (!profile) return null;
  return typeof profile === 'string' ? faultRates(profile) : profile;
}

/** The window length in hours of an all-tenant operator usage query, or null for any other request. */
function allTenantHours(route: string, params: URLSearchParams): number | null {
  if (route !== 'providers/microsoft.commerce.admin/subscriberusageaggregates' || params.get('subscriberId')) return null;
  const start = parseWireTime(params.get('reportedStartTime') ?? '');
  const end = parseWireTime(params.get('reportedEndTime') ?? '');
  return start === null || end === null ? null : (end - start) / HOUR_MS;
}

/** Sends a usage page with the page faults in force: held back, cut short, or the connection dropped mid-way. */
function sendPage(res: ServerResponse, body: string, active: ActiveFaults | null): void {
  if (!active) {
    send(res, 200, body);
    return;
  }
  const faults = active.injector.pageFaults(active.rates, active.key, body.length);
  const deliver = (): void => {
    if (faults.dropAfter !== null) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
      res.write(body.slice(0, faults.dropAfter));
      res.destroy();
    } else {
      send(res, 200, faults.truncateAt === null ? body : body.slice(0, faults.truncateAt));
    }
  };
  if (faults.delayMs > 0) setTimeout(deliver, faults.delayMs);
  else deliver();
}

function notFound(res: ServerResponse, path: string): void {
  sendError(res, { status: 404, code: 'NotFound', message: `No resource or route matches '${path}' on this stamp.` });
}

function subscriptionNotFound(res: ServerResponse, sub: string): void {
  const message = `The subscription '${sub}' could not be found.`;
  sendError(res, { status: 404, code: 'SubscriptionNotFound', message });
}

function readForm(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('request body too large'));
        req.removeAllListeners('data');
        req.resume();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handleToken(
  ctx: ServerContext, req: IncomingMessage, res: ServerResponse, endpoint: TokenEndpoint,
): Promise<void> {
  if (req.method !== 'POST') {
    const body = { error: 'invalid_request', error_description: 'MSIS9921: The token endpoint accepts POST only.' };
    send(res, 405, JSON.stringify(body), { allow: 'POST' });
    return;
  }
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    send(res, 400, JSON.stringify({
      error: 'invalid_request',
      error_description: 'MSIS9605: The token request must be sent as application/x-www-form-urlencoded.',
    }));
    return;
  }
  let text: string;
  try {
    text = await readForm(req);
  } catch {
    send(res, 413, JSON.stringify({
      error: 'invalid_request', error_description: 'MSIS9605: The token request is too large.',
    }));
    return;
  }
  const form = new URLSearchParams(text);
  const result = ctx.tokens.issue(form, req.headers.authorization, endpoint);
  send(res, result.status, JSON.stringify(result.body));
}

function handleUsage(
  ctx: ServerContext, res: ServerResponse, url: URL, api: UsageApi, tenantSubscriptionIndex: number,
  active: ActiveFaults | null,
): void {
  const { stats, faults, stamp } = ctx;
  stats.usageRequests++;
  if (faults.serviceUnavailableEvery && stats.usageRequests % faults.serviceUnavailableEvery === 0) {
    const busy = { status: 503, code: 'ServiceUnavailable', message: 'The service is busy. Retry the request later.' };
    sendError(res, busy, { 'retry-after': '1' });
    return;
  }
  const params = url.searchParams;
  const q = resolveUsageQuery(stamp, api, params, tenantSubscriptionIndex, stamp.now().getTime());
  if ('code' in q) {
    sendError(res, q);
    return;
  }
  if (api === 'admin' && faults.gatewayTimeoutWithoutSubscriber && q.window.subscriptionIndex < 0) {
    sendError(res, GATEWAY_TIMEOUT, { 'x-ms-failure-cause': 'service' });
    return;
  }
  // The `late` fault: some usage becomes visible hours after its reported time, so a query made before then misses it.
  const late = active && active.rates.late > 0 ? active : null;
  const hidden = late
    ? (res: SimResource, start: number): boolean => {
      const delay = late.injector.lateHours(late.rates, res.key, start);
      return delay > 0 && (stamp.reportedHour(res, q.window.granularity, start) + delay) * HOUR_MS > stamp.now().getTime();
    }
    : undefined;
  const page = renderUsagePage(stamp, api, q, ctx.pageSize, (token) => {
    const next = new URLSearchParams(params);
    next.set('continuationToken', token);
    return `${ctx.url}${url.pathname}?${next.toString()}`;
  }, hidden);
  let body = page.body;
  if (active && !params.has(REPEAT_PARAM) && active.injector.pageFaults(active.rates, active.key, body.length).repeat) {
    // The `duplicates` fault: the nextLink leads back to this very page, which the client then receives twice.
    const again = new URLSearchParams(params);
    again.set(REPEAT_PARAM, '1');
    body = `${body.slice(0, body.lastIndexOf(']') + 1)},"nextLink":${JSON.stringify(`${ctx.url}${url.pathname}?${again}`)}}`;
  }
  stats.usagePages++;
  stats.usageRecords += page.records;
  sendPage(res, body, active);
}

/**
 * The request-level fault of the profile in force, answered here when there is one (an expired token, throttling, a
 * 5xx, a gateway timeout); otherwise what the usage routes need to apply page faults. Null: no profile.
 */
function injectFault(
  ctx: ServerContext, injector: FaultInjector, req: IncomingMessage, res: ServerResponse, url: URL, route: string,
): ActiveFaults | 'answered' | null {
  const rates = ratesOf(ctx.faults);
  if (!rates) return null;
  const key = injector.requestKey(req.method ?? 'GET', `${url.pathname}${url.search}`);
  const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  const fault = injector.requestFault(rates, key, token, allTenantHours(route, url.searchParams));
  if (fault.kind === 'expired-token') {
    const message = 'The access token expired. Request a new token.';
    sendError(res, { status: 401, code: 'ExpiredAuthenticationToken', message }, {
      'www-authenticate': `Bearer authorization_uri="${ctx.identity.loginEndpoint}", error="invalid_token", ` +
        `error_description="${message}"`,
    });
    return 'answered';
  }
  if (fault.kind === 'status') {
    if (fault.status === 504) sendError(res, GATEWAY_TIMEOUT, { 'x-ms-failure-cause': 'service' });
    else sendError(res, FAULT_ERRORS[fault.status], fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    return 'answered';
  }
  return { injector, rates, key };
}

function handleArm(
  ctx: ServerContext, injector: FaultInjector, req: IncomingMessage, res: ServerResponse, url: URL,
): void {
  const { stamp } = ctx;
  const auth = ctx.tokens.check(req.headers.authorization);
  if (!auth.ok) {
    sendError(res, { status: 401, code: auth.code, message: auth.message }, {
      'www-authenticate': `Bearer authorization_uri="${ctx.identity.loginEndpoint}", error="invalid_token", ` +
        `error_description="${auth.message}"`,
    });
    return;
  }
  if (req.method !== 'GET') {
    sendError(res, {
      status: 405, code: 'MethodNotAllowed', message: `The simulator serves ${url.pathname} with GET only.`,
    });
    return;
  }
  const seg = url.pathname.replace(/\/+$/, '').toLowerCase().split('/');
  const route = seg.slice(3).join('/');
  const sub = seg[2] ?? '';
  const scoped = tenantPrincipalAnswer(auth.principal, stamp, seg);
  if (scoped) {
    send(res, scoped.status, JSON.stringify(scoped.body));
    return;
  }
  const active = injectFault(ctx, injector, req, res, url, route);
  if (active === 'answered') return;
  // The usage routes validate their own parameters (api-version included) with the codes the usage API documents.
  if (route === 'providers/microsoft.commerce/usageaggregates') {
    const index = stamp.subscriptionIndex(sub);
    if (index < 0 || stamp.isDeleted(index)) {
      subscriptionNotFound(res, sub);
      return;
    }
    handleUsage(ctx, res, url, 'tenant', index, active);
    return;
  }
  if (seg.length > 2 && sub !== stamp.providerSubscriptionId.toLowerCase()) {
    subscriptionNotFound(res, sub);
    return;
  }
  if (route === 'providers/microsoft.commerce.admin/subscriberusageaggregates') {
    handleUsage(ctx, res, url, 'admin', -1, active);
    return;
  }
  if (!url.searchParams.get('api-version')) {
    sendError(res, {
      status: 400,
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    });
    return;
  }
  if (seg.length === 2) {
    send(res, 200, JSON.stringify(providerSubscriptions(stamp)));
    return;
  }
  const region = stamp.region.toLowerCase();
  const fabric = `resourcegroups/system.${region}/providers/microsoft.fabric.admin/fabriclocations/${region}`;
  switch (route) {
    case 'providers/microsoft.subscriptions.admin/subscriptions':
      send(res, 200, JSON.stringify(tenantSubscriptions(stamp)));
      return;
    case `resourcegroups/system.${region}/providers/microsoft.subscriptions.admin/directorytenants`:
      send(res, 200, JSON.stringify(directoryTenants(stamp)));
      return;
    case 'locations':
      send(res, 200, JSON.stringify(locations(stamp)));
      return;
    case `${fabric}/scaleunits`:
      send(res, 200, JSON.stringify(scaleUnits(stamp)));
      return;
    case `${fabric}/scaleunitnodes`:
      send(res, 200, JSON.stringify(scaleUnitNodes(stamp)));
      return;
    default:
      notFound(res, url.pathname);
  }
}

/** The request listener of the simulator's HTTPS server. */
export function createRequestHandler(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const injector = new FaultInjector(ctx.stamp.seed);
  return (req, res) => {
    ctx.stats.requests++;
    const url = new URL(req.url ?? '/', ctx.url);
    const path = url.pathname.replace(/\/+$/, '').toLowerCase();
    const done = (err: unknown) => {
      if (!res.headersSent) {
        const message = err instanceof Error ? err.message : String(err);
        sendError(res, { status: 500, code: 'InternalServerError', message });
      } else {
        res.destroy();
      }
    };
    try {
      const openId = req.method === 'GET' ? ctx.identity.openIdConfiguration(url.pathname) : null;
      const token = ctx.identity.tokenEndpoint(url.pathname);
      if (path === '/metadata/endpoints' && req.method === 'GET') {
        send(res, 200, JSON.stringify(metadataEndpoints(ctx.stamp, ctx.identity.loginEndpoint)));
      } else if (openId) {
        send(res, openId.status, JSON.stringify(openId.body));
      } else if (token && 'status' in token) {
        send(res, token.status, JSON.stringify(token.body));
      } else if (token) {
        handleToken(ctx, req, res, token).catch(done);
      } else if (path === '/subscriptions' || path.startsWith('/subscriptions/')) {
        handleArm(ctx, injector, req, res, url);
      } else {
        notFound(res, url.pathname);
      }
    } catch (err) {
      done(err);
    }
  };
}
