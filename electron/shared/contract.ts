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
  ImportFileResult,
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
import type {
  ChargebackExportFormat, ChargebackLinesPage, ChargebackQuery, ChargebackResult, PdfLayout, ReplayResult,
  StatementDocument, StatementExportFormat, StatementInput, StatementSummary, WhatIfOther, WhatIfResult,
} from './chargeback.ts';
import type { AuditExportFormat } from './auditor.ts';
import type {
  BundleExportInput, BundleExportResult, BundleImportResult, BundleKeyInfo, BundleProgress, BundleVerification,
  TrustedKey,
} from './bundles.ts';
import type {
  CapacityExportFormat, CapacityModel, CapacityQuery, CapacityReport, FabricCapacity, RecoveryDraftInput,
  StoredCapacityModel,
} from './capacity.ts';
import type {
  Adjustment, AdjustmentsImportResult, AuditEntry, AuditVerification, RateCard, RateCardDraft, RateCardInput,
  RateCardSummary, SavedDraft,
} from './rating.ts';

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
  /** Every rate card, by name, with a summary of its versions. */
  'rates:list'(): RateCardSummary[];
  'rates:get'(id: string): RateCard;
  /** A new card with one draft version: empty, the starter card's example prices, or a copy of another card. */
  'rates:create'(input: RateCardInput): RateCard;
  /**
   * Adds a draft version (version null) or changes a draft. Drafts may be unfinished: what still stops publishing is
   * returned as problems, not thrown. A published version is refused.
   */
  'rates:saveDraft'(id: string, version: number | null, draft: RateCardDraft): SavedDraft;
  'rates:deleteDraft'(id: string, version: number): RateCard;
  /** Publishes a valid draft (refused with its problems otherwise); the version is frozen from then on. Audited. */
  'rates:publish'(id: string, version: number, reason: string): RateCard;
  /** Imports a rate card file (whole or nothing; errors name the line and column or the JSON path). Audited. */
  'rates:import'(text: string, format: RateCardFileFormat, fileName: string): RateCard;
  /** Writes a card (JSON: all versions, or one) or one version (CSV: default the newest) to the exports folder. */
  'rates:export'(id: string, format: RateCardFileFormat, version?: number): ExportResult;
  'adjustments:list'(): Adjustment[];
  /** Adds or replaces (by ID) an adjustment, with the reason for the audit log. */
  'adjustments:save'(adjustment: Adjustment, reason: string): Adjustment;
  'adjustments:remove'(id: string, reason: string): void;
  /**
   * Adds or replaces (by ID) every adjustment of a list in one transaction, or none: the list is checked whole first
   * (errors name `adjustments[i].field`). Each change is audited with the reason; identical ones are left alone.
   */
  'adjustments:import'(adjustments: Adjustment[], reason: string): AdjustmentsImportResult;
  /** Writes every adjustment to the exports folder as an adjustments file (JSON). Audited. */
  'adjustments:export'(): ExportResult;
  /** One block of the audit log, newest first. */
  'audit:list'(offset: number, limit: number): { rows: AuditEntry[]; total: number };
  /** Recomputes the audit log's hash chain and names the first entry that does not verify. */
  'audit:verify'(): AuditVerification;
  /**
   * Writes the whole audit trail to the exports folder for printing or review: PDF (the chain verdict and what was
   * opened on the first page, then every entry) or CSV (every entry with its details and hashes). Audited, except in
   * auditor mode.
   */
  'audit:export'(format: AuditExportFormat): ExportResult;
  /**
   * A period's usage rated with a stored card and the stored adjustments, in rows per tenant, subscription, resource
   * group, tag value or meter that add up to the total; unrated usage counted apart, never priced.
   */
  'chargeback:run'(query: ChargebackQuery): ChargebackResult;
  /** One block of the rated lines behind a chargeback row, each with the filter that lists its usage records. */
  'chargeback:lines'(query: ChargebackQuery, groupKey: string, offset: number, limit: number): ChargebackLinesPage;
  /** Per tenant: the query's card against another card, or one version of a card pricing the whole period. */
  'chargeback:whatIf'(query: ChargebackQuery, other: WhatIfOther): WhatIfResult;
  /**
   * Writes a run to the exports folder: csv/xlsx its rows, pdf/focus the statement it would make (never saved, status
   * draft, a DRAFT watermark on PDF; PDF one per tenant unless `pdfLayout` is 'combined'). Audited.
   */
  'chargeback:export'(query: ChargebackQuery, format: ChargebackExportFormat, pdfLayout?: PdfLayout): ExportResult[];
  /** Every statement and correction, newest first. */
  'statements:list'(): StatementSummary[];
  'statements:get'(id: string): StatementDocument;
  /** Rates a period and keeps it as a draft statement. Audited. */
  'statements:create'(input: StatementInput): StatementDocument;
  /** Recomputes a draft, hashes it and makes it immutable. Audited with the reason. */
  'statements:finalize'(id: string, reason: string): StatementDocument;
  /** Recomputes a statement with the rate card versions it was priced with: identical, or every difference. */
  'statements:replay'(id: string): ReplayResult;
  /** A draft correction statement holding what changed since a statement was finalized. Audited with the reason. */
  'statements:correct'(id: string, reason: string): StatementDocument;
  /**
   * Writes a statement to the exports folder: PDF (one per tenant unless `pdfLayout` is 'combined'), CSV or XLSX of
   * its lines and totals, or FOCUS 1.2 CSV. Audited with the files and the statement's hash.
   */
  'statements:export'(id: string, format: StatementExportFormat, pdfLayout?: PdfLayout): ExportResult[];
  /** Every stored capacity model, by stamp. */
  'capacity:models'(): StoredCapacityModel[];
  /** The capacity model of a stamp; null when it has none yet. */
  'capacity:get'(stamp: string): StoredCapacityModel | null;
  /** Adds or replaces a stamp's capacity model. Audited with the reason. */
  'capacity:save'(model: CapacityModel, reason: string): StoredCapacityModel;
  /** Reads the physical cores from the stamp's Microsoft.Fabric.Admin scale units and nodes; saves nothing. */
  'capacity:readCores'(stamp: string): FabricCapacity;
  /**
   * A period's capacity cost, utilisation (vCPU-hours against core-hours, storage against capacity, per day),
   * allocation to tenants with the idle line, completeness and the hash of its inputs.
   */
  'capacity:report'(query: CapacityQuery): CapacityReport;
  /**
   * A new rate card whose first draft version holds the break-even rates that recover the period's capacity cost at
   * the target utilisation (per vCPU-hour, and per GB-month when storage bears a share). Audited.
   */
  'capacity:recoveryDraft'(query: CapacityQuery, input: RecoveryDraftInput): RateCard;
  /** Writes the capacity report to the exports folder as PDF or XLSX. Audited with the report's input hash. */
  'capacity:export'(query: CapacityQuery, format: CapacityExportFormat): ExportResult;
  /** This installation's bundle signing key; null until the first bundle export makes it. */
  'bundles:key'(): BundleKeyInfo | null;
  /** The keys whose bundles are imported: this installation's own first, then those trusted by name. */
  'bundles:trusted'(): TrustedKey[];
  /** Trusts (or renames) another installation's key by its full fingerprint. Audited. Returns the trust list. */
  'bundles:trust'(fingerprint: string, name: string): TrustedKey[];
  /**
   * Writes a period's signed bundle (.smb) to the exports folder: usage records, stamps, subscriptions, meters and
   * overrides, published rate card versions, finalized statements and the whole audit log. Makes the signing key on
   * first use. Audited.
   */
  'bundles:export'(input: BundleExportInput): BundleExportResult;
  /** Every check of a bundle the console picked (see UPLOADS_PATH below), against this installation's trust list. */
  'bundles:verify'(fileRef: string): BundleVerification;
  /**
   * Imports a bundle whole or not at all: refused naming the failed check and entry. An untrusted signer is refused
   * unless `trustFingerprint` is its fingerprint, which trusts it (audited). Audited with the counts.
   */
  'bundles:import'(fileRef: string, trustFingerprint?: string): BundleImportResult;
  /** Imports usage files the console picked (saved API pages, usage summary CSVs, ConvertTo-Json), each whole. */
  'usage:import'(fileRefs: string[], options?: { connection?: string; dateFormat?: string }): ImportFileResult[];
}

