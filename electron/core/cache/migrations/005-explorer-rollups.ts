import { registerDecimalSum } from '../decimal-sum.ts';
import type { Migration } from './types.ts';

/**
 * Rollups for the explorer, the meter pages and the completeness map on a large cache, all maintained by the usage
 * writer in the transaction of every page (see usage-rollup.ts):
 *
 * - `usage_monthly`: usage_daily folded into calendar months (month = YYYYMM). A month of a large stamp is ~30 times
 *   fewer rows than its days, so an explorer group-by over whole months reads tens of thousands of rows, not millions;
 *   a custom range reads its whole months here and its edge days from usage_daily.
 * - `usage_daily_meter`: per day, stamp, subscription and meter, without the resource: what meter lists, sparklines,
 *   meter charts and top tenants/subscriptions read.
 * - `usage_hourly_counts`: records per hour, stamp and subscription: the completeness heat map and the stamps' latest
 *   hours.
 * - indexes on usage_daily by meter and by resource for a meter's top resources and a resource's own page.
 */
export const migration005: Migration = {
  version: 5,
  name: 'monthly, per-meter daily and hourly-count rollups; usage_daily indexes by meter and resource',
  up(db) {
    registerDecimalSum(db);
    db.exec(`
      CREATE TABLE usage_monthly (
        month            INTEGER NOT NULL, -- YYYYMM (UTC)
        connection_key   INTEGER NOT NULL, -- connections.id, 0 for imports not tied to a stamp
        subscription_key INTEGER NOT NULL REFERENCES subscription_keys(id),
        meter_key        INTEGER NOT NULL REFERENCES meters(id),
        resource_key     INTEGER NOT NULL REFERENCES resources(id),
        granularity      TEXT NOT NULL CHECK (granularity IN ('Hourly', 'Daily')),
        records          INTEGER NOT NULL,
        quantity         REAL NOT NULL,
        quantity_text    TEXT NOT NULL,
        PRIMARY KEY (month, connection_key, subscription_key, meter_key, resource_key, granularity)
      ) WITHOUT ROWID;

      CREATE TABLE usage_daily_meter (
        day              INTEGER NOT NULL,
        connection_key   INTEGER NOT NULL,
        subscription_key INTEGER NOT NULL REFERENCES subscription_keys(id),
        meter_key        INTEGER NOT NULL REFERENCES meters(id),
        granularity      TEXT NOT NULL CHECK (granularity IN ('Hourly', 'Daily')),
        records          INTEGER NOT NULL,
        quantity         REAL NOT NULL,
        quantity_text    TEXT NOT NULL,
        PRIMARY KEY (day, connection_key, subscription_key, meter_key, granularity)
      ) WITHOUT ROWID;
      CREATE INDEX usage_daily_meter_by_meter ON usage_daily_meter (meter_key, day);

      CREATE TABLE usage_hourly_counts (
        hour             INTEGER NOT NULL, -- usage_start / 3600
        connection_key   INTEGER NOT NULL,
        subscription_key INTEGER NOT NULL REFERENCES subscription_keys(id),
        records          INTEGER NOT NULL,
        PRIMARY KEY (hour, connection_key, subscription_key)
      ) WITHOUT ROWID;

      CREATE INDEX usage_daily_by_meter ON usage_daily (meter_key, day);
      CREATE INDEX usage_daily_by_resource ON usage_daily (resource_key, day);

      CREATE TRIGGER usage_rollups_follow_connection_removal AFTER DELETE ON connections
      BEGIN
        DELETE FROM usage_monthly WHERE connection_key = old.id;
        DELETE FROM usage_daily_meter WHERE connection_key = old.id;
        DELETE FROM usage_hourly_counts WHERE connection_key = old.id;
      END;

      INSERT INTO usage_monthly (month, connection_key, subscription_key, meter_key, resource_key, granularity, records,
                                 quantity, quantity_text)
      SELECT CAST(strftime('%Y%m', day * 86400, 'unixepoch') AS INTEGER), connection_key, subscription_key, meter_key,
             resource_key, granularity, sum(records), sum(quantity), decimal_sum(quantity_text)
      FROM usage_daily
      GROUP BY 1, connection_key, subscription_key, meter_key, resource_key, granularity;

      INSERT INTO usage_daily_meter (day, connection_key, subscription_key, meter_key, granularity, records, quantity,
                                     quantity_text)
      SELECT day, connection_key, subscription_key, meter_key, granularity, sum(records), sum(quantity),
             decimal_sum(quantity_text)
      FROM usage_daily
      GROUP BY day, connection_key, subscription_key, meter_key, granularity;

      INSERT INTO usage_hourly_counts (hour, connection_key, subscription_key, records)
      SELECT usage_start / 3600, coalesce(connection_id, 0), subscription_key, count(*)
      FROM usage_records
      GROUP BY usage_start / 3600, coalesce(connection_id, 0), subscription_key;
    `);
  },
};
