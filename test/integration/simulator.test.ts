import { Decimal } from 'decimal.js';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type StampRecord } from '../../electron/core/simulator/index.ts';

const SECRET = 'simulator-secret';
const HOUR = 3_600_000;
let clock = new Date('2025-03-15T10:20:00Z');
let sim: RunningSimulator;
let agent: Agent;
let token: string;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

type RawResponse = { statusCode: number; headers: Reply['headers']; body: { text(): Promise<string> } };

async function reply(res: RawResponse): Promise<Reply> {
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) as Record<string, unknown> };
}

async function get(pathOrUrl: string, bearer: string | null = token): Promise<Reply> {
  const url = pathOrUrl.startsWith('https:') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  return reply(await request(url, { dispatcher: agent, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }));
}

async function signIn(overrides: Record<string, string> = {}): Promise<Reply> {
  const fields = {
    grant_type: 'client_credentials', client_id: sim.clientId, client_secret: SECRET, resource: sim.stamp.audience,
    ...overrides,
  };
  return reply(await request(`${sim.url}/adfs/oauth2/token`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }));
}

const providerPath = () => `/subscriptions/${sim.providerSubscriptionId}`;
const systemGroup = () => `${providerPath()}/resourceGroups/System.${sim.stamp.region}`;

/** Hourly query parameters for reported hours [from, to) of 2025-03-13, plus extras. */
function day13(from: number, to: number, extra: Record<string, string> = {}): Record<string, string> {
  const at = (h: number) => `2025-03-13T${String(h).padStart(2, '0')}:00:00Z`;
  return { reportedStartTime: at(from), reportedEndTime: at(to), ...extra };
}

function usagePath(params: Record<string, string>, tenantSubscription?: string): string {
  const query = new URLSearchParams({
    'api-version': '2015-06-01-preview', aggregationGranularity: 'Hourly', ...params,
  });
  return tenantSubscription
    ? `/subscriptions/${tenantSubscription}/providers/Microsoft.Commerce/UsageAggregates?${query}`
    : `${providerPath()}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?${query}`;
}

interface WireRecord {
  id: string;
  properties: {
    subscriptionId: string;
    meterId: string;
    usageStartTime: string;
    usageEndTime: string;
    instanceData: string;
    quantity: string;
  };
}

interface WirePage {
  value: WireRecord[];
  nextLink?: string;
}

// Keeps every number as its source text, so quantities are compared exactly as sent.
function parseKeepingNumbers(text: string): WirePage {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? context.source : value;
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown) as WirePage;
}

async function fetchAll(path: string): Promise<{ records: WireRecord[]; pages: number }> {
  const records: WireRecord[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const page = await get(next);
    expect(page.status, page.text).toBe(200);
    const doc = parseKeepingNumbers(page.text);
    records.push(...doc.value);
    next = doc.nextLink;
    pages++;
  }
  return { records, pages };
}

function resourceUriOf(r: WireRecord): string {
  const data = JSON.parse(r.properties.instanceData) as { 'Microsoft.Resources': { resourceUri: string } };
  return data['Microsoft.Resources'].resourceUri;
}

function wireKey(r: WireRecord): string {
  const p = r.properties;
  return `${p.subscriptionId}|${p.meterId}|${new Date(p.usageStartTime).toISOString()}|${resourceUriOf(r)}`;
}

function stampKey(r: StampRecord): string {
  return `${r.subscriptionId}|${r.meterId}|${r.usageStart}|${r.resourceUri}`;
}

beforeAll(async () => {
  sim = await startSimulator({
    clientSecret: SECRET, seed: 5, tenants: 3, historyDays: 6, pageSize: 150, tokenLifetimeSeconds: 600,
    now: () => clock,
  });
  agent = new Agent({ connect: { ca: [...rootCertificates, sim.caPem] } });
  token = (await signIn()).json.access_token as string;
});

afterAll(async () => {
  await agent.close();
  await sim.close();
});