/** The file formats rate cards import from and export to. */
export type RateCardFileFormat = 'json' | 'csv';

export type Method = keyof StackmeterApi;

/**
 * Every method that changes the cache (or starts something that does): auditor mode refuses exactly these, up front,
 * with READ_ONLY. A method added to the contract that writes must be added here; the read-only core test runs every
 * other method on a read-only SQLite file, where a write would fail.
 */
export const MUTATING_METHODS = [
  'connections:add', 'connections:remove', 'sync:start', 'sync:cancel', 'meters:override', 'meters:importOverrides',
  'rates:create', 'rates:saveDraft', 'rates:deleteDraft', 'rates:publish', 'rates:import',
  'adjustments:save', 'adjustments:remove', 'adjustments:import',
  'statements:create', 'statements:finalize', 'statements:correct',
  'capacity:save', 'capacity:recoveryDraft',
  // An export makes the signing key on first use; an import and trusting a key change the cache.
  'bundles:trust', 'bundles:export', 'bundles:import', 'usage:import',
] as const satisfies readonly Method[];
export type MutatingMethod = (typeof MUTATING_METHODS)[number];

export function isMutatingMethod(method: Method): method is MutatingMethod {
  return (MUTATING_METHODS as readonly Method[]).includes(method);
}
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
  'bundles:progress': BundleProgress;
}
export type EventName = keyof StackmeterEvents;
export const EVENT_NAMES: readonly EventName[] = ['sync:progress', 'sync:finished', 'bundles:progress'];

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
 * The desktop app's native file dialogs, which the preload adds to the bridge (browser mode has none): `pickFile(accept)`
 * opens an open dialog in main for the extensions of an HTML accept list (".smb", ".json,.csv") and answers the
 * PickedFile main registered with the core, or null when cancelled; `saveExports(fileNames)` offers a "Save as" dialog
 * (a folder for several files) for files an export wrote to the exports folder and copies them there. Main answers both
 * with a Result envelope and checks the sender as for contract calls.
 */
