import type Database from 'better-sqlite3';
import { NO_VALUE, SUBSCRIPTION_ANY_CTE, TENANT_DOMAIN_CTE } from '../explore/labels.ts';
import { meterMatchKey } from '../meters/catalog.ts';

/**
 * What people call the tenants, subscriptions and meters of a chargeback, as the explorer names them: a tenant by the
 * domain of its subscriptions' owners (else its ID), a subscription by its display name (else its GUID), a meter by its
 * local override or catalog name (else its ID).
 */

/** Group key of a tenant: its lower-case ID, or '(unknown tenant)'. */
export function tenantKey(tenantId: string | null): string {
  return tenantId ?? NO_VALUE.tenant;
}

export function tenantLabels(db: Database.Database, tenantIds: Iterable<string | null>): Map<string | null, string> {
  const ids = [...new Set(tenantIds)];
  const known = ids.filter((id): id is string => id !== null);
  const domains = new Map(known.length === 0 ? [] : db.prepare<[string], { tenant: string; domain: string }>(`
    WITH ${TENANT_DOMAIN_CTE}
    SELECT tenant, domain FROM tenant_domain WHERE tenant IN (SELECT lower(value) FROM json_each(?))`)
    .all(JSON.stringify(known)).map((r) => [r.tenant, r.domain]));
  return new Map(ids.map((id) => [id, id === null ? NO_VALUE.tenant : domains.get(id.toLowerCase()) ?? id]));
}

export function subscriptionLabels(db: Database.Database, subscriptionIds: Iterable<string>): Map<string, string> {
  const ids = [...new Set(subscriptionIds)];
  const names = new Map(ids.length === 0 ? [] : db.prepare<[string], { id: string; name: string }>(`
    WITH ${SUBSCRIPTION_ANY_CTE}
    SELECT subscription_id AS id, display_name AS name FROM subscription_any
    WHERE subscription_id IN (SELECT value FROM json_each(?)) AND display_name IS NOT NULL`)
    .all(JSON.stringify(ids)).map((r) => [r.id, r.name]));
  return new Map(ids.map((id) => [id, names.get(id) ?? id]));
}

export function meterLabels(db: Database.Database, meterIds: Iterable<string>): Map<string, string> {
  const ids = [...new Set(meterIds)];
  const names = new Map(ids.length === 0 ? [] : db.prepare<[string], { key: string; name: string }>(`
    SELECT m.match_key AS key, coalesce(o.name, m.name) AS name
    FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key
    WHERE m.match_key IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids.map(meterMatchKey))).map((r) => [r.key, r.name]));
  return new Map(ids.map((id) => [id, names.get(meterMatchKey(id)) || id]));
}
