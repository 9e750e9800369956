import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  bundleProgress, type BundleImportCount, type BundleImportResult, type BundleProgress,
} from '../../shared/bundles.ts';
import type { StatementDocument } from '../../shared/chargeback.ts';
import type { Granularity, MeterOverrideInput } from '../../shared/domain.ts';
import type { Adjustment } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { UsageRecord } from '../azure/usage-record.ts';
import * as connections from '../cache/connections.ts';
import { importOverrides } from '../cache/meter-overrides.ts';
import * as subscriptions from '../cache/subscriptions.ts';
import { createUsageWriter, type WriteCounts } from '../cache/usage-writer.ts';
import { parseAdjustmentsJson } from '../chargeback/adjustment-files.ts';
import { listAdjustments } from '../chargeback/adjustments-store.ts';
import { appendAudit, type Actor } from '../chargeback/audit-log.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { statementHash } from '../chargeback/statement-hash.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { validateAdjustments } from '../rating/index.ts';
import { IMPORTED_SOURCE } from '../secrets.ts';
import { STAMPS_NAME } from './export.ts';
import { withBundleFile } from './file-source.ts';
import {
  ADJUSTMENTS_NAME, AUDIT_NAME, isUsageEntry, type BundleEntry, type BundleSource, type IndexedRecord,
  type Manifest,
} from './format.ts';
import { normaliseFingerprint, trustedKeys, trustKey } from './key-store.ts';
import { shortFingerprint } from './keys.ts';
import { inflateEntry, inspectSource, type BundleReport } from './verify.ts';

/**
 * `bundle import`: a bundle into this cache, whole or not at all.
 *
 * First every check of `bundle verify` must pass, the signer's key included (trusted, or given by the user to trust
 * now): otherwise the bundle is refused naming the check and the file, and nothing is read from it. That pass keeps
 * only the small entries; then they are parsed and everything is written in ONE transaction, the usage chunks read
 * back one at a time (read, inflated and hashed again, so that what is written is what was verified):
 * - usage through the sync's own writer and natural key, so importing twice, overlapping bundles, or a sync before or
 *   after never duplicate a record, and the rollups stay exact;
 * - stamps this cache does not know become connections marked 'imported' (no credential: they cannot sync), so that
 *   several stamps' bundles consolidate into one cache; subscriptions as those stamps reported them;
 * - meter overrides this cache lacks (one set here is kept);
 * - rate card versions, adjustments and finalized statements by ID: identical content is already present, different
 *   content under the same published version, adjustment or statement ID is a CONFLICT that refuses the bundle (a
 *   replay prices with the cache's adjustments, so the bundle's must be the ones here); adjustments.json is optional,
 *   bundles written before it was added still import;
 * - the signer's audit log into imported_audit_log (another installation's chain cannot join this one's), then one
 *   local 'bundle.import' entry with the manifest's hash, the signer, the counts and every adjustment it added.
 */

export interface BundleImportOptions {
  fileName: string;
  actor: Actor;
  /** A fingerprint the user gave to trust the signer now (compared with the manifest's). */
  trustFingerprint?: string;
  /**
   * Called per usage chunk of the verify pass, then of the write pass. The write pass runs inside the import's
   * transaction: a callback that throws rolls the whole import back.
   */
  onProgress?: (p: BundleProgress) => void;
}

/** Usage records written per writer call; bounds the memory of a bundle of millions of records. */
const BATCH = 2000;

/** Thrown for the first failing check: the same sentence `bundle verify` prints for it. */
export function refusal(report: BundleReport): StackmeterError | null {
  const failed = report.checks.find((c) => !c.ok);
  if (failed === undefined && report.manifest !== null) return null;
  const where = failed === undefined ? '' : ` ${failed.subject} failed the ${failed.check} check: ${failed.detail}`;
  const advice = failed?.check === 'trusted-key'
    ? ' Compare the key\'s fingerprint with the one its sender reads out to you, then import with that fingerprint '
      + 'to trust it (stackmeter bundle import <file> --trust <fingerprint>).'
    : ' Nothing of it was imported; ask for the bundle again.';
  return new StackmeterError('BAD_INPUT', `The bundle ${report.fileName} is refused.${where}${advice}`);
}

