// Shared by the sync, fault, resume and kill tests: a core on a cache file signed in to an in-test simulator, and the
// fingerprint of a cache's usage rows that every "same result as a clean sync" assertion compares.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCore } from '../../electron/core/index.ts';
import { meterMatchKey } from '../../electron/core/meters/catalog.ts';
import type { RunningSimulator, StampRecord } from '../../electron/core/simulator/index.ts';
import type { SyncOptions } from '../../electron/core/sync/manager.ts';
import type { Clock, Core, Logger } from '../../electron/core/types.ts';
import type { SyncRequest, SyncRunRow } from '../../electron/shared/domain.ts';

export const SECRET = 'sync-test-secret';
export const quiet: Logger = { info() {}, warn() {}, error() {} };

/** Retries in milliseconds, so that fault tests spend their time on faults, not on waiting. */
export const FAST_RETRY: SyncOptions['retry'] = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 };

/** A mutable clock shared by a simulator and the cores syncing from it. */
export function movableClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return { now: () => now, set: (iso) => { now = new Date(iso); } };
}

export function openCore(
  dir: string, file: string, clock: Clock,
  options: { sync?: SyncOptions; log?: Logger; env?: Record<string, string> } = {},
): Core {
  return createCore({
    dbPath: join(dir, file), clock, log: options.log ?? quiet, env: options.env ?? { SIM_SECRET: SECRET }, sync: options.sync,
  });
}

export async function addSimulator(core: Core, sim: RunningSimulator, name = 'sim'): Promise<void> {
  await core['connections:add']({
    name,
    armEndpoint: sim.url,
    clientId: sim.clientId,
    credential: { type: 'secret', source: { kind: 'env', variable: 'SIM_SECRET' } },
    caPem: sim.caPem,
  });
}

export async function syncAndWait(core: Core, request: SyncRequest): Promise<SyncRunRow> {
  const { runId } = await core['sync:start'](request);
  await core.waitForRun(runId);
  const run = (await core['sync:runs'](1000)).find((r) => r.id === runId);
  if (!run) throw new Error(`run ${runId} is missing from the history`);
  return run;
}

/** One usage row as a comparable key plus its exact quantity: subscription, meter, usage span, resource, granularity. */
export type RowKey = string;

const rowKey = (subscription: string, meterKey: string, start: number, end: number, resource: string, granularity: string): RowKey =>
  `${subscription}|${meterKey}|${start}|${end}|${resource}|${granularity}`;

/** Every usage row of a cache file, ordered, as key → exact quantity text. */
export function cachedRows(dbPath: string): Map<RowKey, string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare(`
      SELECT sk.subscription_id AS s, m.match_key AS m, u.usage_start AS a, u.usage_end AS b, r.resource_key AS r,
             u.granularity AS g, u.quantity_text AS q
      FROM usage_records u
      JOIN subscription_keys sk ON sk.id = u.subscription_key
      JOIN meters m ON m.id = u.meter_key
      JOIN resources r ON r.id = u.resource_key
      ORDER BY s, m, a, b, r, g`).all() as { s: string; m: string; a: number; b: number; r: string; g: string; q: string }[];
    return new Map(rows.map((x) => [rowKey(x.s, x.m, x.a, x.b, x.r, x.g), x.q]));
  } finally {
    db.close();
  }
}

/** SHA-256 of a cache's ordered usage rows (subscription, meter, start, end, resource, granularity, quantity_text). */
export function usageHash(dbPath: string): string {
  const hash = createHash('sha256');
  for (const [key, quantity] of cachedRows(dbPath)) hash.update(`${key}|${quantity}\n`);
  return hash.digest('hex');
}

/** The key a stamp record gets in the cache. */
export function stampRowKey(r: StampRecord): RowKey {
  return rowKey(r.subscriptionId.toLowerCase(), meterMatchKey(r.meterId), r.usageStartMs / 1000, r.usageEndMs / 1000,
    r.resourceUri.toLowerCase(), r.granularity);
}

/** Reads a cache's tables directly (plans, watermarks, locks), read-only. */
export function inspect<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
