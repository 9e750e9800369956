import type Database from 'better-sqlite3';
import type {
  MeterOverride, MeterOverrideInput, MeterOverridesImportResult, MeterTenant, UnknownMeter,
} from '../../shared/domain.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { isoFromUnix } from './iso.ts';
import { usageSpan } from './queries.ts';

const SELECT_OVERRIDE = `
  SELECT meter_id AS meterId, name, unit, service, description, updated_at AS updatedAt FROM meter_overrides`;

/**
 * Local names for meters, kept in meter_overrides by match key (case and hyphens do not matter), apart from the
 * catalog rows a refresh rewrites. Returns whether the override was new.
 */
function upsertOverride(db: Database.Database, input: MeterOverrideInput, now: string): boolean {
  const matchKey = meterMatchKey(input.meterId);
  const existed = db.prepare('SELECT 1 FROM meter_overrides WHERE match_key = ?').pluck().get(matchKey) !== undefined;
  db.prepare(`
    INSERT INTO meter_overrides (match_key, meter_id, name, unit, service, description, updated_at)
    VALUES (@matchKey, @meterId, @name, @unit, @service, @description, @now)
    ON CONFLICT DO UPDATE SET meter_id = excluded.meter_id, name = excluded.name, unit = excluded.unit,
      service = excluded.service, description = excluded.description, updated_at = excluded.updated_at`)
    .run({
      matchKey,
      meterId: input.meterId.trim().toLowerCase(),
      name: input.name.trim(),
      unit: input.unit?.trim() ?? null,
      service: input.service?.trim() ?? null,
      description: input.description?.trim() ?? null,
      now,
    });
  return !existed;
}

export function setOverride(db: Database.Database, input: MeterOverrideInput, now: string): MeterOverride {
  upsertOverride(db, input, now);
  return db.prepare<[string], MeterOverride>(`${SELECT_OVERRIDE} WHERE match_key = ?`).get(meterMatchKey(input.meterId))!;
}

export function listOverrides(db: Database.Database): MeterOverride[] {
  return db.prepare<[], MeterOverride>(`${SELECT_OVERRIDE} ORDER BY name, meter_id`).all();
}

/** Adds or replaces every override given, all or none. */
export function importOverrides(db: Database.Database, inputs: MeterOverrideInput[], now: string):
  MeterOverridesImportResult {
  return db.transaction(() => {
    const result = { created: 0, updated: 0 };
    for (const input of inputs) {
      if (upsertOverride(db, input, now)) result.created++;
      else result.updated++;
    }
    return result;
  })();
}

interface UnknownAggregate {
  meterKey: number;
  meterId: string;
  matchKey: string;
  records: number;
  quantity: string;
  firstDay: number;
  lastDay: number;
}

/**
 * Meters seen in usage that the catalog does not know, with their usage and the subscriptions (tenants) using them,
 * read from the daily rollup. A local override does not make a meter known to the catalog: it stays listed here with
 * its local name, so a site can review and share what it has named.
 */
export function listUnknownMeters(db: Database.Database): UnknownMeter[] {
  const meters = db.prepare<[], UnknownAggregate>(`
    SELECT m.id AS meterKey, m.meter_id AS meterId, m.match_key AS matchKey, sum(u.records) AS records,
           decimal_sum(u.quantity_text) AS quantity, min(u.day) AS firstDay, max(u.day) AS lastDay
    FROM meters m JOIN usage_daily u ON u.meter_key = m.id
    WHERE m.source = 'seen'
    GROUP BY m.id ORDER BY m.meter_id`).all();
  const tenants = db.prepare<[number], MeterTenant>(`
    SELECT k.subscription_id AS subscriptionId, max(s.display_name) AS displayName, max(s.tenant_id) AS tenantId
    FROM (SELECT DISTINCT subscription_key FROM usage_daily WHERE meter_key = ?) u
    JOIN subscription_keys k ON k.id = u.subscription_key
    LEFT JOIN subscriptions s ON s.subscription_id = k.subscription_id
    GROUP BY k.subscription_id ORDER BY k.subscription_id`);
  const override = db.prepare<[string], MeterOverride>(`${SELECT_OVERRIDE} WHERE match_key = ?`);
  const span = usageSpan(db, null);
  return meters.map((m) => {
    const { first, last } = span(m.meterKey, m.firstDay, m.lastDay);
    const used = tenants.all(m.meterKey);
    return {
      meterId: m.meterId,
      firstSeen: isoFromUnix(first ?? m.firstDay * 86400),
      lastSeen: isoFromUnix(last ?? (m.lastDay + 1) * 86400),
      records: m.records,
      quantity: m.quantity,
      tenantCount: used.length,
      tenants: used,
      override: override.get(m.matchKey) ?? null,
    };
  });
}
