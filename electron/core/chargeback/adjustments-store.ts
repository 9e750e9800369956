import type Database from 'better-sqlite3';
import type { Adjustment } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { meterMatchKey } from '../meters/catalog.ts';
import { validateAdjustments } from '../rating/index.ts';
import { appendAudit, type Actor } from './audit-log.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * The adjustments chargeback applies (markups, discounts, price overrides, fees, minimums, credits, taxes), one row
 * each, stored as canonical JSON. Every save and removal is audited with its reason in the same transaction; the
 * audit entry holds the adjustment before and after, so the log alone tells what a statement was priced with.
 */

/** Every stored adjustment, by ID. */
export function listAdjustments(db: Database.Database): Adjustment[] {
  return (db.prepare('SELECT adjustment FROM adjustments ORDER BY id').pluck().all() as string[])
    .map((text) => JSON.parse(text) as Adjustment);
}

function findAdjustment(db: Database.Database, id: string): Adjustment | null {
  const text = db.prepare('SELECT adjustment FROM adjustments WHERE id = ?').pluck().get(id) as string | undefined;
  return text === undefined ? null : JSON.parse(text) as Adjustment;
}

function requireReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') {
    throw new StackmeterError('INVALID_ARGUMENT', 'Give a reason for the change: it is recorded in the audit log.');
  }
  return trimmed;
}

/**
 * Adds an adjustment or replaces the one with its ID. Refused (INVALID_ARGUMENT) with every problem the engine finds
 * in it, and (CONFLICT) when another adjustment already overrides the same meter's price for the same scope.
 */
export function saveAdjustment(db: Database.Database, adjustment: Adjustment, reason: string, actor: Actor):
Adjustment {
  const why = requireReason(reason);
  const problems = validateAdjustments([adjustment], 'adjustment')
    .map((p) => `${p.path.replace(/^adjustment\[0\]\.?/, '') || 'adjustment'}: ${p.message}`);
  if (problems.length > 0) {
    throw new StackmeterError('INVALID_ARGUMENT', `Adjustment "${String(adjustment.id)}" is not valid: `
      + `${problems.join(' ')}`);
  }
  return db.transaction(() => {
    const previous = findAdjustment(db, adjustment.id);
    const others = listAdjustments(db).filter((a) => a.id !== adjustment.id);
    if (adjustment.type === 'price-override') {
      const scope = canonicalJson(adjustment.scope);
      const clash = others.find((a) => a.type === 'price-override' && canonicalJson(a.scope) === scope
        && meterMatchKey(a.meterId) === meterMatchKey(adjustment.meterId));
      if (clash) {
        throw new StackmeterError('CONFLICT', `Adjustment "${clash.id}" already overrides the price of meter `
          + `${adjustment.meterId} for the same scope; change or remove it instead.`);
      }
    }
    db.prepare(`INSERT INTO adjustments (id, type, scope, adjustment, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET type = excluded.type, scope = excluded.scope,
                  adjustment = excluded.adjustment, updated_at = excluded.updated_at`)
      .run(adjustment.id, adjustment.type, canonicalJson(adjustment.scope), canonicalJson(adjustment),
        actor.at.toISOString());
    appendAudit(db, {
      action: 'adjustment.save', subject: `adjustment:${adjustment.id}`, reason: why,
      details: { before: previous, after: adjustment },
    }, actor.user, actor.at);
    return findAdjustment(db, adjustment.id)!;
  }).immediate();
}

/** Removes an adjustment (NOT_FOUND naming it), audited with its last content. */
export function removeAdjustment(db: Database.Database, id: string, reason: string, actor: Actor): void {
  const why = requireReason(reason);
  db.transaction(() => {
    const previous = findAdjustment(db, id);
    if (!previous) throw new StackmeterError('NOT_FOUND', `There is no adjustment with the ID "${id}".`);
    db.prepare('DELETE FROM adjustments WHERE id = ?').run(id);
    appendAudit(db, {
      action: 'adjustment.remove', subject: `adjustment:${id}`, reason: why, details: { before: previous },
    }, actor.user, actor.at);
  }).immediate();
}