/** A bundle file into this cache, in the memory of one usage chunk whatever its size. NOT_FOUND when unreadable. */
export function importBundleFile(db: Database.Database, path: string, options: BundleImportOptions):
BundleImportResult {
  return withBundleFile(path, `The bundle ${options.fileName}`, (file) => importBundleSource(db, file, options));
}

function importBundleSource(db: Database.Database, source: BundleSource, options: BundleImportOptions):
BundleImportResult {
  const { fileName, actor } = options;
  const trusted = trustedKeys(db);
  const given = options.trustFingerprint === undefined ? null : normaliseFingerprint(options.trustFingerprint);
  const { onProgress } = options;
  const progress = (phase: string) => onProgress === undefined ? undefined : (done: number, total: number) =>
    onProgress(bundleProgress({ operation: 'import', fileName, phase, done, total, unit: 'chunks' }));
  const onUsageChunk = progress('verifying');
  const { report, entries, records } = inspectSource(source, fileName, {
    trusted: [...trusted.map((k) => k.fingerprint), ...(given === null ? [] : [given])],
    ...(onUsageChunk === undefined ? {} : { onUsageChunk }),
  }, (name) => !isUsageEntry(name));
  if (given !== null && report.manifest !== null && report.manifest.keyFingerprint !== given) {
    throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} is refused: it is signed by key `
      + `${shortFingerprint(report.manifest.keyFingerprint)} (${report.manifest.keyFingerprint}), not by the key `
      + `${shortFingerprint(given)} you chose to trust.`);
  }
  const refused = refusal(report);
  if (refused !== null) throw refused;
  const manifest = report.manifest!;
  const content = parseEntries(entries, fileName);
  const signer = manifest.keyFingerprint;
  const manifestSha256 = createHash('sha256').update(canonicalJson(manifest), 'utf8').digest('hex');
  const known = trusted.find((k) => k.fingerprint === signer);
  const writer = createUsageWriter(db);

  const run = db.transaction((): BundleImportResult => {
    const newlyTrusted = known === undefined
      && trustKey(db, signer, `Key ${shortFingerprint(signer)}, trusted importing ${fileName}`, actor);
    const stampIds = importStamps(db, content, options);
    const adjustments = importAdjustments(db, content.adjustments, options);
    const counts: BundleImportCount[] = [
      stampIds.count,
      importSubscriptions(db, content, stampIds.ids, options),
      importMeterOverrides(db, content, actor),
      importRateCards(db, content, options),
      adjustments.count,
      importStatements(db, content, fileName),
      importUsage(writer, usageEntries(source, manifest, records, fileName, progress('importing')), fileName,
        stampIds.ids),
      importAudit(db, content.audit, signer, fileName, known?.own === true),
    ];
    appendAudit(db, {
      action: 'bundle.import', subject: `bundle:${manifestSha256.slice(0, 16)}`, reason: null,
      details: {
        fileName, manifestSha256, signer, period: manifest.period, stamps: manifest.stamps,
        createdAt: manifest.createdAt, newlyTrusted,
        counts: counts.map(({ what, added, present, other }) => ({ what, added, present, other })),
        addedAdjustments: adjustments.added,
      },
    }, actor.user, actor.at);
    return {
      fileName, manifestSha256, period: manifest.period, stamps: manifest.stamps, newlyTrusted, counts,
      signer: {
        fingerprint: signer, shortFingerprint: shortFingerprint(signer),
        name: known?.name ?? `Key ${shortFingerprint(signer)}`,
      },
    };
  });
  try {
    return run.immediate();
  } catch (err) {
    // The transaction rolled back: the writer's cached keys may name rows that no longer exist.
    writer.reset();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing: every entry but the usage rows is read whole before anything is written; usage rows are read line by line
// while writing (inside the transaction), so a bundle of millions of records never becomes millions of objects.

interface StampLine {
  name: string; armEndpoint: string; kind: 'operator' | 'tenant'; authType: 'adfs' | 'entra'; loginEndpoint: string;
  audience: string; tenantId: string | null; clientId: string; providerSubscriptionId: string | null;
}
interface SubscriptionLine {
  stamp: string; subscriptionId: string; displayName: string | null; owner: string | null; tenantId: string | null;
  offerId: string | null; state: string | null;
}
interface OverrideLine {
  meterId: string; name: string; unit: string | null; service: string | null; description: string | null;
}
interface CardLine {
  id: string; name: string; currency: string; rounding: { mode: string; point: string };
  versions: { version: number; effectiveFrom: string; publishedAt: string; note: string | null; meters: unknown[] }[];
}
interface StatementLine {
  id: string; kind: string; correctsId: string | null; inputHash: string; hash: string; document: StatementDocument;
}
interface AuditLine {
  seq: number; at: string; user: string; action: string; subject: string; reason: string | null; details: unknown;
  prevHash: string; hash: string;
}

interface Content {
  stamps: StampLine[];
  subscriptions: SubscriptionLine[];
  overrides: OverrideLine[];
  cards: CardLine[];
  adjustments: Adjustment[];
  statements: StatementLine[];
  audit: AuditLine[];
}

function entryOf(entries: BundleEntry[], name: string): Buffer | null {
  return entries.find((e) => e.name === name)?.bytes ?? null;
}

/** Lines of an NDJSON entry with their numbers; a final empty line is not a line. */
function* lines(bytes: Buffer): Generator<[number, string]> {
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    line++;
    yield [line, bytes.toString('utf8', start, stop)];
    start = stop + 1;
  }
}

class EntryError extends StackmeterError {
  constructor(fileName: string, where: string, problem: string) {
    super('BAD_INPUT', `The bundle ${fileName} is refused: ${where}: ${problem} Nothing of it was imported.`);
  }
}

type Fields = Record<string, unknown>;

/** Reads the fields of one JSON object, naming the entry, line and field of the first that is wrong. */
class FieldReader {
  readonly fields: Fields;
  readonly #fail: (problem: string) => never;
  constructor(value: unknown, fail: (problem: string) => never) {
    this.#fail = fail;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object.');
    this.fields = value as Fields;
  }

  text(name: string): string {
    const v = this.fields[name];
    if (typeof v !== 'string') this.#fail(`${name} is not a string.`);
    return v;
  }

  textOrNull(name: string): string | null {
    const v = this.fields[name] ?? null;
    if (v !== null && typeof v !== 'string') this.#fail(`${name} is not a string or null.`);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.text(name);
    if (!(values as readonly string[]).includes(v)) this.#fail(`${name} is not one of ${values.join(', ')}.`);
    return v as T;
  }

  objectOrNull(name: string): Fields | null {
    const v = this.fields[name] ?? null;
    if (v !== null && (typeof v !== 'object' || Array.isArray(v))) this.#fail(`${name} is not an object or null.`);
    return v as Fields | null;
  }
}

function parseJson(text: string, fail: (problem: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('not valid JSON.');
  }
}

function ndjsonObjects(bytes: Buffer | null, entry: string, fileName: string):
{ line: number; read: FieldReader }[] {
  if (bytes === null) return [];
  const out: { line: number; read: FieldReader }[] = [];
  for (const [line, text] of lines(bytes)) {
    const fail = (problem: string): never => {
      throw new EntryError(fileName, `${entry} line ${line}`, problem);
    };
    out.push({ line, read: new FieldReader(parseJson(text, fail), fail) });
  }
  return out;
}

function parseEntries(entries: BundleEntry[], fileName: string): Content {
  const stamps = ndjsonObjects(entryOf(entries, STAMPS_NAME), STAMPS_NAME, fileName).map(({ read }) => ({
    name: read.text('name'), armEndpoint: read.text('armEndpoint'), kind: read.oneOf('kind', ['operator', 'tenant']),
    authType: read.oneOf('authType', ['adfs', 'entra']), loginEndpoint: read.text('loginEndpoint'),
    audience: read.text('audience'), tenantId: read.textOrNull('tenantId'), clientId: read.text('clientId'),
    providerSubscriptionId: read.textOrNull('providerSubscriptionId'),
  }));
  const subs = ndjsonObjects(entryOf(entries, 'subscriptions.ndjson'), 'subscriptions.ndjson', fileName)
    .map(({ read }) => ({
      stamp: read.text('stamp'), subscriptionId: read.text('subscriptionId'),
      displayName: read.textOrNull('displayName'),
      owner: read.textOrNull('owner'), tenantId: read.textOrNull('tenantId'), offerId: read.textOrNull('offerId'),
      state: read.textOrNull('state'),
    }));

  const single = (name: string): FieldReader | null => {
    const bytes = entryOf(entries, name);
    if (bytes === null) return null;
    const fail = (problem: string): never => {
      throw new EntryError(fileName, name, problem);
    };
    return new FieldReader(parseJson(bytes.toString('utf8'), fail), fail);
  };
  const list = (reader: FieldReader | null, field: string, entry: string): { at: string; read: FieldReader }[] => {
    if (reader === null) return [];
    const value = reader.fields[field] ?? [];
    if (!Array.isArray(value)) throw new EntryError(fileName, entry, `${field} is not a list.`);
    return value.map((item: unknown, i) => {
      const at = `${entry} ${field}[${i}]`;
      return { at, read: new FieldReader(item, (problem) => { throw new EntryError(fileName, at, problem); }) };
    });
  };

  const overrides = list(single('meters.json'), 'overrides', 'meters.json').map(({ read }) => ({
    meterId: read.text('meterId'), name: read.text('name'), unit: read.textOrNull('unit'),
    service: read.textOrNull('service'), description: read.textOrNull('description'),
  }));
  const cards = list(single('rate-cards.json'), 'rateCards', 'rate-cards.json').map(({ at, read }) => {
    const rounding = new FieldReader(read.fields.rounding, (p) => {
      throw new EntryError(fileName, `${at}.rounding`, p);
    });
    return {
      id: read.text('id'), name: read.text('name'), currency: read.text('currency'),
      rounding: {
        mode: rounding.oneOf('mode', ['half-up', 'half-even']),
        point: rounding.oneOf('point', ['line', 'statement']),
      },
      versions: list(read, 'versions', at).map(({ at: vAt, read: v }) => {
        const version = v.fields.version;
        if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
          throw new EntryError(fileName, vAt, 'version is not a version number.');
        }
        if (v.oneOf('status', ['published']) !== 'published' || !Array.isArray(v.fields.meters)) {
          throw new EntryError(fileName, vAt, 'meters is not a list.');
        }
        return {
          version, effectiveFrom: v.text('effectiveFrom'), publishedAt: v.text('publishedAt'),
          note: v.textOrNull('note'), meters: v.fields.meters as unknown[],
        };
      }),
    };
  });
  const statements = ndjsonObjects(entryOf(entries, 'statements.ndjson'), 'statements.ndjson', fileName)
    .map(({ line, read }) => {
      const statement = {
        id: read.text('id'), kind: read.oneOf('kind', ['statement', 'correction']),
        correctsId: read.textOrNull('correctsId'),
        inputHash: read.text('inputHash'), hash: read.text('hash'),
        document: read.objectOrNull('document') as unknown as StatementDocument | null,
      };
      const doc = statement.document;
      const where = `statements.ndjson line ${line}`;
      if (doc === null || doc.id !== statement.id || doc.status !== 'finalized' || doc.hash !== statement.hash
        || doc.inputHash !== statement.inputHash) {
        throw new EntryError(fileName, where, `the document of statement ${statement.id} is not the finalized `
          + 'statement the line names.');
      }
      let recomputed: string | null = null;
      try {
        recomputed = statementHash(doc.inputHash, doc.result);
      } catch {
        // A document without a readable result cannot be a statement; reported below.
      }
      if (recomputed !== statement.hash) {
        throw new EntryError(fileName, where, `statement ${statement.id}'s hash does not match its lines and totals.`);
      }
      return { ...statement, document: doc };
    });
  const audit = ndjsonObjects(entryOf(entries, AUDIT_NAME), AUDIT_NAME, fileName).map(({ read }) => ({
    // The chain was verified line by line (audit-chain.ts), so every field has its type.
    ...(read.fields as unknown as AuditLine),
  }));
  return { stamps, subscriptions: subs, overrides, cards, adjustments: parseAdjustments(entries, fileName), statements,
    audit };
}

