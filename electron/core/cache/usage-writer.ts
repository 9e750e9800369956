import type Database from 'better-sqlite3';
import type { Granularity } from '../../shared/domain.ts';
import type { UsageRecord } from '../azure/usage-record.ts';
import { canonicalMeterId, meterMatchKey, UNKNOWN_METER } from '../meters/catalog.ts';
import { parseScaled } from './exact-decimal.ts';
import { createRollupBuffer } from './usage-rollup.ts';
import { parseResourceUri } from './resource-uri.ts';

export interface WriteCounts {
  inserted: number;
  /** Rows whose quantity (or owning connection) changed. */
  updated: number;
  /** Rows already cached exactly as received. */
  unchanged: number;
}

export interface WriteOptions {
  granularity: Granularity;
  /** The connection the records came from; null for imports not tied to a stamp. */
  connectionId: number | null;
}

export interface RecordGroup {
  records: UsageRecord[];
  granularity: Granularity;
}

export interface UsageWriter {
  /** Upserts one page of records in one transaction. */
  writePage(records: UsageRecord[], options: WriteOptions): WriteCounts;
  /** Upserts several groups (e.g. a file mixing hourly and daily records) in one transaction. */
  writeGroups(groups: RecordGroup[], connectionId: number | null): WriteCounts;
  /**
   * Upserts one page inside a transaction the caller holds (a sync commits a page with its checkpoint), without a
   * nested savepoint, whose journal would copy every page the insert touches. A caller whose transaction rolls back
   * must call reset().
   */
  writeWithin(records: UsageRecord[], options: WriteOptions): WriteCounts;
  /**
   * Forgets the cached dimension keys. The writer does this itself when its own transaction fails; a caller that runs
   * writePage inside a transaction of its own and rolls that back must call it, or the cache would name rows that no
   * longer exist.
   */
  reset(): void;
}

// Counts rows the upsert below updated, per database, and keeps what the last updated row held before: the SQL function
// that does it runs only on the update path, where bare column names still name the row's old values. One counter per
// connection, shared by every writer on it (registering the function again replaces it).
interface UpdateCounter {
  updated: number;
  oldText: string;
  oldConnection: number | null;
}
const updateCounters = new WeakMap<Database.Database, UpdateCounter>();

function updateCounter(db: Database.Database): UpdateCounter {
  let counter = updateCounters.get(db);
  if (!counter) {
    const c: UpdateCounter = { updated: 0, oldText: '0', oldConnection: null };
    db.function('stackmeter_row_updated', { deterministic: false },
      (connection: unknown, oldText: unknown, oldConnection: unknown) => {
        c.updated++;
        c.oldText = oldText as string;
        c.oldConnection = oldConnection as number | null;
        return connection as number | null;
      });
    updateCounters.set(db, c);
    counter = c;
  }
  return counter;
}

interface CachedResource {
  id: number;
  location: string | null;
  tags: string | null;
  additionalInfo: string | null;
}

/**
 * The ingest hot path. Dimension keys (subscription GUID, meter, resource) resolve through Maps in front of their
 * tables, so a record usually costs two Map lookups and one statement. Usage rows are keyed by their natural key:
 * writing the same page again changes nothing and counts every record as unchanged.
 *
 * New rows and rows already cached each have a statement that is fastest for them: a plain insert for new rows (with
 * the upsert alone, a sync into an empty cache took about 1.5 times as long), an upsert that writes only what changed
 * for cached rows (an insert that meets the row, then an update, costs two statements: re-syncs ran 2x slower). Rows
 * come in runs of one kind (a new period, or a period synced again), so each record takes the statement that suited
 * the record before it.
 */
