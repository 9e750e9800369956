import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  MeterRate, RateCard, RateCardDraft, RateCardInput, RateCardSummary, RateCardVersion, RoundingPolicy, SavedDraft,
  ValidationProblem, VersionStatus,
} from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import {
  addDraftVersion, currencyMinorUnits, publishedVersions, publishVersion as publishInCard, updateDraftVersion,
  validateRateCardVersion,
} from '../rating/index.ts';
import { appendAudit, type Actor } from './audit-log.ts';
import { canonicalJson } from './canonical-json.ts';
import { STARTER_NOTE, starterMeters } from './starter-rate-card.ts';

/**
 * Rate cards in the cache (tables of migration 006). The lifecycle rules are the engine's (rating/versions.ts):
 * versions are drafts until published, a published version never changes and a new one must take effect after the
 * last published one. This module stores the result, with an audit entry for every change in the same transaction,
 * and the database's own triggers refuse any change to a published version, whatever code attempts it.
 */

interface CardRow {
  id: string;
  name: string;
  currency: string;
  rounding_mode: RoundingPolicy['mode'];
  rounding_point: RoundingPolicy['point'];
}

interface VersionRow {
  version: number;
  effective_from: string;
  status: VersionStatus;
  published_at: string | null;
  note: string | null;
  meters: string;
}

const subject = (id: string): string => `rate-card:${id}`;

function toVersion(row: VersionRow): RateCardVersion {
  return {
    version: row.version,
    effectiveFrom: row.effective_from,
    status: row.status,
    publishedAt: row.published_at,
    ...(row.note === null ? {} : { note: row.note }),
    meters: JSON.parse(row.meters) as MeterRate[],
  };
}

function toCard(db: Database.Database, row: CardRow): RateCard {
  const versions = db.prepare(`SELECT version, effective_from, status, published_at, note, meters
                               FROM rate_card_versions WHERE card_id = ? ORDER BY version`).all(row.id) as VersionRow[];
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    rounding: { mode: row.rounding_mode, point: row.rounding_point },
    versions: versions.map(toVersion),
  };
}

/** A stored card with all its versions; NOT_FOUND naming the ID. */
export function getRateCard(db: Database.Database, id: string): RateCard {
  const row = db.prepare('SELECT * FROM rate_cards WHERE id = ?').get(id) as CardRow | undefined;
  if (!row) throw new StackmeterError('NOT_FOUND', `There is no rate card with the ID "${id}".`);
  return toCard(db, row);
}

/** The card of that name, whatever its case; NOT_FOUND naming it. */
export function findRateCardByName(db: Database.Database, name: string): RateCard {
  const row = lookUpByName(db, name);
  if (!row) throw new StackmeterError('NOT_FOUND', `There is no rate card named "${name}".`);
  return toCard(db, row);
}

function lookUpByName(db: Database.Database, name: string): CardRow | undefined {
  return db.prepare('SELECT * FROM rate_cards WHERE name = ?').get(name.trim()) as CardRow | undefined;
}

/** Every card by name, with a summary of each version. */
export function listRateCards(db: Database.Database): RateCardSummary[] {
  const rows = db.prepare(`
    SELECT c.id, c.name, c.currency, c.rounding_mode, c.rounding_point,
           v.version, v.effective_from, v.status, v.published_at, json_array_length(v.meters) AS meter_count
    FROM rate_cards c LEFT JOIN rate_card_versions v ON v.card_id = c.id
    ORDER BY c.name COLLATE NOCASE, c.id, v.version`).all() as Array<CardRow & Partial<VersionRow> & {
    meter_count: number | null;
  }>;
  const cards = new Map<string, RateCardSummary>();
  for (const row of rows) {
    let card = cards.get(row.id);
    if (!card) {
      card = {
        id: row.id, name: row.name, currency: row.currency,
        rounding: { mode: row.rounding_mode, point: row.rounding_point }, versions: [],
      };
      cards.set(row.id, card);
    }
    if (row.version === undefined || row.version === null) continue;
    card.versions.push({
      version: row.version, effectiveFrom: row.effective_from!, status: row.status!,
      publishedAt: row.published_at ?? null, meters: row.meter_count ?? 0,
    });
  }
  return [...cards.values()];
}

/** A readable, URL-safe ID from the name ('Standard 2026' → 'standard-2026'), made unique with -2, -3... */
function newCardId(db: Database.Database, name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'rate-card';
  const taken = db.prepare('SELECT 1 FROM rate_cards WHERE id = ?').pluck();
  for (let n = 1; ; n++) {
    const id = n === 1 ? slug : `${slug}-${n}`;
    if (taken.get(id) === undefined) return id;
  }
}