/** adjustments.json, checked as an adjustments file is (its shape, then what the rating engine requires). */
function parseAdjustments(entries: BundleEntry[], fileName: string): Adjustment[] {
  const bytes = entryOf(entries, ADJUSTMENTS_NAME);
  if (bytes === null) return [];
  try {
    return parseAdjustmentsJson(bytes.toString('utf8'), ADJUSTMENTS_NAME);
  } catch (err) {
    if (!(err instanceof StackmeterError)) throw err;
    throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} is refused: ${err.message} `
      + 'Nothing of it was imported.');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing, inside the import's transaction.

const count = (what: string, otherLabel = ''): BundleImportCount =>
  ({ what, added: 0, present: 0, other: 0, otherLabel });

/** Every stamp of the bundle as a local connection id: an existing connection of that name, or a new imported one. */
function importStamps(db: Database.Database, content: Content, { fileName, actor }: BundleImportOptions):
{ ids: Map<string, number>; count: BundleImportCount } {
  const result = count('stamps');
  const ids = new Map<string, number>();
  const endpoint = (url: string): string => url.toLowerCase().replace(/\/+$/, '');
  for (const stamp of content.stamps) {
    const local = connections.findByName(db, stamp.name);
    // Two installations may give different stamps the same name: their usage must not be merged under one.
    if (local !== undefined && endpoint(local.armEndpoint) !== endpoint(stamp.armEndpoint)) {
      throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its stamp "${stamp.name}" `
        + `(${stamp.armEndpoint}) is not the stamp of that name here (${local.armEndpoint}), and one cache cannot `
        + 'keep two stamps\' usage under one name: import this bundle into another cache.');
    }
    if (local !== undefined) {
      result.present++;
      ids.set(stamp.name.toLowerCase(), local.id);
      continue;
    }
    const created = connections.insert(db, {
      ...stamp, credentialType: 'secret', secretSource: IMPORTED_SOURCE, secretBlob: null, caPem: null, proxy: null,
      createdAt: actor.at.toISOString(),
    });
    result.added++;
    ids.set(stamp.name.toLowerCase(), created.id);
  }
  return { ids, count: result };
}

