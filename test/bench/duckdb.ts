// The baseline of the query bench: the same usage rows in DuckDB, one wide table with every dimension denormalised and
// the exact quantity as DECIMAL(38,18), asked the same questions in plain SQL over the raw rows (no rollups).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type Json } from '@duckdb/node-api';
import type Database from 'better-sqlite3';
import { openCache } from '../../electron/core/cache/open.ts';
import type { BigCache } from './big-cache.ts';

export interface DuckBaseline {
  connection: DuckDBConnection;
  rows: number;
  /** Seconds loading took (in the run that loaded it). */
  loadSeconds: number;
  reused: boolean;
  close(): void;
}

interface LoadMarker {
  rows: number;
  loader: string;
  loadSeconds: number;
}

// Quantities carry at most 18 decimals (the simulator's finest scale), so DECIMAL(38,18) holds every one exactly; the
// bench compares DuckDB's sums with the cache's exact ones, which would expose any rounding.
const STAGING = `
  CREATE TABLE connections (id INTEGER, name VARCHAR);
  CREATE TABLE subscriptions (id INTEGER, subscription_id VARCHAR, display_name VARCHAR, tenant_id VARCHAR);
  CREATE TABLE meters (id INTEGER, meter_id VARCHAR, name VARCHAR, unit VARCHAR, service VARCHAR);
  CREATE TABLE resources (id INTEGER, resource_uri VARCHAR, resource_group VARCHAR, resource_type VARCHAR,
                          location VARCHAR, tags VARCHAR);
  CREATE TABLE usage_raw (usage_start INTEGER, usage_end INTEGER, granularity VARCHAR, connection_key INTEGER,
                          subscription_key INTEGER, meter_key INTEGER, resource_key INTEGER, quantity_text VARCHAR,
                          quantity DOUBLE);`;

const DENORMALISE = `
  CREATE TABLE usage AS
  SELECT r.usage_start, r.usage_end, r.granularity, c.name AS stamp, s.subscription_id,
         s.display_name AS subscription_name, s.tenant_id, m.meter_id, m.name AS meter_name, m.unit, m.service,
         res.resource_uri, res.resource_group, res.resource_type, res.location, res.tags,
         CAST(r.quantity_text AS DECIMAL(38, 18)) AS quantity, r.quantity AS quantity_float
  FROM usage_raw r
  LEFT JOIN connections c ON c.id = r.connection_key
  JOIN subscriptions s ON s.id = r.subscription_key
  JOIN meters m ON m.id = r.meter_key
  JOIN resources res ON res.id = r.resource_key;
  DROP TABLE usage_raw; DROP TABLE connections; DROP TABLE subscriptions; DROP TABLE meters; DROP TABLE resources;
  CHECKPOINT;`;

type Cell = string | number | null;

function appendRow(appender: DuckDBAppender, row: Cell[]): void {
  for (const cell of row) {
    if (cell === null) appender.appendNull();
    else if (typeof cell === 'number') appender.appendInteger(cell);
    else appender.appendVarchar(cell);
  }
  appender.endRow();
}

async function appendAll(connection: DuckDBConnection, table: string, rows: Iterable<Cell[]>): Promise<number> {
  const appender = await connection.createAppender(table);
  let n = 0;
  for (const row of rows) {
    appendRow(appender, row);
    n++;
  }
  appender.closeSync();
  return n;
}

