import type Database from 'better-sqlite3';
import type { UsageFilter } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { NO_VALUE, SUBSCRIPTION_ANY_CTE, TENANT_SQL } from './labels.ts';

/** The columns (or expressions) of the table being filtered that hold each dimension key. */
export interface KeyColumns {
  /** Connection id; `usage_records` holds NULL for imports, the rollups 0 (say which with `importedIsNull`). */
  connection: string;
  importedIsNull: boolean;
  subscription: string;
  meter: string;
  resource: string;
  granularity: string;
}

export const ROLLUP_COLUMNS: KeyColumns = {
  connection: 'connection_key', importedIsNull: false, subscription: 'subscription_key', meter: 'meter_key',
  resource: 'resource_key', granularity: 'granularity',
};

export const RECORD_COLUMNS: KeyColumns = {
  connection: 'connection_id', importedIsNull: true, subscription: 'subscription_key', meter: 'meter_key',
  resource: 'resource_key', granularity: 'granularity',
};

/**
 * A filter as SQL conditions (to AND together) on a table's key columns, with named parameters (all prefixed `f_`).
 * Every value travels as a bound parameter: lists are bound as one JSON array and read with json_each, so a filter of
 * a thousand values is still one statement. The period is not included: each caller reads time its own way.
 */
export interface FilterSql {
  conditions: string[];
  params: Record<string, string | number>;
  /** The filter restricts resources (group, type, location, URI or tag): rollups without the resource cannot answer. */
  needsResource: boolean;
}

/** Lower-case values, with the "no value" key (if given) taken out and reported apart. */
function split(values: string[] | undefined, noValue?: string): { values: string[]; none: boolean } {
  const lowered = (values ?? []).map((v) => v.trim().toLowerCase());
  const none = noValue !== undefined && lowered.includes(noValue.toLowerCase());
  return { values: lowered.filter((v) => noValue === undefined || v !== noValue.toLowerCase()), none };
}

const active = (values: string[] | undefined): values is string[] => values !== undefined && values.length > 0;

/**
 * Stamp ids of the named connections (case-insensitive); `(imported)` stands for usage imported without a stamp.
 * NOT_FOUND names a stamp that does not exist.
 */
function stampKeys(db: Database.Database, names: string[]): number[] {
  const find = db.prepare<[string], number>('SELECT id FROM connections WHERE name = ?').pluck();
  return names.map((name) => {
    if (name.trim().toLowerCase() === NO_VALUE.stamp) return 0;
    const id = find.get(name.trim());
    if (id === undefined) {
      throw new StackmeterError('NOT_FOUND', `There is no stamp named "${name}"; list connections to see the names.`);
    }
    return id;
  });
}

