import type Database from 'better-sqlite3';
import { CATALOG, CATALOG_VERSION, meterMatchKey } from '../meters/catalog.ts';

const VERSION_KEY = 'meter_catalog_version';

/**
 * Writes the shipped catalog into the meters table when the cache holds another catalog version (or none), and records
 * the version. Rows already equal are left alone; a meter first seen in usage and later added to the catalog keeps its
 * row id (so its usage stays attached) and becomes a catalog meter. Local overrides live in their own table and are
 * never touched. Returns how many meter rows changed (0 when the version was current).
 */
export function seedMeterCatalog(db: Database.Database, catalog = CATALOG, version = CATALOG_VERSION): number {
  const stored = db.prepare('SELECT value FROM cache_settings WHERE key = ?').pluck().get(VERSION_KEY);
  if (stored === version) return 0;
  const upsert = db.prepare(`
    INSERT INTO meters (meter_id, match_key, name, unit, service, deprecated, description, source)
    VALUES (@meterId, @matchKey, @name, @unit, @service, @deprecated, @description, 'catalog')
    ON CONFLICT (match_key) DO UPDATE SET
      meter_id = excluded.meter_id, name = excluded.name, unit = excluded.unit, service = excluded.service,
      deprecated = excluded.deprecated, description = excluded.description, source = 'catalog'
    WHERE (meter_id, name, unit, service, deprecated, description, source)
      IS NOT (excluded.meter_id, excluded.name, excluded.unit, excluded.service, excluded.deprecated,
              excluded.description, 'catalog')`);
  return db.transaction(() => {
    let changed = 0;
    for (const m of catalog) {
      changed += upsert.run({ ...m, matchKey: meterMatchKey(m.meterId), deprecated: m.deprecated ? 1 : 0 }).changes;
    }
    db.prepare('INSERT INTO cache_settings (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value')
      .run(VERSION_KEY, version);
    return changed;
  })();
}

/** The catalog version the cache's meters were last seeded from, or null before the first seeding. */
export function storedCatalogVersion(db: Database.Database): string | null {
  return (db.prepare('SELECT value FROM cache_settings WHERE key = ?').pluck().get(VERSION_KEY) as string | undefined)
    ?? null;
}