describe('simulator TLS', () => {
  it('is refused by a client that trusts only the system roots', async () => {
    const strict = new Agent();
    const failure = await request(`${sim.url}/metadata/endpoints?api-version=2015-01-01`, { dispatcher: strict }).then(
      () => null,
      (err: unknown) => err as { code?: string; cause?: { code?: string } },
    );
    await strict.close();
    expect(failure).not.toBeNull();
    expect(String(failure?.code ?? failure?.cause?.code)).toMatch(/CERT|SIGN|VERIFY/);
  });

  it('is trusted by a client that adds its CA, by IP and by the name localhost', async () => {
    expect((await get('/metadata/endpoints?api-version=2015-01-01', null)).status).toBe(200);
    const byName = `${sim.url.replace('127.0.0.1', 'localhost')}/metadata/endpoints?api-version=2015-01-01`;
    expect((await reply(await request(byName, { dispatcher: agent }))).status).toBe(200);
  });
});

describe('metadata and AD FS', () => {
  it('advertises the AD FS login endpoint and a stable audience', async () => {
    const { json } = await get('/metadata/endpoints?api-version=2015-01-01', null);
    const auth = json.authentication as { loginEndpoint: string; audiences: string[] };
    expect(auth.loginEndpoint).toBe(`${sim.url}/adfs`);
    expect(auth.audiences).toEqual([sim.stamp.audience]);
    expect(auth.audiences[0]).toMatch(/^https:\/\/adminmanagement\.[a-z]+\.azurestack\.external\/[0-9a-f-]{36}$/);
    expect(json.portalEndpoint).toBe(`https://adminportal.${sim.stamp.region}.azurestack.external/`);
    const oidc = await get('/adfs/.well-known/openid-configuration', null);
    expect(oidc.json).toMatchObject({ issuer: `${sim.url}/adfs`, token_endpoint: `${sim.url}/adfs/oauth2/token` });
  });

  it('issues tokens for the right secret and refuses a wrong one with an OAuth error body', async () => {
    const good = await signIn();
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ token_type: 'Bearer', expires_in: 600, resource: sim.stamp.audience });
    const bad = await signIn({ client_secret: 'wrong' });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('invalid_client');
    expect(String(bad.json.error_description)).toMatch(/^MSIS\d+: /);
    const resource = await signIn({ resource: 'https://x/y' });
    expect(resource.status).toBe(400);
    expect(resource.json.error).toBe('invalid_resource');
    expect((await signIn({ client_secret: 'x'.repeat(70_000) })).status).toBe(413);
  });

  it('answers 401 with WWW-Authenticate for missing, unknown and expired tokens', async () => {
    const missing = await get('/subscriptions?api-version=2016-05-01', null);
    expect(missing.status).toBe(401);
    expect(String(missing.headers['www-authenticate'])).toMatch(/^Bearer /);
    const unknown = await get('/subscriptions?api-version=2016-05-01', 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toMatchObject({ code: 'InvalidAuthenticationToken' });

    const stale = (await signIn()).json.access_token as string;
    const saved = clock;
    clock = new Date(clock.getTime() + 601_000);
    try {
      const expired = await get('/subscriptions?api-version=2016-05-01', stale);
      expect(expired.status).toBe(401);
      expect(expired.json.error).toMatchObject({ code: 'ExpiredAuthenticationToken' });
      expect(String(expired.headers['www-authenticate'])).toContain('invalid_token');
    } finally {
      clock = saved;
    }
  });
});