export function filterSql(db: Database.Database, filter: UsageFilter, columns: KeyColumns): FilterSql {
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  const json = (name: string, values: (string | number)[]): string => {
    params[name] = JSON.stringify(values);
    return `(SELECT value FROM json_each(@${name}))`;
  };
  const { connection, subscription, meter, resource } = columns;
  const connectionKey = columns.importedIsNull ? `coalesce(${connection}, 0)` : connection;

  if (active(filter.stamps)) {
    const ids = stampKeys(db, filter.stamps);
    // Where imports are NULL, a plain IN keeps the connection index usable when no import is asked for.
    conditions.push(columns.importedIsNull && !ids.includes(0)
      ? `${connection} IN ${json('f_stamps', ids)}`
      : `${connectionKey} IN ${json('f_stamps', ids)}`);
  }

  if (active(filter.subscriptions)) {
    conditions.push(`${subscription} IN (SELECT id FROM subscription_keys WHERE subscription_id IN
      ${json('f_subscriptions', split(filter.subscriptions).values)})`);
  }

  if (active(filter.tenants)) {
    // A subscription's tenant depends on the stamp that lists it, so the condition is on (stamp, subscription) pairs:
    // every stamp (and 0 for imports) against every subscription GUID, a few thousand pairs at most.
    const { values, none } = split(filter.tenants, NO_VALUE.tenant);
    params.f_unknown_tenant = none ? 1 : 0;
    conditions.push(`(${connectionKey}, ${subscription}) IN (
      WITH ${SUBSCRIPTION_ANY_CTE}
      SELECT cc.id, sk.id
      FROM (SELECT id FROM connections UNION ALL SELECT 0) cc CROSS JOIN subscription_keys sk
      LEFT JOIN subscriptions se ON se.connection_id = cc.id AND se.subscription_id = sk.subscription_id
      LEFT JOIN subscription_any sa ON sa.subscription_id = sk.subscription_id
      WHERE lower(${TENANT_SQL}) IN ${json('f_tenants', values)}
         OR (@f_unknown_tenant AND ${TENANT_SQL} IS NULL))`);
  }

  if (active(filter.meters)) {
    const keys = [...new Set(filter.meters.map(meterMatchKey))];
    if (keys.length === 1) {
      // One meter as a plain equality on its key (-1: a meter never seen), which the meter indexes serve.
      params.f_meter = db.prepare<[string], number>('SELECT id FROM meters WHERE match_key = ?').pluck()
        .get(keys[0]!) ?? -1;
      conditions.push(`${meter} = @f_meter`);
    } else {
      conditions.push(`${meter} IN (SELECT id FROM meters WHERE match_key IN ${json('f_meters', keys)})`);
    }
  }

  if (active(filter.services)) {
    conditions.push(`${meter} IN (SELECT m.id FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key
      WHERE lower(coalesce(o.service, m.service)) IN ${json('f_services', split(filter.services).values)})`);
  }

  if (filter.granularity !== undefined) {
    params.f_granularity = filter.granularity;
    conditions.push(`${columns.granularity} = @f_granularity`);
  }

  const resourceConditions: string[] = [];
  if (active(filter.resources)) {
    // Records without instanceData have the resource URI ''; their key is "(no resource)".
    const { values, none } = split(filter.resources, NO_VALUE.resource);
    resourceConditions.push(`resource_key IN ${json('f_resources', none ? [...values, ''] : values)}`);
  }
  const attribute = (list: string[] | undefined, column: string, noValue: string, name: string): void => {
    if (!active(list)) return;
    const { values, none } = split(list, noValue);
    resourceConditions.push(`(lower(${column}) IN ${json(name, values)}${none ? ` OR ${column} IS NULL` : ''})`);
  };
  attribute(filter.resourceGroups, 'resource_group', NO_VALUE.resourceGroup, 'f_resource_groups');
  attribute(filter.resourceTypes, 'resource_type', NO_VALUE.resourceType, 'f_resource_types');
  attribute(filter.locations, 'location', NO_VALUE.location, 'f_locations');
  if (filter.tag !== undefined) resourceConditions.push(tagCondition(filter.tag, params));
  if (resourceConditions.length > 0) {
    conditions.push(`${resource} IN (SELECT id FROM resources WHERE ${resourceConditions.join(' AND ')})`);
  }

  return { conditions, params, needsResource: resourceConditions.length > 0 };
}

/**
 * Resources carrying a tag key (any case) with the given value (any case) when one is given; the value "(untagged)"
 * selects resources without the key, as the explorer groups them. The text search on the stored JSON (the key as JSON
 * encodes it) only narrows the resources whose tags json_each then reads exactly.
 */
function tagCondition(tag: { key: string; value?: string }, params: Record<string, string | number>): string {
  params.f_tag_key = tag.key.trim();
  params.f_tag_key_json = JSON.stringify(tag.key.trim()).toLowerCase();
  // coalesce: a resource without tags (NULL) must count as lacking the key, not as unknown, for the NOT below.
  const hasKey = (valueCondition: string): string => `(instr(lower(coalesce(tags, '')), @f_tag_key_json) > 0 AND EXISTS (
    SELECT 1 FROM json_each(tags) WHERE lower(key) = lower(@f_tag_key)${valueCondition}))`;
  if (tag.value === undefined) return hasKey('');
  params.f_tag_value = tag.value;
  const withValue = hasKey(' AND lower(value) = lower(@f_tag_value)');
  return tag.value.trim().toLowerCase() === NO_VALUE.tag ? `(${withValue} OR NOT ${hasKey('')})` : withValue;
}
