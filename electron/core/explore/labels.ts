/**
 * How usage dimensions are named when a value is missing, and the SQL that resolves a subscription's tenant and name
 * and a resource's tag value.
 * The explorer's group keys, the filters that take them back and the record lists all use these, so a row the
 * explorer shows as "(unknown tenant)" can be drilled into with that very key.
 */

/**
 * Group keys (and labels) of usage whose dimension has no value. Each is in parentheses with a space, which no real
 * value of its dimension has (stamp names, GUIDs, resource group names, ARM types and locations have none).
 */
export const NO_VALUE = {
  stamp: '(imported)',
  tenant: '(unknown tenant)',
  resourceGroup: '(no resource group)',
  resource: '(no resource)',
  resourceType: '(no resource type)',
  location: '(no location)',
  tag: '(untagged)',
} as const;

/**
 * A subscription GUID's name and tenant as any stamp lists it: usage imported without a stamp (connection key 0), or
 * synced from a stamp whose list lacks the subscription, borrows what another stamp's list says. Used as a CTE named
 * `subscription_any`.
 */
export const SUBSCRIPTION_ANY_CTE = `subscription_any AS MATERIALIZED (
  SELECT subscription_id, max(tenant_id) AS tenant_id, max(display_name) AS display_name
  FROM subscriptions GROUP BY subscription_id)`;

/**
 * Joins that resolve a subscription of one stamp: `sk` (its GUID), `se` (the stamp's own list entry) and `sa` (any
 * stamp's, see SUBSCRIPTION_ANY_CTE) for a row whose stamp and subscription keys are the given columns.
 */
export function subscriptionJoins(connectionKey: string, subscriptionKey: string): string {
  return `LEFT JOIN subscription_keys sk ON sk.id = ${subscriptionKey}
    LEFT JOIN subscriptions se ON se.connection_id = ${connectionKey} AND se.subscription_id = sk.subscription_id
    LEFT JOIN subscription_any sa ON sa.subscription_id = sk.subscription_id`;
}

/** The tenant of the subscription resolved by subscriptionJoins: the stamp's own list first. */
export const TENANT_SQL = 'coalesce(se.tenant_id, sa.tenant_id)';
export const SUBSCRIPTION_NAME_SQL = 'coalesce(se.display_name, sa.display_name)';

/**
 * The domain people know a tenant by, from the owners of its subscriptions (ops@contoso.example → contoso.example),
 * the most common one when owners differ. Used as a CTE named `tenant_domain` (tenant: lower-case tenant ID).
 */
export const TENANT_DOMAIN_CTE = `tenant_domain AS MATERIALIZED (
  SELECT tenant, domain, max(n) AS n FROM (
    SELECT lower(tenant_id) AS tenant, lower(substr(owner, instr(owner, '@') + 1)) AS domain, count(*) AS n
    FROM subscriptions
    WHERE tenant_id IS NOT NULL AND owner LIKE '_%@_%'
    GROUP BY 1, 2)
  GROUP BY tenant)`;

/**
 * The value of one tag key (any case) per resource that has it, as a CTE named `resource_tag` (id, tag) with parameter
 * @g_tag_key and @g_tag_key_json (see tagKeyParams); resources without the key are absent.
 */
export const RESOURCE_TAG_CTE = `resource_tag AS MATERIALIZED (
  SELECT id, (SELECT value FROM json_each(tags) WHERE lower(key) = lower(@g_tag_key) LIMIT 1) AS tag
  FROM resources WHERE instr(lower(tags), @g_tag_key_json) > 0)`;

export function tagKeyParams(key: string): Record<string, string> {
  return { g_tag_key: key.trim(), g_tag_key_json: JSON.stringify(key.trim()).toLowerCase() };
}