describe('subscriptions and fabric', () => {
  it('lists the provider subscription', async () => {
    const { json } = await get('/subscriptions?api-version=2016-05-01');
    expect(json.value).toEqual([expect.objectContaining({
      subscriptionId: sim.providerSubscriptionId, displayName: 'Default Provider Subscription', state: 'Enabled',
    })]);
  });

  it('lists tenant subscriptions in the real shape', async () => {
    const path = `${providerPath()}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01`;
    const { json } = await get(path);
    const value = json.value as Array<Record<string, string>>;
    expect(value).toHaveLength(sim.stamp.subscriptions.length);
    for (const s of value) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining([
        'id', 'subscriptionId', 'delegatedProviderSubscriptionId', 'displayName', 'owner', 'tenantId', 'offerId',
        'state', 'routingResourceManagerType',
      ]));
      expect(s.delegatedProviderSubscriptionId).toBe(sim.providerSubscriptionId);
      expect(s.offerId).toMatch(/\/providers\/Microsoft\.Subscriptions\.Admin\/offers\//);
    }
  });

  it('lists directory tenants', async () => {
    const path = `${systemGroup()}/providers/Microsoft.Subscriptions.Admin/directoryTenants?api-version=2015-11-01`;
    const { json } = await get(path);
    const value = json.value as Array<{ name: string; properties: { tenantId: string } }>;
    expect(value.map((t) => t.properties.tenantId)).toEqual(sim.stamp.tenants.map((t) => t.tenantId));
  });

  it('reports scale units and nodes with their capacity', async () => {
    const base = `${systemGroup()}/providers/Microsoft.Fabric.Admin/fabricLocations/${sim.stamp.region}`;
    const units = await get(`${base}/scaleUnits?api-version=2016-05-01`);
    type Unit = { properties: { totalCapacity: { cores: number; memoryGB: number }; nodes: string[] } };
    const unit = (units.json.value as Unit[])[0];
    expect(unit?.properties.totalCapacity.cores).toBe(192);
    expect(unit?.properties.nodes).toHaveLength(4);
    const nodes = await get(`${base}/scaleUnitNodes?api-version=2016-05-01`);
    const list = nodes.json.value as Array<{ properties: { capacity: { cores: number; memoryGB: number } } }>;
    expect(list).toHaveLength(4);
    expect(list.every((n) => n.properties.capacity.cores === 48 && n.properties.capacity.memoryGB > 0)).toBe(true);
  });

  it('answers unknown routes and subscriptions with 404 ARM errors', async () => {
    const route = await get(`${providerPath()}/providers/Microsoft.Compute/virtualMachines?api-version=2017-12-01`);
    expect(route.status).toBe(404);
    expect(route.json.error).toMatchObject({ code: 'NotFound' });
    const sub = await get(usagePath(day13(0, 1), '00000000-0000-4000-8000-000000000000'));
    expect(sub.status).toBe(404);
    expect(sub.json.error).toMatchObject({ code: 'SubscriptionNotFound' });
  });
});

