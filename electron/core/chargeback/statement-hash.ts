import { createHash } from 'node:crypto';
import type { RatingResult } from '../../shared/rating.ts';
import { canonicalJson } from './canonical-json.ts';
import type { Run } from './rating-run.ts';

/**
 * What a statement's two SHA-256 hashes cover, precisely. Both are lower-case hex of SHA-256 over UTF-8 text, and every
 * JSON in them is canonical JSON (canonical-json.ts: sorted keys, no whitespace), so the same usage, card and
 * adjustments give the same bytes, and the same hashes, on every run and every machine.
 *
 * inputHash = SHA-256(canonicalJson(statementInputs(run))), where the inputs are:
 *   format         'stackmeter-statement-inputs/1'
 *   period         {from, to}: YYYY-MM-DD, `to` excluded; months {from, to}: the YYYY-MM months rated
 *   stamps         the stamp names whose usage counts, sorted ([] = every stamp and imports)
 *   granularity    'Hourly' or 'Daily': the synced usage rated (a stamp synced both ways holds each hour twice)
 *   rateCard       id, currency, rounding {mode, point}, and each version used (the published versions whose time in
 *                  effect overlaps the period) in full: version, effectiveFrom, status, publishedAt, note, meters
 *   adjustments    every adjustment as rated (scope IDs in lower case), sorted by ID
 *   subscriptions  who the statement covers: {subscriptionId, tenantId, offerId}, sorted by subscription
 *   usage          the usage rows, as the exact sums the engine rates: one item per subscription, meter, month and
 *                  rate card version segment, with its quantity (exact decimal text), record count, usageStart and
 *                  usageEnd, tenantId and offerId, sorted by month, subscription, meter and start
 * A correction's inputHash is SHA-256(canonicalJson({format: 'stackmeter-correction-inputs/1', recomputed: the
 * inputHash of the recomputation, baseline: [{id, hash}] of the statement corrected and its earlier corrections})).
 *
 * hash = SHA-256(inputHash + canonicalJson(hashedResult(result))): the 64 hex characters of the inputs hash directly
 * followed by the canonical JSON of the rating result (every line, adjustment line, total, unrated sum, credit,
 * unmatched adjustment, the currency, minor units, rounding, months, rate card ID and the adjustment order), without
 * the rate card's name.
 *
 * Not covered, on purpose: the statement's ID, kind, status and reason, who created or finalized it and when, and the
 * names printed on it (rate card name, tenant and subscription labels). None of them changes an amount, and leaving
 * them out lets two statements of the same inputs be compared by hash.
 */

export const INPUTS_FORMAT = 'stackmeter-statement-inputs/1';
export const CORRECTION_INPUTS_FORMAT = 'stackmeter-correction-inputs/1';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function statementInputs(run: Run): unknown {
  const { card } = run;
  return {
    format: INPUTS_FORMAT,
    period: run.period,
    months: run.months,
    stamps: run.stamps,
    granularity: run.granularity,
    rateCard: {
      id: card.id,
      currency: card.currency,
      rounding: card.rounding,
      versions: card.versions.map((v) => ({
        version: v.version, effectiveFrom: v.effectiveFrom, status: v.status, publishedAt: v.publishedAt,
        note: v.note ?? null, meters: v.meters,
      })),
    },
    adjustments: run.adjustments,
    subscriptions: run.usage.subscriptions,
    usage: run.usage.items.map((item) => ({
      tenantId: item.tenantId, subscriptionId: item.subscriptionId, offerId: item.offerId ?? null,
      meterId: item.meterId, usageStart: item.usageStart, usageEnd: item.usageEnd, quantity: item.quantity,
      records: item.records,
    })),
  };
}

export function inputHashOf(run: Run): string {
  return sha256(canonicalJson(statementInputs(run)));
}

export function correctionInputHash(recomputedInputHash: string, baseline: { id: string; hash: string | null }[]):
string {
  return sha256(canonicalJson({
    format: CORRECTION_INPUTS_FORMAT, recomputed: recomputedInputHash,
    baseline: baseline.map((b) => ({ id: b.id, hash: b.hash })),
  }));
}

/** The part of a rating result that is hashed and replayed: all of it but the card's name. */
export function hashedResult(result: RatingResult): Omit<RatingResult, 'rateCardName'> {
  const { rateCardName: _name, ...rest } = result;
  return rest;
}

export function statementHash(inputHash: string, result: RatingResult): string {
  return sha256(inputHash + canonicalJson(hashedResult(result)));
}
