// HTTP routing of the simulated stamp: ARM metadata and AD FS without a token, every /subscriptions route behind the
// bearer check, ARM-style error bodies, and optional injected faults (504 for all-tenant queries, periodic 503s).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from './adfs.ts';
import {
  directoryTenants, metadataEndpoints, openIdConfiguration, providerSubscriptions, scaleUnitNodes, scaleUnits,
  tenantSubscriptions,
} from './documents.ts';
import type { SyntheticStamp } from './stamp.ts';
import { renderUsagePage, resolveUsageQuery, type ApiError, type UsageApi } from './usage-api.ts';

export interface SimulatorFaults {
  /** Answer operator usage queries that name no subscriberId with 504 GatewayTimeout, as a busy real stamp does. */
  gatewayTimeoutWithoutSubscriber?: boolean;
  /** Answer every Nth usage request (counting from the first) with 503 ServiceUnavailable and a Retry-After. */
  serviceUnavailableEvery?: number;
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

async function handleToken(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  const result = ctx.tokens.issue(form, req.headers.authorization);
  send(res, result.status, JSON.stringify(result.body));
}

function handleUsage(
  ctx: ServerContext, res: ServerResponse, url: URL, api: UsageApi, tenantSubscriptionIndex: number,
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
    // The body a real stamp's gateway sends when an all-tenant query takes too long.
    sendError(res, {
      status: 504,
      code: 'GatewayTimeout',
      message: "The gateway did not receive a response from 'Microsoft.Commerce.Admin' within the specified time " +
        'period.',
    }, { 'x-ms-failure-cause': 'service' });
    return;
  }
  const page = renderUsagePage(stamp, api, q, ctx.pageSize, (token) => {
    const next = new URLSearchParams(params);
    next.set('continuationToken', token);
    return `${ctx.url}${url.pathname}?${next.toString()}`;
  });
  stats.usagePages++;
  stats.usageRecords += page.records;
  send(res, 200, page.body);
}

function handleArm(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const { stamp } = ctx;
  const auth = ctx.tokens.check(req.headers.authorization);
  if (!auth.ok) {
    sendError(res, { status: 401, code: auth.code, message: auth.message }, {
      'www-authenticate':
        `Bearer authorization_uri="${ctx.url}/adfs", error="invalid_token", error_description="${auth.message}"`,
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
  // The usage routes validate their own parameters (api-version included) with the codes the usage API documents.
  if (route === 'providers/microsoft.commerce/usageaggregates') {
    const index = stamp.subscriptionIndex(sub);
    if (index < 0) {
      subscriptionNotFound(res, sub);
      return;
    }
    handleUsage(ctx, res, url, 'tenant', index);
    return;
  }
  if (seg.length > 2 && sub !== stamp.providerSubscriptionId.toLowerCase()) {
    subscriptionNotFound(res, sub);
    return;
  }
  if (route === 'providers/microsoft.commerce.admin/subscriberusageaggregates') {
    handleUsage(ctx, res, url, 'admin', -1);
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
      if (path === '/metadata/endpoints' && req.method === 'GET') {
        send(res, 200, JSON.stringify(metadataEndpoints(ctx.stamp, ctx.url)));
      } else if (path === '/adfs/.well-known/openid-configuration' && req.method === 'GET') {
        send(res, 200, JSON.stringify(openIdConfiguration(ctx.url)));
      } else if (path === '/adfs/oauth2/token') {
        handleToken(ctx, req, res).catch(done);
      } else if (path === '/subscriptions' || path.startsWith('/subscriptions/')) {
        handleArm(ctx, req, res, url);
      } else {
        notFound(res, url.pathname);
      }
    } catch (err) {
      done(err);
    }
  };
}
