import type Database from 'better-sqlite3';
import { bundleProgress, type BundleCounts, type BundleExportInput, type BundleProgress } from '../../shared/bundles.ts';
import type { ExportResult } from '../../shared/domain.ts';
import * as connections from '../cache/connections.ts';
import { isoFromUnix } from '../cache/iso.ts';
import { ADJUSTMENTS_FILE_FORMAT } from '../chargeback/adjustment-files.ts';
import { listAdjustments } from '../chargeback/adjustments-store.ts';
import { storedAuditEntries } from '../chargeback/audit-log.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { periodDays } from '../explore/period.ts';
import { fileTimeStamp, writeExport } from '../exports/export-file.ts';
import { compareText } from '../rating/usage.ts';
import { ADJUSTMENTS_NAME, AUDIT_NAME, usageChunkName, type BundleEntry } from './format.ts';
import { writeBundleFile } from './write.ts';

/**
 * What `bundle export` puts in a bundle (entries in format.ts's layout), read straight from the cache:
 *
 * - usage-000001.ndjson, usage-000002.ndjson, ...: the raw usage records whose usage starts in the period, one per
 *   line, in chunks of at most USAGE_CHUNK_BYTES (a record is never split), with their natural key in words (stamp
 *   name or null for imports not tied to a stamp, subscription GUID, meter ID, usage start and end as UTC ISO times,
 *   granularity, resource URI), the quantity as the exact decimal text the API sent, and the resource's location,
 *   tags and additional info. Not the rollups: the importer rebuilds them, so they stay exact.
 * - stamps.ndjson: each stamp's connection details (endpoints, kind, sign-in type), never a credential.
 * - subscriptions.ndjson: the tenant subscriptions each stamp reported.
 * - meters.json: the meter catalog as this cache knows it, and the local meter overrides.
 * - rate-cards.json: every rate card with its published versions. Drafts are not exported: they are unfinished work
 *   and no statement was priced with them.
 * - adjustments.json: the cache's adjustments, in the format of an adjustments file (adjustment-files.ts) written as
 *   canonical JSON. A replay recomputes a statement with the current adjustments, so without them a statement priced
 *   with a tax or markup would not replay identical where the bundle is imported.
 * - statements.ndjson: the finalized statements and corrections whose period overlaps the bundle's (with a stamp
 *   selection: those that cover only selected stamps), each the stored canonical document with its hashes. Drafts are
 *   not exported.
 * - audit.ndjson: the whole audit log from seq 1, so that its hash chain verifies from the zero hash.
 *
 * The small entries are gathered first; then the usage rows are read in one pass and each chunk, once full, is
 * written to the bundle file (writeBundleFile) before the next is gathered, into the same buffer. A month of a large
 * stamp (millions of records, gigabytes of text) is exported in the memory of one chunk, with no limit on the period.
 */

export const STAMPS_NAME = 'stamps.ndjson';

/**
 * The most uncompressed text of one usage chunk (a single record longer than this is a chunk of its own). Measured on
 * 10 million records: 16 MiB chunks compress as well as 64 MiB ones (deflate's window is 32 KiB) and lower the peak
 * memory of export, verify and import by 45 to 160 MiB, since fewer inflated bytes wait for the garbage collector.
 */
export const USAGE_CHUNK_BYTES = 16 * 1024 * 1024;

/** Gathers the NDJSON lines of a small entry. */
class LineSink {
  #lines: string[] = [];

  get lines(): number {
    return this.#lines.length;
  }

  push(line: string): void {
    this.#lines.push(line);
  }

  bytes(): Buffer {
    return Buffer.from(this.#lines.map((line) => `${line}\n`).join(''), 'utf8');
  }
}

/**
 * Gathers usage lines into one reusable buffer, handed over as a chunk entry when the next line would not fit. A chunk
 * handed over is only valid until the next line is added: the writer deflates and hashes it before asking for more.
 */
class ChunkSink {
  readonly #limit: number;
  #buffer: Buffer;
  #used = 0;
  #chunks = 0;
  lines = 0;

  constructor(limit: number) {
    this.#limit = limit;
    this.#buffer = Buffer.allocUnsafe(limit);
  }

