import type Database from 'better-sqlite3';
import type {
  ReplayResult, StatementDocument, StatementInput, StatementKind, StatementStatus, StatementSummary,
} from '../../shared/chargeback.ts';
import type { RatingResult } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { listAdjustments } from './adjustments-store.ts';
import { appendAudit, type Actor } from './audit-log.ts';
import { cacheAuditSink, type AuditSink } from './audit-sink.ts';
import { canonicalJson } from './canonical-json.ts';
import { subscriptionLabels, tenantLabels } from './names.ts';
import { getRateCard } from './rate-cards.ts';
import { cardWithVersions, periodOf, ratePeriod, type Run } from './rating-run.ts';
import { resultDifference, resultDifferences } from './statement-diff.ts';
import { correctionInputHash, inputHashOf, statementHash } from './statement-hash.ts';

/**
 * Statements: a period's usage rated with a rate card, kept as a document. A draft is recomputed whenever it is
 * finalized; a finalized statement is immutable (the database refuses to change it) and carries the SHA-256 of its
 * inputs and lines (statement-hash.ts says exactly what is hashed). Replay recomputes a statement from the cache with
 * the same rate card versions, whatever has been published since, and lists every difference. Late usage or a changed
 * adjustment after finalization becomes a correction statement holding only the differences, never an edit.
 */

interface StatementRow {
  id: string;
  kind: StatementKind;
  corrects_id: string | null;
  status: StatementStatus;
  document: string;
}

const subject = (id: string): string => `statement:${id}`;

function readRow(db: Database.Database, id: string): StatementRow {
  const row = db.prepare('SELECT id, kind, corrects_id, status, document FROM statements WHERE id = ?')
    .get(id.trim()) as StatementRow | undefined;
  if (!row) throw new StackmeterError('NOT_FOUND', `There is no statement "${id}".`);
  return row;
}

export function getStatement(db: Database.Database, id: string): StatementDocument {
  return JSON.parse(readRow(db, id).document) as StatementDocument;
}

export function listStatements(db: Database.Database): StatementSummary[] {
  const rows = db.prepare(`
    SELECT id, kind, corrects_id, status, period_from, period_to, stamps, rate_card, currency, total, created_at,
           created_by, finalized_at, hash
    FROM statements ORDER BY created_at DESC, id DESC`).all() as Array<{
    id: string; kind: StatementKind; corrects_id: string | null; status: StatementStatus; period_from: string;
    period_to: string; stamps: string; rate_card: string; currency: string; total: string; created_at: string;
    created_by: string; finalized_at: string | null; hash: string | null;
  }>;
  return rows.map((r) => ({
    id: r.id, kind: r.kind, correctsId: r.corrects_id, status: r.status,
    period: { from: r.period_from, to: r.period_to }, stamps: JSON.parse(r.stamps) as string[],
    rateCard: JSON.parse(r.rate_card) as StatementSummary['rateCard'], total: r.total, currency: r.currency,
    createdAt: r.created_at, createdBy: r.created_by, finalizedAt: r.finalized_at, hash: r.hash,
  }));
}

