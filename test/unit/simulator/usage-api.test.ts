import { describe, expect, it } from 'vitest';
import { TokenService } from '../../../electron/core/simulator/adfs.ts';
import { SyntheticStamp } from '../../../electron/core/simulator/stamp.ts';
import {
  renderUsagePage, resolveUsageQuery, type ApiError, type ResolvedUsageQuery,
} from '../../../electron/core/simulator/usage-api.ts';

const NOW = new Date('2025-03-15T10:20:00Z');
const stamp = new SyntheticStamp({ now: () => NOW, historyDays: 10, tenants: 3 });

function params(extra: Record<string, string>): URLSearchParams {
  return new URLSearchParams({
    'api-version': '2015-06-01-preview',
    reportedStartTime: '2025-03-10T00:00:00Z',
    reportedEndTime: '2025-03-10T06:00:00Z',
    aggregationGranularity: 'Hourly',
    ...extra,
  });
}

function resolve(p: URLSearchParams, api: 'admin' | 'tenant' = 'admin', sub = -1): ResolvedUsageQuery | ApiError {
  return resolveUsageQuery(stamp, api, p, sub, NOW.getTime());
}

function errorCode(p: URLSearchParams): string | undefined {
  const q = resolve(p);
  return 'code' in q ? q.code : undefined;
}

describe('usage query validation', () => {
  it('answers each documented mistake with its code', () => {
    const noVersion = params({});
    noVersion.delete('api-version');
    expect(errorCode(noVersion)).toBe('NoApiVersion');
    expect(errorCode(params({ aggregationGranularity: 'Weekly' }))).toBe('InvalidAggregationGranularity');
    expect(errorCode(params({ reportedStartTime: '2025-03-10T00:30:00Z' }))).toBe('InvalidProperty');
    expect(errorCode(params({ aggregationGranularity: 'Daily' }))).toBe('InvalidProperty');
    expect(errorCode(params({ reportedEndTime: '2025-03-10T00:00:00Z' }))).toBe('InvalidProperty');
    expect(errorCode(params({ reportedStartTime: 'soon' }))).toBe('InvalidProperty');
    expect(errorCode(params({ reportedEndTime: '2025-03-15T11:00:00Z' }))).toBe('RequestEndTimeIsInFuture');
    const stranger = '00000000-0000-4000-8000-000000000000';
    expect(errorCode(params({ subscriberId: stranger }))).toBe('SubscriberIdIsNotDirectTenant');
    expect(errorCode(params({ continuationToken: 'bm90LWEtdG9rZW4' }))).toBe('InvalidProperty');
  });

  it('defaults to Daily and accepts granularity in any case', () => {
    const p = params({ reportedEndTime: '2025-03-11T00:00:00Z' });
    p.delete('aggregationGranularity');
    const q = resolve(p) as ResolvedUsageQuery;
    expect(q.window.granularity).toBe('Daily');
    const lower = resolve(params({ aggregationGranularity: 'hourly' })) as ResolvedUsageQuery;
    expect(lower.window.granularity).toBe('Hourly');
  });

  it('names the offending parameter in the message', () => {
    const q = resolve(params({ reportedStartTime: '2025-03-10T00:30:00Z' })) as ApiError;
    expect(q.message).toContain('reportedStartTime');
  });
});