/** Checks a new card's name, currency and rounding; INVALID_ARGUMENT or CONFLICT naming what is wrong. */
function checkCardSettings(db: Database.Database, input: Pick<RateCardInput, 'name' | 'currency' | 'rounding'>):
string {
  const name = input.name.trim();
  if (name === '' || name.length > 100) {
    throw new StackmeterError('INVALID_ARGUMENT', 'Give the rate card a name of 1 to 100 characters.');
  }
  currencyMinorUnits(input.currency);
  if (input.rounding.mode !== 'half-up' && input.rounding.mode !== 'half-even') {
    throw new StackmeterError('INVALID_ARGUMENT', 'The rounding mode must be half-up or half-even.');
  }
  if (input.rounding.point !== 'line' && input.rounding.point !== 'statement') {
    throw new StackmeterError('INVALID_ARGUMENT', 'The rounding point must be line or statement.');
  }
  const existing = lookUpByName(db, name);
  if (existing) {
    throw new StackmeterError('CONFLICT', `A rate card named "${existing.name}" already exists; choose another name.`);
  }
  return name;
}

/**
 * Writes a new card and its versions as they are (published ones stay published: an imported card keeps the
 * versions its statements were priced with). Its ID is `preferredId` when that is free (an imported card keeps the
 * ID it has elsewhere), else one made from the name. For this module and rate-card-files.ts; the caller validates
 * the versions and audits, in its transaction.
 */
export function insertRateCard(db: Database.Database,
  card: Pick<RateCard, 'name' | 'currency' | 'rounding' | 'versions'>, createdAt: Date, preferredId?: string): string {
  const name = checkCardSettings(db, card);
  const free = preferredId !== undefined
    && db.prepare('SELECT 1 FROM rate_cards WHERE id = ?').pluck().get(preferredId) === undefined;
  const id = free ? preferredId : newCardId(db, name);
  db.prepare(`INSERT INTO rate_cards (id, name, currency, rounding_mode, rounding_point, created_at)
              VALUES (?, ?, ?, ?, ?, ?)`)
    .run(id, name, card.currency, card.rounding.mode, card.rounding.point, createdAt.toISOString());
  for (const version of card.versions) insertVersion(db, id, version);
  return id;
}