export interface DialogBridge {
  pickFile(accept: string): Promise<PickedFile | null>;
  saveExports(fileNames: string[]): Promise<{ saved: string[] } | null>;
}
export const PICK_FILE_CHANNEL = 'stackmeter-dialog:pick-file';
export const SAVE_EXPORTS_CHANNEL = 'stackmeter-dialog:save-exports';

/**
 * Browser mode speaks the same contract over HTTP on 127.0.0.1:
 * - `POST /api/<method>` with body `{"args": [...]}` answers 200 with a `Result` envelope;
 * - `GET /api/events` answers a `text/event-stream` of `event: <EventName>` / `data: <json>` messages;
 * - every /api request carries `Authorization: Bearer <launch token>`; without it the server answers 401.
 * The console learns the token from the launch URL's fragment (`#token=...`), which browsers never send to a server.
 */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
/**
 * `GET /api/exports/<fileName>` downloads a file that `usage:export`, `rates:export`, `adjustments:export`,
 * `chargeback:export`, `statements:export`, `audit:export`, `capacity:export` or `bundles:export` wrote (same token; only
 * export file names).
 */
export const EXPORTS_PATH = '/api/exports/';
/**
 * `POST /api/uploads?name=<file name>` (same token) streams the raw body (up to UPLOAD_MAX_BYTES) into a private
 * uploads folder and answers `{ fileRef, name, bytes }`. The fileRef is what `bundles:verify`, `bundles:import` and
 * `usage:import` take: the console never sends a path. (The desktop app's file dialog returns a fileRef too.)
 */
export const UPLOADS_PATH = '/api/uploads';
export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** What an upload (or the desktop app's file dialog) answers. */
export interface PickedFile {
  fileRef: string;
  name: string;
  bytes: number;
}