function stampId(ids: Map<string, number>, stamp: string, fileName: string, where: string): number {
  const id = ids.get(stamp.toLowerCase());
  if (id === undefined) {
    throw new EntryError(fileName, where, `the stamp "${stamp}" is not described in ${STAMPS_NAME}.`);
  }
  return id;
}

function importSubscriptions(db: Database.Database, content: Content, ids: Map<string, number>,
  { fileName, actor }: BundleImportOptions): BundleImportCount {
  const result = count('subscriptions', 'details changed');
  const exists = db.prepare('SELECT 1 FROM subscriptions WHERE connection_id = ? AND subscription_id = ?').pluck();
  const byStamp = new Map<number, SubscriptionLine[]>();
  for (const [i, s] of content.subscriptions.entries()) {
    const id = stampId(ids, s.stamp, fileName, `subscriptions.ndjson line ${i + 1}`);
    byStamp.set(id, [...(byStamp.get(id) ?? []), s]);
  }
  for (const [id, list] of byStamp) {
    const added = list.filter((s) => exists.get(id, s.subscriptionId.toLowerCase()) === undefined).length;
    const changed = subscriptions.upsert(db, id, list, actor.at);
    result.added += added;
    result.other += changed - added;
    result.present += list.length - changed;
  }
  return result;
}

