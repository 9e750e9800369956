import { registerDecimalSum } from '../decimal-sum.ts';
import type { Migration } from './types.ts';

/**
 * Meter catalog versions, local meter overrides and the daily usage rollup.
 *
 * - `cache_settings` holds small named values; `meter_catalog_version` is the version of the shipped catalog last
 *   written into `meters`, so the catalog is re-seeded only when a new Stackmeter ships another one.
 * - `meters.description` says in our words what a catalog meter measures and how its unit accrues.
 * - `meter_overrides` names and describes meters the catalog does not know (or renames ones it does). It is keyed by
 *   the meter's match key, lives apart from `meters` so that a catalog refresh never overwrites it, and is what
 *   `stackmeter meters overrides export|import` moves between sites.
 * - `usage_daily` sums usage per UTC day, stamp, subscription, meter, resource and granularity: record count, a float
 *   quantity for charts and the exact decimal sum as text. The usage writer maintains it in the transaction of every
 *   page, so meter lists and charts read ~24 times fewer rows than usage_records holds and never load them into JS.
 *   connection_key is the connection id, or 0 for imports not tied to a stamp (a WITHOUT ROWID key cannot hold NULL);
 *   it is therefore not a foreign key, and a trigger drops a removed stamp's rows as the usage rows cascade.
 */
export const migration004: Migration = {
  version: 4,
  name: 'meter catalog version and descriptions, local meter overrides, daily usage rollup',
  up(db) {
    // The backfill sums exactly with decimal_sum; openCache registers it, a bare migrate() call may not have.
    registerDecimalSum(db);
    db.exec(`
      CREATE TABLE cache_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      ALTER TABLE meters ADD COLUMN description TEXT;

      CREATE TABLE meter_overrides (
        match_key   TEXT PRIMARY KEY, -- lower-case meter ID without hyphens, as meters.match_key
        meter_id    TEXT NOT NULL,    -- the ID as the user gave it, lower-cased
        name        TEXT NOT NULL,
        unit        TEXT,
        service     TEXT,
        description TEXT,
        updated_at  TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE usage_daily (
        day              INTEGER NOT NULL, -- Unix days (usage_start / 86400)
        connection_key   INTEGER NOT NULL, -- connections.id, 0 for imports not tied to a stamp
        subscription_key INTEGER NOT NULL REFERENCES subscription_keys(id),
        meter_key        INTEGER NOT NULL REFERENCES meters(id),
        resource_key     INTEGER NOT NULL REFERENCES resources(id),
        granularity      TEXT NOT NULL CHECK (granularity IN ('Hourly', 'Daily')),
        records          INTEGER NOT NULL,
        quantity         REAL NOT NULL,    -- float sum, for charts only
        quantity_text    TEXT NOT NULL,    -- exact decimal sum
        PRIMARY KEY (day, connection_key, subscription_key, meter_key, resource_key, granularity)
      ) WITHOUT ROWID;

      CREATE TRIGGER usage_daily_follows_connection_removal AFTER DELETE ON connections
      BEGIN
        DELETE FROM usage_daily WHERE connection_key = old.id;
      END;

      INSERT INTO usage_daily (day, connection_key, subscription_key, meter_key, resource_key, granularity, records,
                               quantity, quantity_text)
      SELECT usage_start / 86400, coalesce(connection_id, 0), subscription_key, meter_key, resource_key, granularity,
             count(*), sum(quantity), decimal_sum(quantity_text)
      FROM usage_records
      GROUP BY usage_start / 86400, coalesce(connection_id, 0), subscription_key, meter_key, resource_key, granularity;
    `);
  },
};