  /** Adds the line, or returns false when the chunk is full without it (then take() it, and add the line again). */
  add(line: string): boolean {
    const length = Buffer.byteLength(line, 'utf8') + 1;
    if (this.#used > 0 && this.#used + length > this.#limit) return false;
    if (length > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(length);
    this.#used += this.#buffer.write(line, this.#used, 'utf8');
    this.#buffer[this.#used++] = 0x0a;
    this.lines++;
    return true;
  }

  /** What is gathered, as the next chunk, or null when nothing is. */
  take(): BundleEntry | null {
    if (this.#used === 0) return null;
    const chunk = { name: usageChunkName(++this.#chunks), bytes: this.#buffer.subarray(0, this.#used) };
    this.#used = 0;
    return chunk;
  }
}

const text = (value: string | null): string => JSON.stringify(value);
/** A JSON column stored by the cache (canonical or JSON.stringify text), spliced in as it is. */
const json = (value: string | null): string => value ?? 'null';

interface Selection {
  /** Connection ids, or null for every stamp and the imports not tied to one. */
  ids: number[] | null;
  names: string[];
}

function selectStamps(db: Database.Database, stamps: string[] | undefined): Selection {
  if (stamps === undefined || stamps.length === 0) {
    const all = db.prepare('SELECT name FROM connections ORDER BY name').pluck().all() as string[];
    return { ids: null, names: all };
  }
  const found = [...new Map(stamps.map((s) => {
    const c = connections.getStored(db, s);
    return [c.id, c.name] as const;
  })).entries()];
  return { ids: found.map(([id]) => id), names: found.map(([, n]) => n).sort() };
}

/** The usage chunks, gathered while the rows are read; `sink.lines` counts the records. */
function* usageChunks(db: Database.Database, from: number, to: number, selection: Selection, sink: ChunkSink):
Generator<BundleEntry> {
  const where = selection.ids === null ? '' : `AND u.connection_id IN (${selection.ids.map(() => '?').join(', ')})`;
  const rows = db.prepare(`
    SELECT c.name, sk.subscription_id, m.meter_id, u.usage_start, u.usage_end, u.granularity, u.quantity_text,
           r.resource_uri, r.location, r.tags, r.additional_info
    FROM usage_records u
    JOIN subscription_keys sk ON sk.id = u.subscription_key
    JOIN meters m ON m.id = u.meter_key
    JOIN resources r ON r.id = u.resource_key
    LEFT JOIN connections c ON c.id = u.connection_id
    WHERE u.usage_start >= ? AND u.usage_start < ? ${where}
    ORDER BY u.usage_start, u.subscription_key, u.meter_key, u.usage_end, u.resource_key, u.granularity`).raw();
  type Row = [string | null, string, string, number, number, string, string, string, string | null, string | null,
    string | null];
  for (const r of rows.iterate(from, to, ...(selection.ids ?? [])) as IterableIterator<Row>) {
    const line = `{"stamp":${text(r[0])},"subscriptionId":${text(r[1])},"meterId":${text(r[2])},`
      + `"usageStart":"${isoFromUnix(r[3])}","usageEnd":"${isoFromUnix(r[4])}","granularity":"${r[5]}",`
      + `"quantity":${text(r[6])},"resourceUri":${text(r[7])},"location":${text(r[8])},"tags":${json(r[9])},`
      + `"additionalInfo":${json(r[10])}}`;
    if (!sink.add(line)) {
      // The writer has deflated the chunk when this generator resumes: its buffer is free for the line.
      yield sink.take()!;
      sink.add(line);
    }
  }
  const last = sink.take();
  if (last !== null) yield last;
}

function stampsEntry(db: Database.Database, selection: Selection): BundleEntry & { rows: number } {
  const sink = new LineSink();
  for (const name of selection.names) {
    const c = connections.getStored(db, name);
    sink.push(JSON.stringify({
      name: c.name, armEndpoint: c.armEndpoint, kind: c.kind, authType: c.authType, loginEndpoint: c.loginEndpoint,
      audience: c.audience, tenantId: c.tenantId, clientId: c.clientId,
      providerSubscriptionId: c.providerSubscriptionId, createdAt: c.createdAt,
    }));
  }
  return { name: STAMPS_NAME, bytes: sink.bytes(), rows: sink.lines };
}

function subscriptionsEntry(db: Database.Database, selection: Selection): BundleEntry & { rows: number } {
  const sink = new LineSink();
  const rows = db.prepare(`
    SELECT c.name AS stamp, s.subscription_id AS subscriptionId, s.display_name AS displayName, s.owner,
           s.tenant_id AS tenantId, s.offer_id AS offerId, s.state, s.updated_at AS updatedAt
    FROM subscriptions s JOIN connections c ON c.id = s.connection_id
    ORDER BY c.name, s.subscription_id`).all() as { stamp: string }[];
  const names = new Set(selection.names.map((n) => n.toLowerCase()));
  for (const row of rows) if (names.has(row.stamp.toLowerCase())) sink.push(JSON.stringify(row));
  return { name: 'subscriptions.ndjson', bytes: sink.bytes(), rows: sink.lines };
}

function metersEntry(db: Database.Database): BundleEntry & { meters: number; overrides: number } {
  const catalog = db.prepare(`SELECT meter_id AS meterId, name, unit, service, description, deprecated, source
                              FROM meters ORDER BY meter_id`).all();
  const overrides = db.prepare(`SELECT meter_id AS meterId, name, unit, service, description, updated_at AS updatedAt
                                FROM meter_overrides ORDER BY meter_id`).all();
  return {
    name: 'meters.json', bytes: Buffer.from(JSON.stringify({ meters: catalog, overrides }), 'utf8'),
    meters: catalog.length, overrides: overrides.length,
  };
}

function rateCardsEntry(db: Database.Database): BundleEntry & { versions: number } {
  const cards = db.prepare(`SELECT id, name, currency, rounding_mode AS mode, rounding_point AS point FROM rate_cards
                            ORDER BY id`).all() as { id: string; name: string; currency: string; mode: string;
    point: string }[];
  const versionsOf = db.prepare(`SELECT version, effective_from AS effectiveFrom, status, published_at AS publishedAt,
                                        note, meters FROM rate_card_versions
                                 WHERE card_id = ? AND status = 'published' ORDER BY version`);
  let versions = 0;
  const out = [];
  for (const card of cards) {
    const published = (versionsOf.all(card.id) as { note: string | null; meters: string }[])
      .map((v) => ({ ...v, meters: JSON.parse(v.meters) as unknown }));
    if (published.length === 0) continue;
    versions += published.length;
    out.push({
      id: card.id, name: card.name, currency: card.currency, rounding: { mode: card.mode, point: card.point },
      versions: published,
    });
  }
  return {
    name: 'rate-cards.json', bytes: Buffer.from(JSON.stringify({ draftsIncluded: false, rateCards: out }), 'utf8'),
    versions,
  };
}

function adjustmentsEntry(db: Database.Database): BundleEntry & { rows: number } {
  const adjustments = listAdjustments(db);
  const file = { format: ADJUSTMENTS_FILE_FORMAT, version: 1, adjustments };
  return { name: ADJUSTMENTS_NAME, bytes: Buffer.from(canonicalJson(file), 'utf8'), rows: adjustments.length };
}

function statementsEntry(db: Database.Database, period: BundleExportInput['period'], selection: Selection):
BundleEntry & { rows: number } {
  const rows = db.prepare(`
    SELECT id, kind, corrects_id AS correctsId, stamps, input_hash AS inputHash, hash, document FROM statements
    WHERE status = 'finalized' AND period_from < ? AND period_to > ?
    ORDER BY kind = 'correction', finalized_at, id`).all(period.to, period.from) as {
    id: string; kind: string; correctsId: string | null; stamps: string; inputHash: string; hash: string;
    document: string;
  }[];
  const selected = new Set(selection.names.map((n) => n.toLowerCase()));
  const included = new Set<string>();
  const sink = new LineSink();
  for (const row of rows) {
    const stamps = JSON.parse(row.stamps) as string[];
    // A statement of every stamp ([]) or of a stamp left out needs usage the bundle does not carry.
    const covered = selection.ids === null || (stamps.length > 0 && stamps.every((s) => selected.has(s.toLowerCase())));
    if (!covered || (row.correctsId !== null && !included.has(row.correctsId))) continue;
    included.add(row.id);
    sink.push(`{"id":${text(row.id)},"kind":${text(row.kind)},"correctsId":${text(row.correctsId)},`
      + `"inputHash":${text(row.inputHash)},"hash":${text(row.hash)},"document":${row.document}}`);
  }
  return { name: 'statements.ndjson', bytes: sink.bytes(), rows: sink.lines };
}

function auditEntry(db: Database.Database): BundleEntry & { rows: number } {
  const sink = new LineSink();
  for (const r of storedAuditEntries(db)) {
    sink.push(`{"seq":${r.seq},"at":${text(r.at)},"user":${text(r.user)},"action":${text(r.action)},`
      + `"subject":${text(r.subject)},"reason":${text(r.reason)},"details":${json(r.details)},`
      + `"prevHash":${text(r.prevHash)},"hash":${text(r.hash)}}`);
  }
  return { name: AUDIT_NAME, bytes: sink.bytes(), rows: sink.lines };
}

export interface BundleExportOptions {
  dir: string;
  now: Date;
  /** The installation's private key, unlocked for this export only. */
  privateKeyPem: string;
  /** The most uncompressed text of one usage chunk; USAGE_CHUNK_BYTES unless a test sets it lower. */
  usageChunkBytes?: number;
  /** Called once per usage chunk written (and once before the first), counting records against the period's. */
  onProgress?: (p: BundleProgress) => void;
}

/**
 * The records the export will write, from the hourly rollup (never a second pass over usage_records). Only the
 * progress total: should the rollup disagree, the count written is what the export reports.
 */
function expectedRecords(db: Database.Database, from: number, to: number, selection: Selection): number {
  const where = selection.ids === null ? '' : `AND connection_key IN (${selection.ids.map(() => '?').join(', ')})`;
  return db.prepare(`SELECT coalesce(sum(records), 0) FROM usage_hourly_counts WHERE hour >= ? AND hour < ? ${where}`)
    .pluck().get(from / 3600, to / 3600, ...(selection.ids ?? [])) as number;
}

export interface WrittenBundle {
  file: ExportResult;
  counts: BundleCounts;
  stamps: string[];
}

/**
 * Writes a period's bundle to `<dir>/stackmeter-bundle-<from>-<YYYYMMDD-HHMMSS>.smb` (the export folder's way of
 * naming files, never replacing one). Whole UTC days; stamps by name (NOT_FOUND for an unknown one).
 */
export async function exportBundle(db: Database.Database, input: BundleExportInput, options: BundleExportOptions):
Promise<WrittenBundle> {
  const { fromDay, toDay } = periodDays(input.period);
  const selection = selectStamps(db, input.stamps);
  const period = { from: input.period.from, to: input.period.to };
  const meta = { createdAt: options.now, stamps: selection.names, period };
  const usage = new ChunkSink(options.usageChunkBytes ?? USAGE_CHUNK_BYTES);
  const [from, to] = [fromDay * 86400, toDay * 86400];
  const onProgress = options.onProgress;
  const report = (fileName: string, total: number): void => onProgress?.(bundleProgress({
    operation: 'export', fileName, phase: 'writing', done: usage.lines, total, unit: 'records',
  }));
  // One read transaction: every entry describes the same state of the cache, even while a sync writes. The small
  // entries are read first: the usage rows are then read by one open statement while the chunks are written.
  const write = (temp: string, fileName: string) => db.transaction(() => {
    const small = {
      stamps: stampsEntry(db, selection),
      subscriptions: subscriptionsEntry(db, selection),
      meters: metersEntry(db),
      rateCards: rateCardsEntry(db),
      adjustments: adjustmentsEntry(db),
      statements: statementsEntry(db, input.period, selection),
      audit: auditEntry(db),
    };
    const entries = Object.values(small).map(({ name, bytes }) => ({ name, bytes }))
      .sort((a, b) => compareText(a.name, b.name));
    const total = onProgress === undefined ? 0 : expectedRecords(db, from, to, selection);
    report(fileName, total);
    writeBundleFile(temp, (function* () {
      yield* entries;
      for (const chunk of usageChunks(db, from, to, selection, usage)) {
        yield chunk;
        // Resumed once the writer has deflated and written the chunk.
        report(fileName, total);
      }
    })(), meta, options.privateKeyPem);
    if (usage.lines !== total) report(fileName, usage.lines);
    return small;
  }).deferred();
  const base = `stackmeter-bundle-${input.period.from}-${fileTimeStamp(options.now)}`;
  const written = await writeExport(options.dir, base, 'smb', (temp) => Promise.resolve(write(temp, `${base}.smb`)));
  const small = written.value;
  const counts: BundleCounts = {
    usage: usage.lines, stamps: small.stamps.rows, subscriptions: small.subscriptions.rows,
    meters: small.meters.meters, meterOverrides: small.meters.overrides,
    rateCardVersions: small.rateCards.versions, adjustments: small.adjustments.rows,
    statements: small.statements.rows, auditEntries: small.audit.rows,
  };
  return {
    file: { fileName: written.fileName, path: written.path, rows: counts.usage, bytes: written.bytes },
    counts,
    stamps: selection.names,
  };
}