function importMeterOverrides(db: Database.Database, content: Content, actor: Actor): BundleImportCount {
  const result = count('meter overrides', 'kept as set here');
  const local = db.prepare('SELECT name, unit, service, description FROM meter_overrides WHERE match_key = ?');
  const missing: MeterOverrideInput[] = [];
  for (const o of content.overrides) {
    const row = local.get(meterMatchKey(o.meterId)) as Omit<OverrideLine, 'meterId'> | undefined;
    if (row === undefined) {
      missing.push({
        meterId: o.meterId, name: o.name, ...(o.unit === null ? {} : { unit: o.unit }),
        ...(o.service === null ? {} : { service: o.service }),
        ...(o.description === null ? {} : { description: o.description }),
      });
    } else if (row.name === o.name && row.unit === o.unit && row.service === o.service
      && row.description === o.description) {
      result.present++;
    } else {
      result.other++;
    }
  }
  if (missing.length > 0) importOverrides(db, missing, actor.at.toISOString());
  result.added = missing.length;
  return result;
}

function importRateCards(db: Database.Database, content: Content, { fileName, actor }: BundleImportOptions):
BundleImportCount {
  const result = count('rate card versions');
  const cardRow = db.prepare(`SELECT currency, rounding_mode AS mode, rounding_point AS point FROM rate_cards
                              WHERE id = ?`);
  const versionRow = db.prepare(`SELECT effective_from AS effectiveFrom, status, published_at AS publishedAt, note,
                                        meters
                                 FROM rate_card_versions WHERE card_id = ? AND version = ?`);
  const insertVersion = db.prepare(`INSERT INTO rate_card_versions (card_id, version, effective_from, status,
                                    published_at, note, meters) VALUES (?, ?, ?, 'published', ?, ?, ?)`);
  for (const card of content.cards) {
    const local = cardRow.get(card.id) as { currency: string; mode: string; point: string } | undefined;
    if (local === undefined) {
      try {
        db.prepare(`INSERT INTO rate_cards (id, name, currency, rounding_mode, rounding_point, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)`)
          .run(card.id, card.name, card.currency, card.rounding.mode, card.rounding.point,
            card.versions[0]?.publishedAt ?? actor.at.toISOString());
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its rate card "${card.name}" `
            + `(ID ${card.id}) has the name of another rate card here. Rename the local card, then import again.`);
        }
        throw err;
      }
    } else if (local.currency !== card.currency || local.mode !== card.rounding.mode
      || local.point !== card.rounding.point) {
      throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its rate card ${card.id} has another `
        + 'currency or rounding than the card of that ID here.');
    }
    for (const v of card.versions) {
      const meters = canonicalJson(v.meters);
      const stored = versionRow.get(card.id, v.version) as
        { effectiveFrom: string; status: string; publishedAt: string | null; note: string | null; meters: string }
        | undefined;
      if (stored === undefined) {
        insertVersion.run(card.id, v.version, v.effectiveFrom, v.publishedAt, v.note, meters);
        result.added++;
      } else if (stored.status === 'published' && stored.effectiveFrom === v.effectiveFrom
        && stored.publishedAt === v.publishedAt && stored.note === v.note && stored.meters === meters) {
        result.present++;
      } else {
        throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: version ${v.version} of rate card `
          + `${card.id} differs from the ${stored.status} version ${v.version} here. A published version never `
          + 'changes, so one of the two installations priced with another card under the same ID.');
      }
    }
  }
  return result;
}

/**
 * The bundle's adjustments this cache lacks, added as they are (audited in the import's own entry, which lists them).
 * One with an ID known here must be identical: a replay prices with the cache's adjustments, so a different one would
 * make the bundle's statements, or this cache's, replay otherwise.
 */
function importAdjustments(db: Database.Database, adjustments: Adjustment[], { fileName, actor }: BundleImportOptions):
{ count: BundleImportCount; added: Adjustment[] } {
  const result = count('adjustments');
  const local = listAdjustments(db);
  const stored = new Map(local.map((a) => [a.id, canonicalJson(a)]));
  const added: Adjustment[] = [];
  for (const adjustment of adjustments) {
    const before = stored.get(adjustment.id);
    if (before === undefined) {
      added.push(adjustment);
    } else if (before === canonicalJson(adjustment)) {
      result.present++;
    } else {
      throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its adjustment "${adjustment.id}" `
        + `differs from the adjustment "${adjustment.id}" here. Statements replay with the cache's adjustments, so `
        + 'make them the same on both installations (or rename one), then import again.');
    }
  }
  // Together they must still be a valid list: e.g. no two price overrides of one meter for the same scope.
  const problems = validateAdjustments([...local, ...added], 'adjustments');
  if (problems.length > 0) {
    const at = /^adjustments\[(\d+)\]/.exec(problems[0]!.path);
    const which = at === null ? null : [...local, ...added][Number(at[1])];
    throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its adjustments cannot join this `
      + `cache's${which === undefined || which === null ? '' : ` (adjustment "${which.id}")`}: `
      + `${problems[0]!.message}`);
  }
  const insert = db.prepare(`INSERT INTO adjustments (id, type, scope, adjustment, updated_at)
                             VALUES (?, ?, ?, ?, ?)`);
  for (const a of added) {
    insert.run(a.id, a.type, canonicalJson(a.scope), canonicalJson(a), actor.at.toISOString());
  }
  result.added = added.length;
  return { count: result, added };
}

