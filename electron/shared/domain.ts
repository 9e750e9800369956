/**
 * Domain types shared by the core, the transports and the renderer. Plain data only: every value here crosses IPC or
 * HTTP as JSON. Times are ISO-8601 UTC strings ending in `Z`; quantities and money are decimal strings, never floats.
 */
import type { ReadOnlyInfo } from './auditor.ts';
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
  /** The catalog marks the meter as no longer emitted by current stamps. */
  deprecated?: boolean;
  /** Distinct subscriptions with usage of the meter (in the period, when one is given). */
  subscriptions?: number;
  /**
   * Float quantity per UTC day over the period (or the cached span), oldest first, for a sparkline only; at most 62
   * points (longer spans are folded into equal runs of days).
   */
  sparkline?: number[];
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
  /** Count only usage in this period (whole UTC days); absent: everything cached. */
  period?: UsagePeriod;
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
  /** Auditor mode: what was opened read-only; null when the cache is open normally. */
  readOnly: ReadOnlyInfo | null;
}

export interface OverviewQuery {
  /** Restrict to one connection (stamp) by name. */
  connection?: string;
}

export interface ImportFileResult {
  file: string;
  /** What the file held: saved usage API pages, a usage summary CSV, or ConvertTo-Json output. */
  format: 'rest-pages' | 'usage-summary-csv' | 'convertto-json';
  /** Usage API pages in the file; 0 for the other formats. */
  pages: number;
  records: number;
  inserted: number;
  updated: number;
}

/**
 * A span of usage time: `from` inclusive, `to` exclusive, each `YYYY-MM-DD` (UTC midnight) or an hour-aligned UTC time
 * (`YYYY-MM-DDTHH:00:00Z`). Queries answered from the daily and monthly rollups (the explorer, meter lists, day and month
 * series) need whole days and say so otherwise; record lists and hour series take hours.
 */
export interface UsagePeriod {
  from: string;
  to: string;
}

/** What usage can be filtered and grouped by. `tenant` is the subscription's directory tenant. */
export type UsageDimension =
  | 'stamp' | 'tenant' | 'subscription' | 'resourceGroup' | 'resource' | 'resourceType' | 'location' | 'tag'
  | 'meter' | 'service' | 'day' | 'month';

export const USAGE_DIMENSIONS: readonly UsageDimension[] = [
  'stamp', 'tenant', 'subscription', 'resourceGroup', 'resource', 'resourceType', 'location', 'tag', 'meter', 'service',
  'day', 'month',
];

/**
 * Which usage a query covers. Every list is "any of" (empty or absent: no restriction) and the lists combine with AND.
 * Values are the `key`s that grouped rows carry: stamp names, tenant IDs, subscription GUIDs, resource group names,
 * resource URIs, locations, meter IDs (any case, hyphens optional), service names. Matching ignores case.
 */
export interface UsageFilter {
  period?: UsagePeriod;
  stamps?: string[];
  tenants?: string[];
  subscriptions?: string[];
  resourceGroups?: string[];
  resources?: string[];
  resourceTypes?: string[];
  locations?: string[];
  meters?: string[];
  services?: string[];
  /** Resources carrying this tag key (case-insensitive), with this value when one is given. */
  tag?: { key: string; value?: string };
  /** Only usage synced at this granularity (a chargeback line's records: the granularity it rated). */
  granularity?: Granularity;
}

export interface ExploreQuery {
  filter: UsageFilter;
  /** One to four dimensions, outermost first. */
  groupBy: UsageDimension[];
  /** The tag key whose values group the rows; required when grouping by `tag`. */
  tagKey?: string;
  /** Sort by a dimension (its label) or by records or quantity; default: quantity descending. */
  sort?: { by: UsageDimension | 'records' | 'quantity'; descending?: boolean };
}

/** One group's identity: `key` is what a UsageFilter takes, `label` what people read. */
export interface GroupValue {
  key: string;
  label: string;
}

export interface ExploreRow {
  /** One value per groupBy dimension, in order. */
  groups: GroupValue[];
  records: number;
  /** Exact decimal sum; null when the group mixes meters of different units (a sum would mean nothing). */
  quantity: string | null;
  /** The unit shared by the group's meters, or null when they differ. */
  unit: string | null;
}

export interface ExploreTotals {
  groups: number;
  records: number;
  quantity: string | null;
  unit: string | null;
}

