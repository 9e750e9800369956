import type Database from 'better-sqlite3';
import { CATALOG, meterMatchKey } from '../meters/catalog.ts';

/**
 * Writes the shipped catalog into the meters table. Idempotent: rows already equal are left alone, a meter first seen
 * in usage and later added to the catalog keeps its row id (so its usage stays attached) and becomes a catalog meter.
 * Returns how many rows changed.
 */
export function seedMeterCatalog(db: Database.Database): number {
  const upsert = db.prepare(`
    INSERT INTO meters (meter_id, match_key, name, unit, service, deprecated, source)
    VALUES (@meterId, @matchKey, @name, @unit, @service, @deprecated, 'catalog')
    ON CONFLICT (match_key) DO UPDATE SET
      meter_id = excluded.meter_id, name = excluded.name, unit = excluded.unit, service = excluded.service,
      deprecated = excluded.deprecated, source = 'catalog'
    WHERE (meter_id, name, unit, service, deprecated, source)
      IS NOT (excluded.meter_id, excluded.name, excluded.unit, excluded.service, excluded.deprecated, 'catalog')`);
  return db.transaction(() => {
    let changed = 0;
    for (const m of CATALOG) {
      changed += upsert.run({ ...m, matchKey: meterMatchKey(m.meterId), deprecated: m.deprecated ? 1 : 0 }).changes;
    }
    return changed;
  })();
}
