// What the bench ingests: a simulated stamp sized so that one reported-time range holds about the requested number of
// hourly records, and those records saved as the REST pages the stamp serves for that range.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArmClient } from '../../electron/core/azure/arm.ts';
import { createHttpClient } from '../../electron/core/azure/http.ts';
import { discoverEndpoints } from '../../electron/core/azure/metadata.ts';
import { clientCredential, connectStamp } from '../../electron/core/azure/stamp-client.ts';
import { subscriberUsagePath } from '../../electron/core/azure/usage.ts';
import { startSimulator, SyntheticStamp, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Clock } from '../../electron/core/types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// A fixed clock for the stamp and the core, so that every run ingests the same records.
export const NOW = new Date('2026-11-20T12:30:00Z');
export const clock: Clock = { now: () => NOW };
export const SEED = 1;
export const SECRET = 'bench-secret';
// The range starts two weeks before NOW; sizing aims at about one week of it, leaving room to reach the record count.
const RANGE_START_MS = Math.floor(NOW.getTime() / DAY_MS) * DAY_MS - 14 * DAY_MS;

export interface Workload {
  sim: RunningSimulator;
  scale: number;
  /** Reported-time range [from, to), whole hours. */
  from: Date;
  to: Date;
  /** Hourly records the stamp reports in the range. */
  records: number;
}

/** The end of the reported hour that holds the range's `records`-th record, and how many records the range has then. */
function rangeEndFor(stamp: SyntheticStamp, records: number): { endMs: number; records: number } {
  const startBucket = RANGE_START_MS / HOUR_MS;
  const lastBucket = Math.floor(NOW.getTime() / HOUR_MS);
  const query = { granularity: 'Hourly' as const, startBucket, endBucket: lastBucket, subscriptionIndex: -1 };
  const cursor = stamp.scan(query, null, records, () => {});
  if (cursor === null) {
    throw new Error(`the stamp reports fewer than ${records} records before ${NOW.toISOString()}; raise its scale`);
  }
  const endBucket = cursor.bucket + 1;
  let count = 0;
  stamp.scan({ ...query, endBucket }, null, Infinity, () => count++);
  return { endMs: endBucket * HOUR_MS, records: count };
}

/** Starts the simulator at the scale whose stamp reports about `records` hourly records in a week. */
export async function startWorkload(records: number): Promise<Workload> {
  const stampOptions = { seed: SEED, now: clock.now };
  const scaleOne = new SyntheticStamp({ ...stampOptions, scale: 1 });
  let weekAtScaleOne = 0;
  const week = { granularity: 'Hourly' as const, startBucket: RANGE_START_MS / HOUR_MS, subscriptionIndex: -1 };
  scaleOne.scan({ ...week, endBucket: week.startBucket + 7 * 24 }, null, Infinity, () => weekAtScaleOne++);
  const scale = Math.max(1, Math.ceil(records / weekAtScaleOne));

  const sim = await startSimulator({ ...stampOptions, scale, clientSecret: SECRET });
  try {
    const end = rangeEndFor(sim.stamp, records);
    return { sim, scale, from: new Date(RANGE_START_MS), to: new Date(end.endMs), records: end.records };
  } catch (err) {
    await sim.close();
    throw err;
  }
}

export interface SavedPages {
  files: string[];
  records: number;
  bytes: number;
}

/** Runs `use` with an ARM client signed in to the simulator, closing the connection afterwards. */
async function withArm<T>(w: Workload, use: (arm: ArmClient) => Promise<T>): Promise<T> {
  const http = createHttpClient({ caPem: w.sim.caPem });
  try {
    const endpoints = await discoverEndpoints(http, w.sim.url);
    const { tokens, arm } = connectStamp(http, { ...endpoints, tenantId: null, clientId: w.sim.clientId },
      clientCredential('secret', SECRET, 'bench'));
    await tokens.get();
    return await use(arm);
  } finally {
    await http.close();
  }
}

// The simulator writes nextLink after the value array; parsing only that tail keeps parsing the records out of the
// fetch timing.
function nextLinkOf(body: string): string | null {
  const tail = body.slice(body.lastIndexOf(']') + 1, -1).replace(/^,/, '');
  return tail ? ((JSON.parse(`{${tail}}`) as { nextLink?: string | null }).nextLink ?? null) : null;
}

/** Follows the range's nextLink chain for all subscribers, handing each response body to `onPage`. */
async function eachPage(w: Workload, arm: ArmClient, onPage: (body: string) => void): Promise<void> {
  let next: string | null = subscriberUsagePath(w.sim.providerSubscriptionId,
    { start: w.from, end: w.to, granularity: 'Hourly' });
  for (let index = 1; next; index++) {
    const body = await arm.get(next, `bench page ${index}`);
    onPage(body);
    next = nextLinkOf(body);
  }
}

/**
 * Saves the range's records as the operator API serves them to a query for all subscribers: full pages of 1,000
 * records (the last one may be shorter), each file a response body byte for byte, nextLink included.
 */
export async function savePages(w: Workload, dir: string): Promise<SavedPages> {
  const files: string[] = [];
  let records = 0;
  let bytes = 0;
  await withArm(w, (arm) => eachPage(w, arm, (body) => {
    const file = join(dir, `usage-page-${String(files.length + 1).padStart(5, '0')}.json`);
    writeFileSync(file, body);
    files.push(file);
    bytes += Buffer.byteLength(body);
    records += (JSON.parse(body) as { value: unknown[] }).value.length;
  }));
  if (records !== w.records) {
    throw new Error(`saved ${records} records, but the stamp reports ${w.records} in the range`);
  }
  return { files, records, bytes };
}

/** Seconds to fetch every page of the range over HTTPS (simulator rendering, TLS, transfer), keeping nothing. */
export async function timeFetch(w: Workload): Promise<number> {
  return withArm(w, async (arm) => {
    const started = performance.now();
    await eachPage(w, arm, () => {});
    return (performance.now() - started) / 1000;
  });
}
