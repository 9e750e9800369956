import { StackmeterError } from '../../shared/result.ts';
import type { ArmClient } from './arm.ts';

/** A tenant subscription as Microsoft.Subscriptions.Admin describes it. */
export interface TenantSubscription {
  subscriptionId: string; // lower-case GUID
  displayName: string | null;
  owner: string | null;
  tenantId: string | null;
  offerId: string | null;
  state: string | null;
}

interface ListPage<T> {
  value?: T[];
  nextLink?: string | null;
}

function parseList<T>(body: string, what: string): ListPage<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new StackmeterError('API', `${what}: the stamp answered with something that is not JSON.`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as ListPage<T>).value)) {
    throw new StackmeterError('API', `${what}: the answer has no "value" list.`);
  }
  return doc as ListPage<T>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A subscription as `GET /subscriptions` lists it for the signed-in principal. */
export interface VisibleSubscription {
  subscriptionId: string; // lower-case GUID
  displayName: string | null;
  state: string | null;
}

/**
 * The subscriptions the signed-in service principal sees on this ARM endpoint, following nextLink: on the
 * adminmanagement endpoint the operator's provider subscriptions, on the management endpoint the tenant subscriptions
 * the principal has a role on (a tenant principal normally sees only its own).
 */
export async function listVisibleSubscriptions(arm: ArmClient, signal?: AbortSignal): Promise<VisibleSubscription[]> {
  const what = 'Listing the subscriptions of the signed-in service principal';
  const out: VisibleSubscription[] = [];
  let next: string | null = '/subscriptions?api-version=2016-05-01';
  while (next) {
    const page: ListPage<Record<string, unknown>> = parseList(await arm.get(next, what, signal), what);
    for (const s of page.value ?? []) {
      const id = str(s.subscriptionId);
      if (id) out.push({ subscriptionId: id.toLowerCase(), displayName: str(s.displayName), state: str(s.state) });
    }
    next = str(page.nextLink);
  }
  return out;
}

/** The operator's provider subscription ("Default Provider Subscription"), under which the admin APIs live. */
export async function findProviderSubscription(arm: ArmClient): Promise<string> {
  const subs = await listVisibleSubscriptions(arm);
  const chosen = subs.find((s) => s.displayName === 'Default Provider Subscription') ?? subs[0];
  if (!chosen) {
    throw new StackmeterError(
      'API',
      `The service principal sees no subscription on ${arm.armEndpoint}. Give it a role on the Default Provider ` +
        `Subscription, or name the subscription with --subscription.`,
    );
  }
  return chosen.subscriptionId;
}

/** Every tenant subscription of the stamp, following nextLink. */
export async function listTenantSubscriptions(
  arm: ArmClient,
  providerSubscriptionId: string,
  signal?: AbortSignal,
): Promise<TenantSubscription[]> {
  const what = 'Listing tenant subscriptions (Microsoft.Subscriptions.Admin)';
  const out: TenantSubscription[] = [];
  let next: string | null =
    `/subscriptions/${providerSubscriptionId}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01`;
  while (next) {
    const page: ListPage<Record<string, unknown>> = parseList(await arm.get(next, what, signal), what);
    for (const s of page.value ?? []) {
      const id = str(s.subscriptionId);
      if (!id) continue;
      out.push({
        subscriptionId: id.toLowerCase(),
        displayName: str(s.displayName),
        owner: str(s.owner),
        tenantId: str(s.tenantId),
        offerId: str(s.offerId),
        state: str(s.state),
      });
    }
    next = str(page.nextLink);
  }
  return out;
}

/**
 * What a tenant connection reads: the one subscription asked for (which the principal must see), or null for every
 * subscription it sees (at least one).
 */
export async function tenantSubscriptionScope(arm: ArmClient, wanted: string | undefined): Promise<string | null> {
  const visible = await listVisibleSubscriptions(arm);
  if (visible.length === 0) {
    throw new StackmeterError(
      'AUTH',
      `The service principal sees no subscription on ${arm.armEndpoint}. Give it a role (Reader is enough) on the ` +
        'subscription whose usage it should read.',
    );
  }
  if (!wanted) return null;
  const id = wanted.toLowerCase();
  if (!visible.some((s) => s.subscriptionId === id)) {
    throw new StackmeterError(
      'AUTH',
      `The service principal does not see subscription ${id} on ${arm.armEndpoint}; it sees ` +
        `${visible.map((s) => s.subscriptionId).join(', ')}. Check subscriptionId, or give the principal a role on it.`,
    );
  }
  return id;
}
