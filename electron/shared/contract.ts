import type { Result } from './result.ts';
import type {
  AppInfo,
  Completeness,
  CompletenessQuery,
  ConnectionInput,
  ConnectionRow,
  ExplorePage,
  ExploreQuery,
  ExportFormat,
  ExportResult,
  MeterDetail,
  MeterDetailQuery,
  MeterOverride,
  MeterOverrideInput,
  MeterOverridesImportResult,
  MeterQuery,
  MeterRow,
  MeterSeriesQuery,
  Overview,
  OverviewQuery,
  SyncProgress,
  SyncRequest,
  ResourceDetail,
  SyncRunRow,
  UnknownMeter,
  UsageFilter,
  UsagePeriod,
  UsageRecordsPage,
  UsageSeries,
} from './domain.ts';

/**
 * The one contract between the console and the core. The core implements it; Electron IPC and the browser-mode HTTP
 * server expose it method by method; the renderer calls it through `renderer/src/api`. Adding a method here without a
 * schema (schemas.ts) or a handler (core) fails to compile.
 */
export interface StackmeterApi {
  'app:info'(): AppInfo;
  'connections:list'(): ConnectionRow[];
  'connections:add'(input: ConnectionInput): ConnectionRow;
  'connections:remove'(name: string): void;
  /**
   * Starts a sync in the background and returns its run id; progress arrives as `sync:progress` events. An interrupted
   * run of the same stamp and granularity is resumed first (same range: that run's id is returned).
   */
  'sync:start'(request: SyncRequest): { runId: number };
  'sync:cancel'(runId: number): void;
  'sync:runs'(limit?: number): SyncRunRow[];
  'overview:get'(query?: OverviewQuery): Overview;
  'meters:list'(query?: MeterQuery): MeterRow[];
  /** Names (and optionally describes) a meter locally; a later catalog refresh never overwrites it. */
  'meters:override'(input: MeterOverrideInput): MeterOverride;
  'meters:overrides'(): MeterOverride[];
  /** Adds or replaces several overrides in one transaction (a file shared by another site). */
  'meters:importOverrides'(overrides: MeterOverrideInput[]): MeterOverridesImportResult;
  /** Meters seen in usage that the catalog does not know, named locally or not. */
  'meters:unknown'(): UnknownMeter[];
  /** One meter: its description, unit in words and top users. */
  'meters:detail'(query: MeterDetailQuery): MeterDetail;
  'meters:series'(query: MeterSeriesQuery): UsageSeries;
  /** One block (offset, limit ≤ 5,000) of usage grouped by the query's dimensions, with the totals of all groups. */
  'usage:explore'(query: ExploreQuery, offset: number, limit: number): ExplorePage;
  /** One block of the raw records behind a filter (a chart bar, an explorer row), oldest first. */
  'usage:records'(filter: UsageFilter, offset: number, limit: number): UsageRecordsPage;
  /** Writes the whole explorer result (not only the rows on screen) to a CSV or XLSX file in the exports folder. */
  'usage:export'(query: ExploreQuery, format: ExportFormat): ExportResult;
  /** Records per hour and subscription, the latest hour per stamp and the gaps, to judge whether a period is complete. */
  'usage:completeness'(query: CompletenessQuery): Completeness;
  /** One resource parsed from its instanceData, with its meters over time. */
  'resources:get'(resourceUri: string, period?: UsagePeriod): ResourceDetail;
}

export type Method = keyof StackmeterApi;
export type Args<M extends Method> = Parameters<StackmeterApi[M]>;
export type Returns<M extends Method> = ReturnType<StackmeterApi[M]>;

/** What the core provides: each method may answer synchronously or with a promise. */
export type Handlers = { [M in Method]: (...args: Args<M>) => Returns<M> | Promise<Returns<M>> };

/** What the renderer sees: every call is asynchronous, whatever the transport. */
export type Client = { [M in Method]: (...args: Args<M>) => Promise<Returns<M>> };

/** Events pushed from the core to the console (Electron: webContents.send; browser mode: server-sent events). */
export interface StackmeterEvents {
  'sync:progress': SyncProgress;
  'sync:finished': SyncRunRow;
}
export type EventName = keyof StackmeterEvents;
export const EVENT_NAMES: readonly EventName[] = ['sync:progress', 'sync:finished'];

/** Electron IPC channel names: one invoke channel per method, one push channel per event. */
export const invokeChannel = (method: Method): string => `stackmeter:${method}`;
export const eventChannel = (event: EventName): string => `stackmeter-event:${event}`;

/**
 * What the sandboxed preload exposes as `window.stackmeter`: one generic invoke and one event subscription. Arguments are
 * validated in main against `argSchemas`; the preload itself trusts nothing and checks nothing.
 */
export interface Bridge {
  invoke(method: Method, args: unknown[]): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
export const BRIDGE_KEY = 'stackmeter';

/**
 * Browser mode speaks the same contract over HTTP on 127.0.0.1:
 * - `POST /api/<method>` with body `{"args": [...]}` answers 200 with a `Result` envelope;
 * - `GET /api/events` answers a `text/event-stream` of `event: <EventName>` / `data: <json>` messages;
 * - every /api request carries `Authorization: Bearer <launch token>`; without it the server answers 401.
 * The console learns the token from the launch URL's fragment (`#token=...`), which browsers never send to a server.
 */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
/** `GET /api/exports/<fileName>` downloads a file that `usage:export` wrote (same token; only export file names). */
export const EXPORTS_PATH = '/api/exports/';
