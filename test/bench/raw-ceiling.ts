// The raw ceiling: the same rows inserted with one prepared statement and nothing else (no parsing, no key lookups,
// no conflict handling), 1,000 rows per transaction, into a cache opened the way the product opens it. No ingest
// path can be faster on this schema; every other figure is reported as a fraction of it.

import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { parseUsagePage, type UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { canonicalMeterId, meterMatchKey } from '../../electron/core/meters/catalog.ts';

/**
 * One usage_records row: subscription_key, meter_key, usage_start, usage_end, resource_key, granularity,
 * quantity_text, quantity, connection_id.
 */
export type RawRow = [number, number, number, number, number, 'Hourly' | 'Daily', string, number, null];

export const ROWS_PER_TRANSACTION = 1000;

/** Reads and parses the saved pages with the product's parser, without writing anything; returns the time it took. */
export function parsePages(files: string[]): { records: UsageRecord[]; seconds: number } {
  const started = performance.now();
  const records: UsageRecord[] = [];
  for (const file of files) {
    for (const r of parseUsagePage(readFileSync(file, 'utf8'), file).records) records.push(r);
  }
  return { records, seconds: (performance.now() - started) / 1000 };
}

/** Resolves every dimension key in `db` (subscriptions, meters, resources) and builds the usage rows in memory. */
export function buildRawRows(db: Database.Database, records: UsageRecord[]): RawRow[] {
  const subscriptionIds = new Map<string, number>();
  const meterIds = new Map<string, number>();
  const resourceIds = new Map<string, number>();
  const insertSubscription = db.prepare('INSERT INTO subscription_keys (subscription_id) VALUES (?)');
  const selectMeter = db.prepare('SELECT id FROM meters WHERE match_key = ?').pluck();
  const insertMeter = db.prepare(`INSERT INTO meters (meter_id, match_key, name, unit, service, source)
                                  VALUES (?, ?, 'Unknown meter', '', 'Unknown', 'seen')`);
  const insertResource = db.prepare('INSERT INTO resources (resource_key, resource_uri) VALUES (?, ?)');

  const keyOf = (map: Map<string, number>, key: string, create: () => number): number => {
    let id = map.get(key);
    if (id === undefined) {
      id = create();
      map.set(key, id);
    }
    return id;
  };
  const build = db.transaction(() => records.map((r): RawRow => {
    const subscription = keyOf(subscriptionIds, r.subscriptionId,
      () => Number(insertSubscription.run(r.subscriptionId).lastInsertRowid));
    const matchKey = meterMatchKey(r.meterId);
    const meter = keyOf(meterIds, matchKey, () => (selectMeter.get(matchKey) as number | undefined) ??
      Number(insertMeter.run(canonicalMeterId(r.meterId), matchKey).lastInsertRowid));
    const resourceKey = r.resourceUri.toLowerCase();
    const resource = keyOf(resourceIds, resourceKey,
      () => Number(insertResource.run(resourceKey, r.resourceUri).lastInsertRowid));
    const granularity = r.usageEnd - r.usageStart === 3600 ? 'Hourly' : 'Daily';
    return [subscription, meter, r.usageStart, r.usageEnd, resource, granularity, r.quantityText,
      Number(r.quantityText), null];
  }));
  return build();
}

/** Inserts the rows, ROWS_PER_TRANSACTION per transaction; returns the seconds taken. */
export function insertRawRows(db: Database.Database, rows: RawRow[]): number {
  const insert = db.prepare(`
    INSERT INTO usage_records (subscription_key, meter_key, usage_start, usage_end, resource_key, granularity,
                               quantity_text, quantity, connection_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(rows[i] as RawRow);
  });
  const started = performance.now();
  for (let i = 0; i < rows.length; i += ROWS_PER_TRANSACTION) batch(i, Math.min(i + ROWS_PER_TRANSACTION, rows.length));
  const seconds = (performance.now() - started) / 1000;
  const stored = db.prepare('SELECT count(*) FROM usage_records').pluck().get() as number;
  if (stored !== rows.length) throw new Error(`raw ceiling stored ${stored} rows of ${rows.length}`);
  return seconds;
}
