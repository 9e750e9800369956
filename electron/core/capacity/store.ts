import type Database from 'better-sqlite3';
import type { CapacityModel, StoredCapacityModel } from '../../shared/capacity.ts';
import { StackmeterError } from '../../shared/result.ts';
import { capacityModelSchema, describeIssues } from '../../shared/schemas.ts';
import { getStored } from '../cache/connections.ts';
import { appendAudit, type Actor } from '../chargeback/audit-log.ts';
import { canonicalJson } from '../chargeback/canonical-json.ts';
import { parseDate } from '../rating/calendar.ts';
import { capacityCost } from './cost.ts';

/**
 * Capacity models in the cache (migration 008): one per stamp, stored as canonical JSON and read back through the same
 * schema that checks what the console and the CLI send, so a model edited in the file by hand is refused by name
 * instead of being priced.
 */

interface ModelRow {
  stamp: string;
  model: string;
  updated_at: string;
  updated_by: string;
}

function fromRow(row: ModelRow): StoredCapacityModel {
  let json: unknown;
  try {
    json = JSON.parse(row.model);
  } catch {
    throw new StackmeterError('BAD_INPUT', `The stored capacity model of "${row.stamp}" is not JSON; save it again.`);
  }
  const parsed = capacityModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new StackmeterError('BAD_INPUT',
      `The stored capacity model of "${row.stamp}" is not valid (${describeIssues(parsed.error)}); save it again.`);
  }
  return { model: parsed.data, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export function listModels(db: Database.Database): StoredCapacityModel[] {
  return db.prepare<[], ModelRow>('SELECT * FROM capacity_models ORDER BY stamp').all().map(fromRow);
}

export function findModel(db: Database.Database, stamp: string): StoredCapacityModel | null {
  const row = db.prepare<[string], ModelRow>('SELECT * FROM capacity_models WHERE stamp = ?').get(stamp.trim());
  return row ? fromRow(row) : null;
}

/** The model of a stamp; NOT_FOUND says how to give it one. */
export function getModel(db: Database.Database, stamp: string): StoredCapacityModel {
  const found = findModel(db, stamp);
  if (!found) {
    throw new StackmeterError('NOT_FOUND', `The stamp "${stamp}" has no capacity model yet: set its cores, prices and `
      + 'licence term first (Capacity view, or "stackmeter capacity set").');
  }
  return found;
}

/**
 * What the schema cannot check: the term's days exist, the currency is an ISO 4217 code, every name is more than
 * spaces. Pricing one day of the term runs exactly the checks a report would, each naming its field.
 */
function checkModel(model: CapacityModel): void {
  const day = parseDate(model.term.from, 'term.from');
  parseDate(model.term.to, 'term.to');
  capacityCost(model, { from: model.term.from, to: new Date(day + 86_400_000).toISOString().slice(0, 10) });
}

/**
 * Adds or replaces a stamp's model, with an audit entry holding the whole model and the reason, in one transaction.
 * The stamp must be a known connection, written with the connection's own spelling of its name.
 */
export function saveModel(db: Database.Database, input: CapacityModel, reason: string,
  actor: Actor): StoredCapacityModel {
  const parsed = capacityModelSchema.safeParse(input);
  if (!parsed.success) throw new StackmeterError('INVALID_ARGUMENT', describeIssues(parsed.error));
  const model: CapacityModel = { ...parsed.data, stamp: getStored(db, parsed.data.stamp.trim()).name };
  checkModel(model);
  return db.transaction(() => {
    const previous = findModel(db, model.stamp);
    const at = actor.at.toISOString();
    db.prepare(`INSERT INTO capacity_models (stamp, model, updated_at, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (stamp) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at,
                                                  updated_by = excluded.updated_by`)
      .run(model.stamp, canonicalJson(model), at, actor.user);
    appendAudit(db, {
      action: 'capacity-model.save', subject: `capacity-model:${model.stamp}`, reason: reason.trim(),
      details: { created: previous === null, model },
    }, actor.user, actor.at);
    return getModel(db, model.stamp);
  }).immediate();
}