describe('usage page rendering', () => {
  it('pages through the window with tokens bound to the query, matching the stamp exactly', () => {
    const p = params({});
    const expected = [...stamp.recordsForReportedRange(Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 10, 6), 'Hourly')];
    let q = resolve(p) as ResolvedUsageQuery;
    const got: Array<{ properties: { meterId: string; usageStartTime: string } }> = [];
    let pages = 0;
    for (;;) {
      let token = '';
      const page = renderUsagePage(stamp, 'admin', q, 100, (t) => (token = t));
      const doc = JSON.parse(page.body) as { value: typeof got; nextLink?: string };
      pages++;
      got.push(...doc.value);
      if (!page.next) {
        expect(doc.nextLink).toBeUndefined();
        break;
      }
      expect(doc.value).toHaveLength(100);
      expect(doc.nextLink).toBe(token);
      // The token of this query is refused by another one.
      const other = params({ continuationToken: token, reportedEndTime: '2025-03-10T05:00:00Z' });
      expect('code' in resolve(other)).toBe(true);
      q = resolve(params({ continuationToken: token })) as ResolvedUsageQuery;
    }
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(got.map((r) => r.properties.meterId)).toEqual(expected.map((r) => r.meterId));
    expect(got.map((r) => r.properties.usageStartTime))
      .toEqual(expected.map((r) => r.usageStart.replace('.000Z', '+00:00')));
  });

  it('puts tenant-API ids under the tenant subscription and admin ids under the provider', () => {
    const sub = stamp.subscriptions[0]?.subscriptionId as string;
    type Page = { value: Array<{ id: string; type: string; properties: { subscriptionId: string } }> };
    const render = (api: 'admin' | 'tenant', q: ResolvedUsageQuery | ApiError) =>
      JSON.parse(renderUsagePage(stamp, api, q as ResolvedUsageQuery, 5, (t) => t).body) as Page;
    const tenant = render('tenant', resolve(params({}), 'tenant', 0));
    expect(tenant.value.length).toBeGreaterThan(0);
    for (const r of tenant.value) {
      expect(r.properties.subscriptionId).toBe(sub);
      expect(r.id.startsWith(`/subscriptions/${sub}/providers/Microsoft.Commerce/UsageAggregate/${sub}-`)).toBe(true);
    }
    const admin = render('admin', resolve(params({})));
    const adminPrefix = `/subscriptions/${stamp.providerSubscriptionId}/providers/Microsoft.Commerce/UsageAggregate/`;
    expect(admin.value[0]?.id.startsWith(adminPrefix)).toBe(true);
    expect(admin.value[0]?.type).toBe('Microsoft.Commerce/UsageAggregate');
  });
});

describe('AD FS token service', () => {
  const audience = 'https://adminmanagement.local.azurestack.external/abc';
  let clock = new Date('2025-03-15T10:00:00Z');
  const tokens = new TokenService({
    clients: [{ clientId: 'app', secret: 'secret' }], audience, lifetimeSeconds: 60, now: () => clock,
  });
  const adfs = { dialect: 'adfs', url: 'https://stamp/adfs/oauth2/token' } as const;
  const form = (extra: Record<string, string> = {}) => new URLSearchParams({
    grant_type: 'client_credentials', client_id: 'app', client_secret: 'secret', resource: audience, ...extra,
  });

  it('issues a bearer token for the audience, by resource or by scope, and by Basic credentials', () => {
    const byResource = tokens.issue(form(), undefined, adfs);
    expect(byResource.status).toBe(200);
    expect(byResource.body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    const byScope = tokens.issue(new URLSearchParams({
      grant_type: 'client_credentials', client_id: 'app', client_secret: 'secret', scope: `${audience}/.default`,
    }), undefined, adfs);
    expect(byScope.status).toBe(200);
    const basic = tokens.issue(
      new URLSearchParams({ grant_type: 'client_credentials', resource: audience }),
      `Basic ${Buffer.from('app:secret').toString('base64')}`,
      adfs,
    );
    expect(basic.status).toBe(200);
    expect(tokens.check(`Bearer ${String(byResource.body.access_token)}`))
      .toEqual({ ok: true, principal: { clientId: 'app', tenantSubscriptionId: null } });
  });

  it('refuses wrong clients, secrets, resources and grant types with OAuth errors', () => {
    const refused = (extra: Record<string, string>) => tokens.issue(form(extra), undefined, adfs);
    expect(refused({ client_secret: 'nope' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(refused({ client_id: 'other' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(refused({ resource: 'https://elsewhere/x' }))
      .toMatchObject({ status: 400, body: { error: 'invalid_resource' } });
    expect(refused({ grant_type: 'password' }))
      .toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(String(refused({ client_secret: 'nope' }).body.error_description)).toMatch(/^MSIS\d+: /);
  });

  it('tells expired tokens apart from unknown ones', () => {
    const header = `Bearer ${String(tokens.issue(form(), undefined, adfs).body.access_token)}`;
    clock = new Date(clock.getTime() + 61_000);
    expect(tokens.check(header)).toMatchObject({ ok: false, code: 'ExpiredAuthenticationToken' });
    expect(tokens.check('Bearer made-up')).toMatchObject({ ok: false, code: 'InvalidAuthenticationToken' });
    expect(tokens.check(undefined)).toMatchObject({ ok: false, code: 'AuthenticationFailed' });
  });
});