function importStatements(db: Database.Database, content: Content, fileName: string): BundleImportCount {
  const result = count('statements');
  const storedHash = db.prepare('SELECT hash FROM statements WHERE id = ?').pluck();
  const insert = db.prepare(`INSERT INTO statements (id, kind, corrects_id, status, period_from, period_to, stamps,
                             rate_card_id, rate_card, currency, total, document, input_hash, hash, created_at,
                             created_by, finalized_at, finalized_by)
                             VALUES (?, ?, ?, 'finalized', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const { id, document: doc } of content.statements) {
    const existing = storedHash.get(id) as string | null | undefined;
    if (existing === doc.hash) {
      result.present++;
      continue;
    }
    if (existing !== undefined) {
      throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its statement ${id} is not the `
        + `statement ${id} of this cache (the hashes differ). Statement IDs are numbered per installation; import `
        + 'bundles of one period into a cache that did not make statements of its own for it.');
    }
    try {
      insert.run(doc.id, doc.kind, doc.correctsId, doc.period.from, doc.period.to, canonicalJson(doc.stamps),
        doc.rateCard.id, canonicalJson(doc.rateCard), doc.result.currency, doc.result.totals.total, canonicalJson(doc),
        doc.inputHash, doc.hash, doc.createdAt, doc.createdBy, doc.finalizedAt, doc.finalizedBy);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new EntryError(fileName, 'statements.ndjson', `statement ${id} refers to a rate card or statement that `
          + 'neither the bundle nor this cache holds.');
      }
      throw err;
    }
    result.added++;
  }
  return result;
}