/** Writes one version of a stored card. */
export function insertVersion(db: Database.Database, cardId: string, version: RateCardVersion): void {
  db.prepare(`INSERT INTO rate_card_versions (card_id, version, effective_from, status, published_at, note, meters)
              VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(cardId, version.version, version.effectiveFrom, version.status, version.publishedAt, version.note ?? null,
      canonicalJson(version.meters));
}

/** The first day of the month of `at` (UTC): where a new card's first draft takes effect unless changed. */
function firstOfMonth(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

/** The version a copy starts from: the latest published one, else the newest draft; null when it has none. */
function latestVersion(card: RateCard): RateCardVersion | null {
  return publishedVersions(card).at(-1) ?? card.versions.at(-1) ?? null;
}

/**
 * Creates a card with one draft version taking effect on the first day of the current month: without meters
 * ('empty'), with the starter card's example prices ('starter'), or with the meters of another card's latest version
 * ({copyOf: id}). The draft must be published before it prices anything.
 */
export function createRateCard(db: Database.Database, input: RateCardInput, actor: Actor): RateCard {
  return db.transaction(() => {
    const source = input.from ?? 'empty';
    let meters: MeterRate[] = [];
    let note: string | undefined;
    if (source === 'starter') {
      meters = starterMeters();
      note = STARTER_NOTE;
    } else if (source !== 'empty') {
      const original = getRateCard(db, source.copyOf);
      const from = latestVersion(original);
      meters = structuredClone(from?.meters ?? []);
      note = `Copied from "${original.name}"${from ? ` version ${from.version}` : ''}.`;
    }
    const version: RateCardVersion = {
      version: 1, effectiveFrom: firstOfMonth(actor.at), status: 'draft', publishedAt: null,
      ...(note === undefined ? {} : { note }), meters,
    };
    const id = insertRateCard(db, { ...input, versions: [version] }, actor.at);
    appendAudit(db, {
      action: 'rate-card.create', subject: subject(id), reason: null,
      details: {
        name: input.name.trim(), currency: input.currency, rounding: input.rounding,
        from: typeof source === 'string' ? source : { copyOf: source.copyOf }, meters: meters.length,
      },
    }, actor.user, actor.at);
    return getRateCard(db, id);
  }).immediate();
}

/**
 * What still stops a draft from being published: its own problems, and an effective date that is not after the
 * last published version's.
 */
export function draftProblems(card: RateCard, draft: RateCardVersion): ValidationProblem[] {
  const problems = validateRateCardVersion(draft);
  const latest = publishedVersions(card).at(-1);
  if (latest && draft.effectiveFrom <= latest.effectiveFrom) {
    problems.push({
      path: 'effectiveFrom',
      message: `Version ${latest.version} already takes effect on ${latest.effectiveFrom}; a new version must take `
        + 'effect after the last published one.',
    });
  }
  return problems;
}

/**
 * Saves a draft: a new version (version null) or changes to an existing draft. A draft may be unfinished, so its
 * problems are returned, not thrown; a published version is refused (CONFLICT).
 */
export function saveDraft(db: Database.Database, id: string, version: number | null, draft: RateCardDraft,
  actor: Actor): SavedDraft {
  return db.transaction(() => {
    const card = getRateCard(db, id);
    const changed = version === null
      ? addDraftVersion(card, draft)
      : updateDraftVersion(card, version,
        { effectiveFrom: draft.effectiveFrom, note: draft.note, meters: draft.meters });
    const saved = version === null ? changed.versions.at(-1)! : changed.versions.find((v) => v.version === version)!;
    if (version === null) {
      insertVersion(db, id, saved);
    } else {
      db.prepare(`UPDATE rate_card_versions SET effective_from = ?, note = ?, meters = ?
                  WHERE card_id = ? AND version = ? AND status = 'draft'`)
        .run(saved.effectiveFrom, saved.note ?? null, canonicalJson(saved.meters), id, saved.version);
    }
    const problems = draftProblems(changed, saved);
    appendAudit(db, {
      action: 'rate-card.draft', subject: subject(id), reason: null,
      details: {
        version: saved.version, created: version === null, effectiveFrom: saved.effectiveFrom,
        meters: saved.meters.length, problems: problems.length,
      },
    }, actor.user, actor.at);
    return { card: getRateCard(db, id), version: saved.version, problems };
  }).immediate();
}

/** SHA-256 (hex) of a version's canonical JSON: recorded in the audit log when it is published. */
export function versionHash(version: RateCardVersion): string {
  return createHash('sha256').update(canonicalJson(version)).digest('hex');
}

/**
 * Publishes a draft at `actor.at`: it must be valid and take effect after the last published version (the engine's
 * publishVersion refuses otherwise, listing the problems). From then on the version is frozen, in the engine and in
 * the database. The audit entry records the reason and the SHA-256 of the published version.
 */
export function publishVersion(db: Database.Database, id: string, version: number, reason: string,
  actor: Actor): RateCard {
  if (reason.trim() === '') {
    throw new StackmeterError('INVALID_ARGUMENT', 'Give a reason for publishing: it is recorded in the audit log.');
  }
  return db.transaction(() => {
    const card = getRateCard(db, id);
    const published = publishInCard(card, version, actor.at.toISOString()).versions.find((v) => v.version === version)!;
    db.prepare(`UPDATE rate_card_versions SET status = 'published', published_at = ?
                WHERE card_id = ? AND version = ? AND status = 'draft'`).run(published.publishedAt, id, version);
    appendAudit(db, {
      action: 'rate-card.publish', subject: subject(id), reason: reason.trim(),
      details: {
        version, effectiveFrom: published.effectiveFrom, meters: published.meters.length,
        sha256: versionHash(published),
      },
    }, actor.user, actor.at);
    return getRateCard(db, id);
  }).immediate();
}

/** Deletes a draft version (a published one is refused: CONFLICT). */
export function deleteDraft(db: Database.Database, id: string, version: number, actor: Actor): RateCard {
  return db.transaction(() => {
    const card = getRateCard(db, id);
    const found = card.versions.find((v) => v.version === version);
    if (!found) throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no version ${version}.`);
    if (found.status !== 'draft') {
      throw new StackmeterError('CONFLICT', `Version ${version} of rate card "${card.name}" is published and cannot `
        + 'be deleted.');
    }
    db.prepare("DELETE FROM rate_card_versions WHERE card_id = ? AND version = ? AND status = 'draft'")
      .run(id, version);
    appendAudit(db, {
      action: 'rate-card.draft', subject: subject(id), reason: null,
      details: { version, deleted: true, effectiveFrom: found.effectiveFrom },
    }, actor.user, actor.at);
    return getRateCard(db, id);
  }).immediate();
}