describe('operator usage API', () => {
  const start = Date.UTC(2025, 2, 13, 0);
  const end = Date.UTC(2025, 2, 13, 12);

  it('pages with nextLink through every record of the window exactly once', async () => {
    const { records, pages } = await fetchAll(usagePath(day13(0, 12)));
    const expected = [...sim.stamp.recordsForReportedRange(start, end, 'Hourly')];
    expect(records.length).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 150));
    const keys = records.map(wireKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expected.map(stampKey));
    expect(records.map((r) => r.properties.quantity)).toEqual(expected.map((r) => r.quantity));
    const first = records[0] as WireRecord;
    const { subscriptionId, meterId, usageStartTime } = first.properties;
    expect(usageStartTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\+00:00$/);
    expect(first.id).toBe(`${providerPath()}/providers/Microsoft.Commerce/UsageAggregate/${subscriptionId}-${meterId}`);
  });

  it('sums quantities per meter exactly as the stamp does', async () => {
    const { records } = await fetchAll(usagePath({
      reportedStartTime: '2025-03-12T00:00:00Z',
      reportedEndTime: '2025-03-14T00:00:00Z',
      aggregationGranularity: 'Daily',
    }));
    const sum = (pairs: Array<[string, string]>) => {
      const sums = new Map<string, Decimal>();
      for (const [meter, q] of pairs) {
        const k = meter.toLowerCase();
        sums.set(k, (sums.get(k) ?? new Decimal(0)).plus(q));
      }
      return [...sums].map(([k, v]) => `${k}=${v.toFixed()}`).sort();
    };
    const expected = [...sim.stamp.recordsForReportedRange(Date.UTC(2025, 2, 12), Date.UTC(2025, 2, 14), 'Daily')];
    expect(records.length).toBeGreaterThan(0);
    expect(sum(records.map((r) => [r.properties.meterId, r.properties.quantity])))
      .toEqual(sum(expected.map((r) => [r.meterId, r.quantity])));
  });

  it('filters by subscriberId', async () => {
    const sub = sim.stamp.subscriptions[1]?.subscriptionId as string;
    const { records } = await fetchAll(usagePath(day13(0, 12, { subscriberId: sub })));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.properties.subscriptionId === sub)).toBe(true);
    const expected = [...sim.stamp.recordsForReportedRange(start, end, 'Hourly', sub)];
    expect(records.map(wireKey)).toEqual(expected.map(stampKey));
  });

  it('accepts +00:00, fractional seconds and an unencoded plus in the times', async () => {
    const base = `${providerPath()}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates` +
      '?api-version=2015-06-01-preview&aggregationGranularity=Hourly';
    const expected = [...sim.stamp.recordsForReportedRange(start, start + HOUR, 'Hourly')].length;
    for (const [from, to] of [
      ['2025-03-13T00:00:00.0000000+00:00', '2025-03-13T01:00:00.0000000+00:00'],
      ['2025-03-13T00%3A00%3A00%2B00%3A00', '2025-03-13T01%3A00%3A00%2B00%3A00'],
      ['2025-03-13T00:00:00Z', '2025-03-13T01:00:00Z'],
    ]) {
      const { records } = await fetchAll(`${base}&reportedStartTime=${from}&reportedEndTime=${to}`);
      expect(records.length, from).toBe(expected);
    }
  });

  it('answers each documented mistake with 400 and its code', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [day13(0, 1, { aggregationGranularity: 'Monthly' }), 'InvalidAggregationGranularity'],
      [{ ...day13(0, 1), reportedStartTime: '2025-03-13T00:15:00Z' }, 'InvalidProperty'],
      [{ ...day13(6, 0, { aggregationGranularity: 'Daily' }), reportedEndTime: '2025-03-14T00:00:00Z' },
        'InvalidProperty'],
      [day13(2, 1), 'InvalidProperty'],
      [{ ...day13(0, 1), reportedEndTime: '2025-03-15T12:00:00Z' }, 'RequestEndTimeIsInFuture'],
      [day13(0, 1, { subscriberId: sim.providerSubscriptionId }), 'SubscriberIdIsNotDirectTenant'],
      [day13(0, 1, { continuationToken: 'forged' }), 'InvalidProperty'],
    ];
    for (const [params, code] of cases) {
      const answer = await get(usagePath(params));
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.json.error, JSON.stringify(params)).toMatchObject({ code });
    }
    const noVersion = await get(usagePath(day13(0, 1)).replace('api-version=2015-06-01-preview&', ''));
    expect(noVersion.status).toBe(400);
    expect(noVersion.json.error).toMatchObject({ code: 'NoApiVersion' });
  });

  it('can answer all-tenant queries with the real 504 and every Nth request with 503', async () => {
    sim.faults.gatewayTimeoutWithoutSubscriber = true;
    try {
      const all = await get(usagePath(day13(0, 1)));
      expect(all.status).toBe(504);
      expect(all.json.error).toMatchObject({ code: 'GatewayTimeout' });
      const subscriberId = sim.stamp.subscriptions[0]?.subscriptionId as string;
      const one = await get(usagePath(day13(0, 1, { subscriberId })));
      expect(one.status).toBe(200);
    } finally {
      sim.faults.gatewayTimeoutWithoutSubscriber = false;
    }
    sim.faults.serviceUnavailableEvery = 2;
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(usagePath(day13(0, 1)))).status);
      expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    } finally {
      sim.faults.serviceUnavailableEvery = undefined;
    }
  });
});

describe('tenant usage API', () => {
  it('returns only the subscription’s own records, with ids under that subscription', async () => {
    const sub = sim.stamp.subscriptions[0]?.subscriptionId as string;
    const { records } = await fetchAll(usagePath(day13(0, 12), sub));
    const from = Date.UTC(2025, 2, 13);
    const expected = [...sim.stamp.recordsForReportedRange(from, from + 12 * HOUR, 'Hourly', sub)];
    expect(records.map(wireKey)).toEqual(expected.map(stampKey));
    const idPrefix = `/subscriptions/${sub}/providers/Microsoft.Commerce/UsageAggregate/`;
    expect(records.every((r) => r.id.startsWith(idPrefix))).toBe(true);
  });
});