/** Tenant labels and subscription names for the subscriptions and tenants a result mentions. */
function namesOf(db: Database.Database, result: RatingResult): StatementDocument['tenants'] {
  const subscriptions = new Map<string, string | null>();
  for (const s of result.totals.bySubscription) subscriptions.set(s.subscriptionId, s.tenantId);
  for (const l of result.lines) subscriptions.set(l.subscriptionId, l.tenantId);
  const tenants = new Set<string | null>([...result.totals.byTenant.map((t) => t.tenantId),
    ...result.adjustmentLines.map((l) => l.tenantId), ...subscriptions.values()]);
  const tenantNames = tenantLabels(db, tenants);
  const subscriptionNames = subscriptionLabels(db, subscriptions.keys());
  const order = (a: string | null, b: string | null): number =>
    (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  return [...tenants].sort(order).map((tenantId) => ({
    tenantId,
    label: tenantNames.get(tenantId)!,
    subscriptions: [...subscriptions].filter(([, t]) => t === tenantId).map(([id]) => id).sort(order)
      .map((subscriptionId) => ({ subscriptionId, label: subscriptionNames.get(subscriptionId)! })),
  }));
}

/**
 * A statement's period rated now with a stored card and the stored adjustments: with the card's published versions as
 * they are now, or with exactly `versions` (a replay, whatever has been published since).
 */
function statementRun(db: Database.Database, input: StatementInput, versions?: readonly number[]): Run {
  const stored = getRateCard(db, input.rateCardId);
  return ratePeriod(db, {
    card: versions === undefined ? stored : cardWithVersions(stored, versions), period: input.period,
    stamps: input.stamps, granularity: input.granularity, adjustments: listAdjustments(db),
  });
}

/** What a statement document was made from, as the input that makes it again. */
const inputOf = (doc: StatementDocument): StatementInput =>
  ({ period: doc.period, rateCardId: doc.rateCard.id, stamps: doc.stamps, granularity: doc.granularity });

/** A statement's period and stamps rated again with exactly the rate card versions it was priced with. */
const replayRun = (db: Database.Database, doc: StatementDocument): Run =>
  statementRun(db, inputOf(doc), doc.rateCard.versions);

/** The corrections of a statement, oldest first (drafts too when asked). */
function correctionsOf(db: Database.Database, id: string, finalizedOnly: boolean): StatementDocument[] {
  const rows = db.prepare(`SELECT document FROM statements WHERE corrects_id = ?
    ${finalizedOnly ? "AND status = 'finalized'" : ''}`).pluck().all(id) as string[];
  return rows.map((text) => JSON.parse(text) as StatementDocument)
    .sort((a, b) => correctionNumber(a.id) - correctionNumber(b.id));
}

function correctionNumber(id: string): number {
  return Number(/-C(\d+)$/.exec(id)?.[1] ?? 0);
}

interface Computed {
  run: Run;
  result: RatingResult;
  inputHash: string;
}

/**
 * What a statement holds when computed now: for a statement, the rating of its period (with `card` versions); for a
 * correction, that rating minus the statement it corrects and the corrections finalized before it.
 */
function compute(db: Database.Database, doc: StatementDocument, run: Run): Computed {
  if (doc.kind === 'statement') return { run, result: run.result, inputHash: inputHashOf(run) };
  const original = getStatement(db, doc.correctsId!);
  const earlier = correctionsOf(db, original.id, true)
    .filter((c) => correctionNumber(c.id) < correctionNumber(doc.id));
  const baseline = [original, ...earlier];
  return {
    run,
    result: resultDifference(run.result, baseline.map((d) => d.result)),
    inputHash: correctionInputHash(inputHashOf(run), baseline),
  };
}

function store(db: Database.Database, doc: StatementDocument): void {
  db.prepare(`UPDATE statements SET status = ?, stamps = ?, rate_card = ?, currency = ?, total = ?, document = ?,
              input_hash = ?, hash = ?, finalized_at = ?, finalized_by = ? WHERE id = ?`)
    .run(doc.status, canonicalJson(doc.stamps), canonicalJson(doc.rateCard), doc.result.currency,
      doc.result.totals.total, canonicalJson(doc), doc.inputHash, doc.hash, doc.finalizedAt, doc.finalizedBy, doc.id);
}

function insert(db: Database.Database, doc: StatementDocument): void {
  db.prepare(`INSERT INTO statements (id, kind, corrects_id, status, period_from, period_to, stamps, rate_card_id,
              rate_card, currency, total, document, input_hash, hash, created_at, created_by, finalized_at,
              finalized_by)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(doc.id, doc.kind, doc.correctsId, doc.status, doc.period.from, doc.period.to, canonicalJson(doc.stamps),
      doc.rateCard.id, canonicalJson(doc.rateCard), doc.result.currency, doc.result.totals.total, canonicalJson(doc),
      doc.inputHash, doc.hash, doc.createdAt, doc.createdBy, doc.finalizedAt, doc.finalizedBy);
}

/** ST-YYYYMM-NNNN: the month the period starts in and the next free number of that month. */
function nextStatementId(db: Database.Database, periodFrom: string): string {
  const prefix = `ST-${periodFrom.slice(0, 4)}${periodFrom.slice(5, 7)}-`;
  const ids = db.prepare("SELECT id FROM statements WHERE kind = 'statement' AND substr(id, 1, ?) = ?").pluck()
    .all(prefix.length, prefix) as string[];
  const last = ids.reduce((max, id) => Math.max(max, Number(id.slice(prefix.length))), 0);
  return `${prefix}${String(last + 1).padStart(4, '0')}`;
}

function requireReason(reason: string, what: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') {
    throw new StackmeterError('INVALID_ARGUMENT', `Give a reason for ${what}: it is recorded in the audit log.`);
  }
  return trimmed;
}

/** What a computation sets on a statement document. */
type ComputedFields = 'stamps' | 'granularity' | 'rateCard' | 'inputHash' | 'result' | 'tenants';

function withResult(db: Database.Database, doc: Omit<StatementDocument, ComputedFields>, computed: Computed):
StatementDocument {
  const { run, result, inputHash } = computed;
  return {
    ...doc,
    stamps: run.stamps,
    granularity: run.granularity,
    rateCard: { id: run.card.id, name: run.card.name, currency: run.card.currency, versions: run.versions },
    inputHash,
    result,
    tenants: namesOf(db, result),
  };
}

/**
 * A period's usage rated with a stored card and the stored adjustments, as a draft statement named `id`, not saved:
 * createStatement saves it under the next free ID, and a chargeback exported as PDF or FOCUS is one never saved.
 */
export function draftStatement(db: Database.Database, input: StatementInput, id: string, { user, at: now }: Actor):
StatementDocument {
  const run = statementRun(db, input);
  return withResult(db, {
    id, kind: 'statement', correctsId: null, reason: null, status: 'draft', period: run.period,
    createdAt: now.toISOString(), createdBy: user, finalizedAt: null, finalizedBy: null, hash: null,
  }, { run, result: run.result, inputHash: inputHashOf(run) });
}

/** Rates a period with a stored card and the stored adjustments and keeps it as a draft statement. */
export function createStatement(db: Database.Database, input: StatementInput, { user, at: now }: Actor):
StatementDocument {
  return db.transaction(() => {
    const doc = draftStatement(db, input, nextStatementId(db, periodOf(input.period).period.from), { user, at: now });
    insert(db, doc);
    appendAudit(db, {
      action: 'statement.create', subject: subject(doc.id), reason: null,
      details: {
        period: doc.period, stamps: doc.stamps, granularity: doc.granularity, rateCard: doc.rateCard.id,
        versions: doc.rateCard.versions, inputHash: doc.inputHash, total: doc.result.totals.total,
      },
    }, user, now);
    return doc;
  }).immediate();
}

/**
 * Recomputes a draft from the cache (a statement with the card's published versions as they are now; a correction
 * against the statement it corrects), sets its hash and makes it immutable, with an audit entry giving the reason. A
 * statement whose period has not ended yet is refused: usage still arrives for it.
 */
export function finalizeStatement(db: Database.Database, id: string, reason: string, { user, at: now }: Actor):
StatementDocument {
  const why = requireReason(reason, 'finalizing');
  return db.transaction(() => {
    const row = readRow(db, id);
    if (row.status === 'finalized') {
      throw new StackmeterError('CONFLICT', `Statement ${row.id} is already finalized; create a correction instead.`);
    }
    const draft = JSON.parse(row.document) as StatementDocument;
    if (draft.kind === 'statement' && Date.parse(`${draft.period.to}T00:00:00Z`) > now.getTime()) {
      throw new StackmeterError('CONFLICT', `Statement ${row.id} covers usage until ${draft.period.to}, which is not `
        + 'over yet; finalize it once the period has ended and its usage is synced.');
    }
    const run = draft.kind === 'statement' ? statementRun(db, inputOf(draft))
      : replayRun(db, getStatement(db, draft.correctsId!));
    const computed = withResult(db, draft, compute(db, draft, run));
    const doc: StatementDocument = {
      ...computed, status: 'finalized', finalizedAt: now.toISOString(), finalizedBy: user,
      hash: statementHash(computed.inputHash, computed.result),
    };
    store(db, doc);
    appendAudit(db, {
      action: 'statement.finalize', subject: subject(doc.id), reason: why,
      details: {
        hash: doc.hash, inputHash: doc.inputHash, versions: doc.rateCard.versions, total: doc.result.totals.total,
      },
    }, user, now);
    return doc;
  }).immediate();
}

/**
 * Recomputes a statement from the cache with the rate card versions it was priced with and the current adjustments,
 * and compares: identical, or every difference (including an inputs hash that changed, and a stored hash that no
 * longer matches the stored document). A correction is recomputed the way it was made: the statement recomputed now
 * minus the statement and the corrections before it. Either way the answer is whether the document would be the same
 * if it were made now; what changed since is listed, and so are the corrections made after it, which may already
 * hold those changes. With `actor`, the replay is recorded in `audit` (the cache's log unless another sink is given).
 */
export function replayStatement(db: Database.Database, id: string, actor?: Actor,
  audit: AuditSink = cacheAuditSink(db)): ReplayResult {
  // One read transaction: the document, its baseline and the usage as of one moment.
  const { doc, recomputed } = db.transaction(() => {
    const stored = JSON.parse(readRow(db, id).document) as StatementDocument;
    const original = stored.kind === 'statement' ? stored : getStatement(db, stored.correctsId!);
    return { doc: stored, recomputed: compute(db, stored, replayRun(db, original)) };
  })();
  const storedContentHash = statementHash(doc.inputHash, doc.result);
  const hash = doc.hash ?? storedContentHash;
  const recomputedHash = statementHash(recomputed.inputHash, recomputed.result);
  const differences = [];
  if (doc.hash !== null && doc.hash !== storedContentHash) {
    differences.push({ path: 'hash', expected: doc.hash, actual: storedContentHash });
  }
  if (doc.inputHash !== recomputed.inputHash) {
    differences.push({ path: 'inputHash', expected: doc.inputHash, actual: recomputed.inputHash });
  }
  differences.push(...resultDifferences(doc.result, recomputed.result));
  const result: ReplayResult = {
    statementId: doc.id,
    identical: differences.length === 0 && hash === recomputedHash,
    hash,
    recomputedHash,
    differences,
    corrections: correctionsOf(db, doc.correctsId ?? doc.id, true)
      .filter((c) => correctionNumber(c.id) > correctionNumber(doc.id)).map((c) => c.id),
  };
  if (actor) {
    audit.record({
      action: 'statement.replay', subject: subject(doc.id), reason: null,
      details: { identical: result.identical, hash, recomputedHash, differences: differences.length },
    }, actor);
  }
  return result;
}

/**
 * A draft correction of a finalized statement: the statement recomputed now (same rate card versions, current usage
 * and adjustments) minus what it and its finalized corrections already hold, as lines. Refused (CONFLICT) when there
 * is nothing to correct, when a draft correction of it is still open, or for a draft or a correction.
 */
export function correctStatement(db: Database.Database, id: string, reason: string, { user, at: now }: Actor):
StatementDocument {
  const why = requireReason(reason, 'the correction');
  return db.transaction(() => {
    const original = getStatement(db, id);
    if (original.kind !== 'statement') {
      throw new StackmeterError('CONFLICT', `${original.id} is a correction; correct the statement it amends, `
        + `${original.correctsId ?? ''}.`);
    }
    if (original.status !== 'finalized') {
      throw new StackmeterError('CONFLICT', `Statement ${original.id} is a draft: finalizing it recomputes it, so there `
        + 'is nothing to correct yet.');
    }
    const corrections = correctionsOf(db, original.id, false);
    const open = corrections.find((c) => c.status === 'draft');
    if (open) {
      throw new StackmeterError('CONFLICT', `Correction ${open.id} of ${original.id} is still a draft; finalize it `
        + 'before creating another.');
    }
    const draft: StatementDocument = {
      ...original,
      id: `${original.id}-C${corrections.length + 1}`, kind: 'correction', correctsId: original.id, reason: why,
      status: 'draft', createdAt: now.toISOString(), createdBy: user, finalizedAt: null, finalizedBy: null, hash: null,
    };
    const computed = compute(db, draft, replayRun(db, original));
    if (computed.result.lines.length === 0 && computed.result.adjustmentLines.length === 0) {
      throw new StackmeterError('CONFLICT', `Replaying ${original.id} gives what it and its corrections already `
        + 'charge: there is nothing to correct.');
    }
    const doc = withResult(db, draft, computed);
    insert(db, doc);
    appendAudit(db, {
      action: 'statement.correct', subject: subject(doc.id), reason: why,
      details: {
        corrects: original.id, inputHash: doc.inputHash, lines: doc.result.lines.length,
        adjustmentLines: doc.result.adjustmentLines.length, total: doc.result.totals.total,
      },
    }, user, now);
    return doc;
  }).immediate();
}