export function createUsageWriter(db: Database.Database): UsageWriter {
  const selectSubscription = db.prepare('SELECT id FROM subscription_keys WHERE subscription_id = ?').pluck();
  const insertSubscription = db.prepare('INSERT INTO subscription_keys (subscription_id) VALUES (?)');
  const selectMeter = db.prepare('SELECT id FROM meters WHERE match_key = ?').pluck();
  const insertMeter = db.prepare(`
    INSERT INTO meters (meter_id, match_key, name, unit, service, deprecated, source)
    VALUES (?, ?, ?, ?, ?, 0, 'seen')`);
  const selectResource = db.prepare<[string], CachedResource>(`
    SELECT id, location, tags, additional_info AS additionalInfo FROM resources WHERE resource_key = ?`);
  const insertResource = db.prepare(`
    INSERT INTO resources (resource_key, resource_uri, location, resource_type, resource_group, resource_name, tags,
                           additional_info)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const updateResource = db.prepare('UPDATE resources SET location = ?, tags = ?, additional_info = ? WHERE id = ?');
  const insertUsage = db.prepare(`
    INSERT INTO usage_records (subscription_key, meter_key, usage_start, usage_end, resource_key, granularity,
                               quantity_text, quantity, connection_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`);
  // An existing row is rewritten only when its quantity (or owning connection) differs, so re-syncing an unchanged
  // period writes nothing. A record synced by a connection claims an imported row; an import never detaches a row from
  // its connection. Of the rows the upsert changed, those the update path counted (stackmeter_row_updated) were
  // updated and the others inserted.
  const updated = updateCounter(db);
  const upsertUsage = db.prepare(`
    INSERT INTO usage_records (subscription_key, meter_key, usage_start, usage_end, resource_key, granularity,
                               quantity_text, quantity, connection_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET
      quantity_text = excluded.quantity_text, quantity = excluded.quantity,
      connection_id = stackmeter_row_updated(coalesce(excluded.connection_id, connection_id), quantity_text, connection_id)
    WHERE quantity_text <> excluded.quantity_text OR connection_id IS NOT coalesce(excluded.connection_id, connection_id)`);

  const rollup = createRollupBuffer(db);

  // Whether the previous record was already cached: this one most likely is too.
  let expectCached = false;
  // Keyed by the text as received; the tables' keys are case-folded (meters also lose hyphens).
  const subscriptions = new Map<string, number>();
  const meters = new Map<string, number>();
  const metersByKey = new Map<string, number>();
  const resources = new Map<string, CachedResource>();
  const resourcesByKey = new Map<string, CachedResource>();
  // The parser hands records of one resource the same tags object, so each object is stringified once.
  let json = new WeakMap<object, string>();

  const toJson = (value: object | null): string | null => {
    if (value === null) return null;
    let text = json.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      json.set(value, text);
    }
    return text;
  };

  const subscriptionKey = (subscriptionId: string): number => {
    let id = subscriptions.get(subscriptionId);
    if (id === undefined) {
      const folded = subscriptionId.toLowerCase();
      id = selectSubscription.get(folded) as number | undefined;
      id ??= Number(insertSubscription.run(folded).lastInsertRowid);
      subscriptions.set(subscriptionId, id);
    }
    return id;
  };

  const meterKey = (meterId: string): number => {
    let id = meters.get(meterId);
    if (id === undefined) {
      const matchKey = meterMatchKey(meterId);
      id = metersByKey.get(matchKey) ?? (selectMeter.get(matchKey) as number | undefined);
      id ??= Number(
        insertMeter.run(canonicalMeterId(meterId), matchKey, UNKNOWN_METER.name, UNKNOWN_METER.unit, UNKNOWN_METER.service)
          .lastInsertRowid,
      );
      metersByKey.set(matchKey, id);
      meters.set(meterId, id);
    }
    return id;
  };

  const resourceKey = (r: UsageRecord): number => {
    let cached = resources.get(r.resourceUri);
    if (cached === undefined) {
      const key = r.resourceUri.toLowerCase();
      cached = resourcesByKey.get(key) ?? selectResource.get(key);
      if (cached === undefined) {
        const parts = parseResourceUri(r.resourceUri);
        const tags = toJson(r.tags);
        const additionalInfo = toJson(r.additionalInfo);
        const id = Number(
          insertResource.run(key, r.resourceUri, r.location, parts.type, parts.resourceGroup, parts.name, tags,
            additionalInfo).lastInsertRowid,
        );
        cached = { id, location: r.location, tags, additionalInfo };
      }
      resourcesByKey.set(key, cached);
      resources.set(r.resourceUri, cached);
    }
    // Attributes follow the latest record that states them; a record without them (tags "null") keeps what is known.
    const location = r.location ?? cached.location;
    const tags = toJson(r.tags) ?? cached.tags;
    const additionalInfo = toJson(r.additionalInfo) ?? cached.additionalInfo;
    if (location !== cached.location || tags !== cached.tags || additionalInfo !== cached.additionalInfo) {
      updateResource.run(location, tags, additionalInfo, cached.id);
      cached.location = location;
      cached.tags = tags;
      cached.additionalInfo = additionalInfo;
    }
    return cached.id;
  };

  const writeRecords = (
    records: UsageRecord[],
    granularity: Granularity,
    connection: number | null,
    counts: WriteCounts,
  ): void => {
    for (const r of records) {
      const subscription = subscriptionKey(r.subscriptionId);
      const meter = meterKey(r.meterId);
      const resource = resourceKey(r);
      const quantity = Number(r.quantityText);
      if (!expectCached) {
        if (insertUsage.run(subscription, meter, r.usageStart, r.usageEnd, resource, granularity, r.quantityText,
          quantity, connection).changes === 1) {
          counts.inserted++;
          rollup.add(r.usageStart, connection, subscription, meter, resource, granularity, 1, quantity,
          parseScaled(r.quantityText));
          continue;
        }
        expectCached = true;
      }
      const before = updated.updated;
      const { changes } = upsertUsage.run(subscription, meter, r.usageStart, r.usageEnd, resource, granularity,
        r.quantityText, quantity, connection);
      if (changes === 0) counts.unchanged++;
      else if (updated.updated !== before) {
        counts.updated++;
        rollup.replace(r.usageStart, subscription, meter, resource, granularity, updated.oldConnection,
          updated.oldText, connection ?? updated.oldConnection, r.quantityText);
      } else {
        counts.inserted++;
        rollup.add(r.usageStart, connection, subscription, meter, resource, granularity, 1, quantity,
          parseScaled(r.quantityText));
        expectCached = false;
      }
    }
    // The page's rows and their daily sums commit (or roll back) together.
    rollup.flush();
  };

  const reset = (): void => {
    rollup.clear();
    subscriptions.clear();
    meters.clear();
    metersByKey.clear();
    resources.clear();
    resourcesByKey.clear();
    json = new WeakMap();
  };

  const writeGroups = db.transaction((groups: RecordGroup[], connectionId: number | null): WriteCounts => {
    const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
    for (const g of groups) writeRecords(g.records, g.granularity, connectionId, counts);
    return counts;
  });

  const guarded = (groups: RecordGroup[], connectionId: number | null): WriteCounts => {
    try {
      return writeGroups(groups, connectionId);
    } catch (err) {
      // The transaction rolled back: keys cached during it may name rows that no longer exist.
      reset();
      throw err;
    }
  };

  return {
    writePage: (records, options) => guarded([{ records, granularity: options.granularity }], options.connectionId),
    writeGroups: guarded,
    writeWithin(records, options) {
      if (!db.inTransaction) throw new Error('writeWithin needs a transaction held by the caller');
      const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
      writeRecords(records, options.granularity, options.connectionId, counts);
      return counts;
    },
    reset,
  };
}
