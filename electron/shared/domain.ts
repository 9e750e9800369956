/**
 * Domain types shared by the core, the transports and the renderer. Plain data only: every value here crosses IPC or
 * HTTP as JSON. Times are ISO-8601 UTC strings ending in `Z`; quantities and money are decimal strings, never floats.
 */
import type { ErrorCode } from './result.ts';

export type Granularity = 'Hourly' | 'Daily';
export type AuthType = 'adfs' | 'entra';
export type ApiKind = 'operator' | 'tenant';

/**
 * Where a credential (a client secret, or a PEM holding a certificate and its private key) comes from. The cache never
 * holds a credential in plain text.
 */
export type SecretSource =
  /** Read from an environment variable of the process that runs the sync (CLI, jump box, scheduler). */
  | { kind: 'env'; variable: string }
  /** Read from a file that only its owner may read (checked on POSIX systems). */
  | { kind: 'file'; path: string }
  /** Typed into the console: held in memory by the running core and forgotten when it exits. */
  | { kind: 'session'; value: string }
  /** Typed into the desktop app and stored encrypted by the operating system (Electron safeStorage). */
  | { kind: 'protected'; value: string };

export type CredentialType = 'secret' | 'certificate';

/** How the service principal proves its identity: a client secret, or a certificate (a signed client assertion). */
export interface CredentialInput {
  type: CredentialType;
  source: SecretSource;
}

export interface ConnectionInput {
  name: string;
  /**
   * The ARM endpoint: the stamp's adminmanagement address for an operator connection (provider usage API), or its
   * management address for a tenant connection (tenant usage API).
   */
  armEndpoint: string;
  /** Operator (all tenants, Microsoft.Commerce.Admin) or tenant (own subscriptions, Microsoft.Commerce). Default operator. */
  kind?: ApiKind;
  clientId: string;
  credential: CredentialInput;
  /** The Microsoft Entra ID directory (GUID or domain); required when the stamp signs in through Entra ID. */
  tenantId?: string;
  /** PEM text of the CA that issued the stamp's certificates; added to the system roots, never replacing them. */
  caPem?: string;
  /**
   * Operator: the provider (Default Provider) subscription, discovered through GET /subscriptions when absent.
   * Tenant: the one subscription to read, or every subscription the principal sees when absent.
   */
  subscriptionId?: string;
  /** An HTTP(S) proxy URL for this stamp; when absent HTTPS_PROXY / NO_PROXY of the environment apply. */
  proxy?: string;
}

export interface ConnectionRow {
  name: string;
  armEndpoint: string;
  kind: ApiKind;
  authType: AuthType;
  loginEndpoint: string;
  audience: string;
  tenantId: string | null;
  clientId: string;
  credentialType: CredentialType;
  /** Where the credential lives: `env:NAME`, `file:/path`, `session` or `protected`. Never the credential. */
  secretSource: string;
  /** Subject of the trusted CA certificate, or null when only the system roots are trusted. */
  caSubject: string | null;
  proxy: string | null;
  /** Operator: the provider subscription. Tenant: the subscription read, or null for all the principal sees. */
  providerSubscriptionId: string | null;
  createdAt: string;
  records: number;
  lastSync: SyncRunRow | null;
}

export interface SyncRequest {
  connection: string;
  /**
   * Reported-time start, inclusive: `YYYY-MM-DD` or an hour-aligned ISO time. Absent: incremental, from each
   * subscriber's watermark less the overlap window (or 31 days back for a subscriber never synced).
   */
  from?: string;
  /** Reported-time end, exclusive; absent or in the future: the last whole hour (day for Daily). */
  to?: string;
  granularity: Granularity;
  /**
   * Also sweep the whole range with small all-tenant queries to catch usage of subscriptions deleted before they were
   * ever listed. Without it, only subscriptions that disappeared since the last sync are swept.
   */
  sweepDeleted?: boolean;
}

/**
 * `partial`: the run ended but some windows failed (see `errors`); `interrupted`: the process died while it ran (it is
 * resumed by the next sync of the same stamp and granularity).
 */
export type SyncStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'interrupted';

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
  /** Reported-time windows planned (subscriber × window, plus all-tenant sweep windows) and completed. */
  windows: number;
  windowsDone: number;
  /** Requests repeated after throttling, a 5xx, a reset connection or a malformed page. */
  retries: number;
  /** The run's summary error (failed, partial, cancelled), in words. */
  error: string | null;
  /** The kind of failure, so that a scheduler can tell bad credentials from an unreachable stamp. */
  errorCode: ErrorCode | null;
  /** Every window that failed, e.g. `subscriber 4f…, 2026-11-02T00:00Z–2026-11-03T00:00Z, page 3: truncated JSON`. */
  windowErrors: string[];
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
  windowsDone: number;
  windowsTotal: number;
  retries: number;
  /** Records per second over the run so far. */
  rate: number;
  /** 0..100, from windows completed. */
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
  /** True when the catalog or a local override names the meter. */
  known?: boolean;
  /** What the meter measures and how its unit accrues (the override's, else the catalog's); null when unknown. */
  description?: string | null;
}

/** A local name (and optionally unit, service, description) for a meter, kept apart from the shipped catalog. */
export interface MeterOverride {
  /** Lower-case meter ID as given. */
  meterId: string;
  name: string;
  unit: string | null;
  service: string | null;
  description: string | null;
  updatedAt: string;
}

export interface MeterOverrideInput {
  meterId: string;
  name: string;
  unit?: string;
  service?: string;
  description?: string;
}

/** A subscription (tenant) whose usage carries a meter. */
export interface MeterTenant {
  subscriptionId: string;
  /** The subscription's display name when a subscription list named it. */
  displayName: string | null;
  /** The directory tenant, when known. */
  tenantId: string | null;
}

/** A meter seen in usage that the shipped catalog does not know. */
export interface UnknownMeter {
  meterId: string;
  /** First usage start and last usage end cached for it. */
  firstSeen: string;
  lastSeen: string;
  records: number;
  /** Exact decimal sum. */
  quantity: string;
  tenantCount: number;
  tenants: MeterTenant[];
  /** The local name given to it, if any. */
  override: MeterOverride | null;
}

export interface MeterOverridesImportResult {
  created: number;
  updated: number;
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
  /** True in the desktop app, where credentials can be stored encrypted by the operating system. */
  canProtectSecrets: boolean;
}

export interface OverviewQuery {
  /** Restrict to one connection (stamp) by name. */
  connection?: string;
}

export interface ImportFileResult {
  file: string;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
}