/** One block of an explorer result; the grid asks for blocks as the user scrolls. */
export interface ExplorePage {
  rows: ExploreRow[];
  offset: number;
  totals: ExploreTotals;
}

/** One usage record as cached, with its dimensions resolved. */
export interface UsageRecordRow {
  usageStart: string;
  usageEnd: string;
  granularity: Granularity;
  /** The stamp it was synced from; null for imports not tied to one. */
  stamp: string | null;
  subscriptionId: string;
  subscriptionName: string | null;
  tenantId: string | null;
  meterId: string;
  meterName: string;
  unit: string;
  /** Exactly as the API sent it. */
  quantity: string;
  resourceUri: string;
  resourceGroup: string | null;
  location: string | null;
  tags: Record<string, string> | null;
}

export interface UsageRecordsPage {
  rows: UsageRecordRow[];
  offset: number;
  /** Records matching the filter. */
  total: number;
}

export type ExportFormat = 'csv' | 'xlsx';

/** A file the core wrote into the exports folder (browser mode downloads it from `/api/exports/<fileName>`). */
export interface ExportResult {
  fileName: string;
  path: string;
  rows: number;
  bytes: number;
}

export interface MeterDetailQuery {
  meterId: string;
  /** Whole UTC days; absent: everything cached. */
  period?: UsagePeriod;
  stamp?: string;
}

/** A tenant, subscription, resource group or resource ranked by its use of one meter. */
export interface RankedUsage {
  key: string;
  label: string;
  records: number;
  /** Exact decimal sum. */
  quantity: string;
}

export interface MeterDetail {
  meter: MeterRow;
  /** The meter's unit in words: what one unit is and how the API emits it (fractions of a month per hour, etc.). */
  unitExplanation: string;
  /** The ten largest users in the period, by quantity. */
  top: {
    tenants: RankedUsage[];
    subscriptions: RankedUsage[];
    resourceGroups: RankedUsage[];
    resources: RankedUsage[];
  };
}

export type SeriesBucket = 'hour' | 'day' | 'month';

export interface MeterSeriesQuery extends MeterDetailQuery {
  bucket: SeriesBucket;
  stackBy: 'tenant' | 'subscription';
}

/**
 * The key of the series that sums the stack members beyond the largest ones (a meter chart draws twelve members and
 * "Other"); no tenant, subscription or meter has it, so a chart can tell it from a member it may filter by.
 */
export const OTHER_SERIES_KEY = '(other)';

/** A stacked time series: one bucket start per column, one series per stack member, quantities exact. */
export interface UsageSeries {
  bucket: SeriesBucket;
  /** ISO UTC start of each bucket, oldest first, without holes. */
  buckets: string[];
  series: { key: string; label: string; quantities: string[] }[];
  unit: string;
}

export interface ResourceDetail {
  resourceUri: string;
  subscriptionId: string | null;
  resourceType: string | null;
  resourceGroup: string | null;
  resourceName: string | null;
  location: string | null;
  tags: Record<string, string>;
  /** From the record's additionalInfo: the VM size (ServiceType) and the image it was created from. */
  vmSize: string | null;
  image: { publisher: string | null; offer: string | null; sku: string | null } | null;
  firstUsage: string | null;
  lastUsage: string | null;
  meters: { meterId: string; name: string; unit: string; records: number; quantity: string }[];
  /** Daily quantity per meter over the resource's span (or the period). */
  series: UsageSeries;
}

export interface CompletenessQuery {
  /** Hour-aligned or whole days; at most 93 days. */
  period: UsagePeriod;
  stamp?: string;
}

export interface CompletenessRow {
  stamp: string | null;
  subscriptionId: string;
  label: string;
  /** Records per hour of the period, oldest first. */
  counts: number[];
}

/** A run of hours without records: of one subscription within its active span, or of a whole stamp. */
export interface UsageGap {
  stamp: string | null;
  /** Null: no subscription of the stamp has records in these hours. */
  subscriptionId: string | null;
  from: string;
  to: string;
  hours: number;
}

export interface Completeness {
  from: string;
  hours: number;
  rows: CompletenessRow[];
  stamps: {
    name: string;
    /** Start of the latest usage hour cached for the stamp. */
    latestUsageHour: string | null;
    /** Reported time up to which every listed subscriber has been synced without a gap. */
    syncedThrough: string | null;
  }[];
  gaps: UsageGap[];
}