/** Copies the cache's dimensions and usage rows into DuckDB's staging tables, then joins them into `usage`. */
async function load(db: Database.Database, connection: DuckDBConnection, say: (m: string) => void): Promise<number> {
  await connection.run(STAGING);
  const all = (sql: string) => db.prepare(sql).raw().iterate() as Iterable<Cell[]>;
  await appendAll(connection, 'connections', all('SELECT id, name FROM connections'));
  await appendAll(connection, 'subscriptions', all(`
    SELECT k.id, k.subscription_id, s.display_name, s.tenant_id
    FROM subscription_keys k LEFT JOIN subscriptions s ON s.subscription_id = k.subscription_id`));
  // Names as the console shows them: a local override over the catalog.
  await appendAll(connection, 'meters', all(`
    SELECT m.id, m.meter_id, coalesce(o.name, m.name), coalesce(o.unit, m.unit), coalesce(o.service, m.service)
    FROM meters m LEFT JOIN meter_overrides o ON o.match_key = m.match_key`));
  await appendAll(connection, 'resources', all(`
    SELECT id, resource_uri, resource_group, resource_type, location, tags FROM resources`));

  const appender = await connection.createAppender('usage_raw');
  const rows = db.prepare(`
    SELECT usage_start, usage_end, granularity, coalesce(connection_id, 0), subscription_key, meter_key, resource_key,
           quantity_text, quantity
    FROM usage_records`).raw().iterate() as Iterable<[number, number, string, number, number, number, number, string,
    number]>;
  let n = 0;
  for (const [start, end, granularity, conn, sub, meter, resource, text, quantity] of rows) {
    appender.appendInteger(start);
    appender.appendInteger(end);
    appender.appendVarchar(granularity);
    appender.appendInteger(conn);
    appender.appendInteger(sub);
    appender.appendInteger(meter);
    appender.appendInteger(resource);
    appender.appendVarchar(text);
    appender.appendDouble(quantity);
    appender.endRow();
    if (++n % 2_000_000 === 0) say(`  ${n.toLocaleString('en-US')} rows appended`);
  }
  appender.closeSync();
  say(`  ${n.toLocaleString('en-US')} rows appended; joining the dimensions into one table`);
  await connection.run(DENORMALISE);
  return n;
}

async function countRows(connection: DuckDBConnection): Promise<number> {
  const rows = await queryRows(connection, 'SELECT count(*) AS n FROM usage');
  return Number(rows[0]?.n);
}

/**
 * DuckDB holding the cache's rows, from the file an earlier run loaded when it matches (same cache, same loader, same
 * row count), else loaded now from the SQLite cache.
 */
export async function openDuckBaseline(cache: BigCache, say: (m: string) => void): Promise<DuckBaseline> {
  const markerPath = `${cache.duckdbPath}.json`;
  const loader = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 12);
  let marker: LoadMarker | null = existsSync(markerPath)
    ? JSON.parse(readFileSync(markerPath, 'utf8')) as LoadMarker
    : null;
  if (marker && (marker.loader !== loader || marker.rows !== cache.records)) marker = null;
  if (!marker) {
    rmSync(markerPath, { force: true });
    rmSync(cache.duckdbPath, { force: true });
    rmSync(`${cache.duckdbPath}.wal`, { force: true });
  }

  const instance = await DuckDBInstance.create(cache.duckdbPath);
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    if (marker) {
      const rows = await countRows(connection);
      if (rows === cache.records) {
        say(`reusing the DuckDB copy loaded by an earlier run (${rows.toLocaleString('en-US')} rows): ` +
          cache.duckdbPath);
        return { connection, rows, loadSeconds: marker.loadSeconds, reused: true, close };
      }
      throw new Error(`bench: ${cache.duckdbPath} holds ${rows} rows, the cache ${cache.records}; delete it and rerun`);
    }
    say(`loading the cache's rows into DuckDB (${cache.duckdbPath}) with its appender`);
    const started = performance.now();
    const db = openCache(cache.path);
    try {
      await load(db, connection, say);
    } finally {
      db.close();
    }
    const loadSeconds = (performance.now() - started) / 1000;
    const rows = await countRows(connection);
    if (rows !== cache.records) throw new Error(`bench: DuckDB holds ${rows} rows after loading ${cache.records}`);
    writeFileSync(markerPath, `${JSON.stringify({ rows, loader, loadSeconds } satisfies LoadMarker)}\n`);
    say(`loaded ${rows.toLocaleString('en-US')} rows into DuckDB in ${loadSeconds.toFixed(0)} s`);
    return { connection, rows, loadSeconds, reused: false, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** Runs a query and returns its rows as JSON values (decimals and big integers as exact strings). */
export async function queryRows(
  connection: DuckDBConnection, sql: string, params: Record<string, string | number> = {},
): Promise<Record<string, Json>[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson();
}
