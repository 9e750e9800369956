/**
 * Domain types shared by the core, the transports and the renderer. Plain data only: every value here crosses IPC or
 * HTTP as JSON. Times are ISO-8601 UTC strings ending in `Z`; quantities and money are decimal strings, never floats.
 */
import type { ErrorCode } from './result.ts';

export type Granularity = 'Hourly' | 'Daily';
export type AuthType = 'adfs' | 'entra';
export type ApiKind = 'operator' | 'tenant';

/** Where a connection's client secret comes from. Secrets are never written to the cache. */
export type SecretSource =
  /** Read from an environment variable of the process that runs the sync (CLI, jump box, CI). */
  | { kind: 'env'; variable: string }
  /** Typed into the console: held in memory by the running core and forgotten when it exits. */
  | { kind: 'session'; value: string };

export interface ConnectionInput {
  name: string;
  /** The ARM endpoint of the stamp, e.g. https://adminmanagement.local.azurestack.external */
  armEndpoint: string;
  clientId: string;
  secret: SecretSource;
  /** PEM text of the CA that issued the stamp's certificates; added to the system roots, never replacing them. */
  caPem?: string;
  /** The provider (default operator) subscription; discovered through GET /subscriptions when absent. */
  subscriptionId?: string;
}

export interface ConnectionRow {
  name: string;
  armEndpoint: string;
  kind: ApiKind;
  authType: AuthType;
  loginEndpoint: string;
  audience: string;
  clientId: string;
  /** A description of where the secret lives, e.g. `env:STACK_SECRET` or `session`. Never the secret. */
  secretSource: string;
  /** Subject of the trusted CA certificate, or null when only the system roots are trusted. */
  caSubject: string | null;
  providerSubscriptionId: string;
  createdAt: string;
  records: number;
  lastSync: SyncRunRow | null;
}

export interface SyncRequest {
  connection: string;
  /** Reported-time start, inclusive: `YYYY-MM-DD` or an hour-aligned ISO time. */
  from: string;
  /** Reported-time end, exclusive; clamped to the last whole hour. */
  to: string;
  granularity: Granularity;
}

export type SyncStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface SyncRunRow {
  id: number;
  connection: string;
  status: SyncStatus;
  granularity: Granularity;
  from: string;
  to: string;
  startedAt: string;
  endedAt: string | null;
  subscribers: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  error: string | null;
  /** The kind of failure, so that a scheduler can tell bad credentials from an unreachable stamp. */
  errorCode: ErrorCode | null;
}

export interface SyncProgress {
  runId: number;
  connection: string;
  status: SyncStatus;
  phase: 'discovering' | 'subscriptions' | 'usage' | 'done';
  subscribersDone: number;
  subscribersTotal: number;
  currentSubscriber: string | null;
  pages: number;
  records: number;
  inserted: number;
  /** Records per second over the run so far. */
  rate: number;
  /** 0..100, from subscriber windows completed. */
  percent: number;
  error: string | null;
}

export interface MeterRow {
  /** Lower-case canonical meter ID (with hyphens where the catalog has them). */
  meterId: string;
  name: string;
  unit: string;
  service: string;
  records: number;
  /** Exact decimal sum of the quantities in the cache. */
  quantity: string;
  firstUsage: string | null;
  lastUsage: string | null;
}

export interface MeterQuery {
  /** Restrict to one connection (stamp) by name. */
  connection?: string;
  /** Only meters with usage in the cache (the default) or every catalog meter. */
  seenOnly?: boolean;
}

export interface StampSummary {
  name: string;
  armEndpoint: string;
  records: number;
  subscriptions: number;
  /** Latest usage hour end cached for the stamp. */
  latestUsage: string | null;
  lastSync: SyncRunRow | null;
}

export interface DailyServicePoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  service: string;
  records: number;
}

export interface Overview {
  stamps: StampSummary[];
  records: number;
  subscriptions: number;
  meters: number;
  /** Usage records per UTC day and service over the cached period, for the stacked chart. */
  dailyByService: DailyServicePoint[];
}

export interface AppInfo {
  version: string;
  dbPath: string;
}

export interface ImportFileResult {
  file: string;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
}