const QUANTITY = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function seconds(iso: string, fail: (problem: string) => never, field: string): number {
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(iso) || Number.isNaN(ms) || ms % 1000 !== 0) {
    return fail(`${field} is not a UTC time in whole seconds.`);
  }
  return ms / 1000;
}

/**
 * The usage entries (chunks in name order, or the single usage.ndjson of an older bundle), each read from the file,
 * inflated and checked against the manifest again only when its turn comes, and let go before the next.
 */
function* usageEntries(source: BundleSource, manifest: Manifest, records: Map<string, IndexedRecord>,
  fileName: string, onChunk?: (done: number, total: number) => void): Generator<BundleEntry> {
  const total = manifest.entries.filter((e) => isUsageEntry(e.name)).length;
  let done = 0;
  onChunk?.(done, total);
  for (const entry of manifest.entries) {
    if (!isUsageEntry(entry.name)) continue;
    const record = records.get(entry.name)!;
    const inflated = inflateEntry(entry, record, source.read(record.dataOffset, record.length));
    if (!('bytes' in inflated)) {
      throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} is refused: it changed while it was imported. `
        + `${inflated.detail} Nothing of it was imported.`);
    }
    yield { name: entry.name, bytes: inflated.bytes };
    // Resumed once every record of the chunk is parsed and handed to the writer.
    onChunk?.(++done, total);
  }
}

function importUsage(writer: ReturnType<typeof createUsageWriter>, entries: Iterable<BundleEntry>, fileName: string,
  ids: Map<string, number>): BundleImportCount {
  const result = count('usage records', 'quantity updated');
  const batches = new Map<string, { connectionId: number | null; granularity: Granularity; records: UsageRecord[] }>();
  const add = (counts: WriteCounts): void => {
    result.added += counts.inserted;
    result.present += counts.unchanged;
    result.other += counts.updated;
  };
  const flush = (batch: { connectionId: number | null; granularity: Granularity; records: UsageRecord[] }): void => {
    add(writer.writeWithin(batch.records, { granularity: batch.granularity, connectionId: batch.connectionId }));
    batch.records = [];
  };
  for (const { name, bytes } of entries) {
    for (const [line, text] of lines(bytes)) {
      const where = `${name} line ${line}`;
      const fail = (problem: string): never => {
        throw new EntryError(fileName, where, problem);
      };
      const read = new FieldReader(parseJson(text, fail), fail);
      const stamp = read.textOrNull('stamp');
      const connectionId = stamp === null ? null : stampId(ids, stamp, fileName, where);
      const granularity = read.oneOf('granularity', ['Hourly', 'Daily']);
      const quantityText = read.text('quantity');
      if (!QUANTITY.test(quantityText)) fail('quantity is not a decimal number.');
      const subscriptionId = read.text('subscriptionId');
      if (!/^[0-9a-fA-F-]{36}$/.test(subscriptionId)) fail('subscriptionId is not a GUID.');
      const record: UsageRecord = {
        subscriptionId: subscriptionId.toLowerCase(), meterId: read.text('meterId'),
        usageStart: seconds(read.text('usageStart'), fail, 'usageStart'),
        usageEnd: seconds(read.text('usageEnd'), fail, 'usageEnd'),
        quantityText, resourceUri: read.text('resourceUri'), location: read.textOrNull('location'),
        tags: read.objectOrNull('tags') as Record<string, string> | null,
        additionalInfo: read.objectOrNull('additionalInfo'),
      };
      if (record.usageEnd <= record.usageStart) fail('usageEnd is not after usageStart.');
      const key = `${connectionId ?? ''}|${granularity}`;
      let batch = batches.get(key);
      if (batch === undefined) batches.set(key, (batch = { connectionId, granularity, records: [] }));
      batch.records.push(record);
      if (batch.records.length >= BATCH) flush(batch);
    }
  }
  for (const batch of batches.values()) if (batch.records.length > 0) flush(batch);
  return result;
}

/**
 * The signer's audit log beside the local one. A bundle this installation signed carries entries of its own chain,
 * which are already here: they count as present.
 */
function importAudit(db: Database.Database, audit: AuditLine[], signer: string, fileName: string, own: boolean):
BundleImportCount {
  const result = count('audit entries');
  if (own) return { ...result, present: audit.length };
  const stored = db.prepare('SELECT hash FROM imported_audit_log WHERE signer_fingerprint = ? AND seq = ?').pluck();
  const insert = db.prepare(`INSERT INTO imported_audit_log (signer_fingerprint, seq, at, user, action, subject, reason,
                             details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const e of audit) {
    const hash = stored.get(signer, e.seq) as string | undefined;
    if (hash === e.hash) {
      result.present++;
    } else if (hash !== undefined) {
      throw new StackmeterError('CONFLICT', `The bundle ${fileName} is refused: its audit entry ${e.seq} differs `
        + 'from the entry of the same signer and number imported before. The signer\'s audit log was rewritten.');
    } else {
      insert.run(signer, e.seq, e.at, e.user, e.action, e.subject, e.reason,
        e.details === null ? null : canonicalJson(e.details), e.prevHash, e.hash);
      result.added++;
    }
  }
  return result;
}

