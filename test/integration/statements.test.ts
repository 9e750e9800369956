import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { saveAdjustment } from '../../electron/core/chargeback/adjustments-store.ts';
import { listAudit, verifyAuditChain } from '../../electron/core/chargeback/audit-log.ts';
import { canonicalJson } from '../../electron/core/chargeback/canonical-json.ts';
import { runChargeback } from '../../electron/core/chargeback/chargeback.ts';
import { publishVersion, saveDraft } from '../../electron/core/chargeback/rate-cards.ts';
import { hashedResult, statementHash } from '../../electron/core/chargeback/statement-hash.ts';
import {
  correctStatement, createStatement, finalizeStatement, getStatement, listStatements, replayStatement,
} from '../../electron/core/chargeback/statements.ts';
import { RatingDecimal } from '../../electron/core/rating/index.ts';
import type { StatementDocument } from '../../electron/shared/chargeback.ts';
import type { RateCard, RatingResult } from '../../electron/shared/rating.ts';
import { actorAt, fixtureMeters, storeCard } from './chargeback-helpers.ts';
import { fillCache, matchKey, RESOURCES, S1, T2, VM_HOURS, type Fixture } from './usage-fixture.ts';

const PERIOD = { from: '2026-10-01', to: '2026-12-01' };
const AFTER = new Date('2026-12-03T09:00:00Z');
const LATER = new Date('2026-12-20T09:00:00Z');

const dec = (text: string): Decimal => new RatingDecimal(text);
const total = (values: string[]): string => values.reduce((a, v) => a.plus(v), dec('0')).toFixed(2);

let dir: string;
let db: Database.Database;
let fixture: Fixture;
let card: RateCard;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-statements-'));
  db = openCache(join(dir, 'statements.sqlite'));
  fixture = fillCache(db);
  card = storeCard(db, { name: 'Standard', rounding: { mode: 'half-up', point: 'statement' }, versions: [
    { effectiveFrom: '2026-01-01', meters: fixtureMeters('0.0475') },
    { effectiveFrom: '2026-10-31', meters: fixtureMeters('0.05') },
  ] });
  saveAdjustment(db, { id: 'markup', label: 'Markup', scope: { kind: 'all' }, type: 'markup', percent: '7.5' },
    'test', actorAt('2026-01-02T00:00:00Z'));
  saveAdjustment(db, { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' }, 'test',
    actorAt('2026-01-02T00:00:00Z'));
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function create(at = '2026-12-02T08:00:00Z'): StatementDocument {
  return createStatement(db, { period: PERIOD, rateCardId: card.id }, { user: 'alice', at: new Date(at) });
}

/** A statement's lines, adjustment lines and totals add up as any statement must. */
function expectAddsUp(result: RatingResult): void {
  expect(total(result.lines.flatMap((l) => (l.amount === null ? [] : [l.amount])))).toBe(result.totals.usage);
  expect(total(result.adjustmentLines.map((l) => l.amount))).toBe(result.totals.adjustments);
  expect(dec(result.totals.usage).plus(result.totals.adjustments).toFixed(2)).toBe(result.totals.total);
  expect(total(result.totals.byTenant.map((t) => t.total))).toBe(result.totals.total);
}

function writeLateUsage(quantityText: string, start: string): void {
  const vm = RESOURCES[0]!;
  const record: UsageRecord = {
    subscriptionId: S1, meterId: VM_HOURS, usageStart: Date.parse(start) / 1000,
    usageEnd: Date.parse(start) / 1000 + 3600,
    quantityText, resourceUri: vm.uri, location: vm.location, tags: vm.tags, additionalInfo: null,
  };
  createUsageWriter(db).writePage([record], { granularity: 'Hourly', connectionId: fixture.east });
}

describe('statements: drafts and finalization', () => {
  let draft: StatementDocument;
  beforeAll(() => {
    draft = create();
  });

  it('creates a numbered draft whose lines add up, naming tenants and subscriptions', () => {
    expect(draft.id).toBe('ST-202610-0001');
    expect(draft).toMatchObject({
      kind: 'statement', status: 'draft', correctsId: null, hash: null, createdBy: 'alice', stamps: [],
      period: PERIOD, rateCard: { id: card.id, name: 'Standard', currency: 'EUR', versions: [1, 2] },
    });
    expect(draft.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expectAddsUp(draft.result);
    expect(draft.tenants.find((t) => t.tenantId === T2)).toMatchObject({ label: 'fabrikam.example' });
    expect(draft.tenants.flatMap((t) => t.subscriptions).find((s) => s.subscriptionId === S1)!.label)
      .toBe('Contoso Prod');
    expect(getStatement(db, draft.id)).toEqual(draft);
    expect(listAudit(db, 0, 1).rows[0]).toMatchObject({ action: 'statement.create', subject: `statement:${draft.id}` });
  });

  it('refuses to finalize before the period is over, or without a reason', () => {
    expect(() => finalizeStatement(db, draft.id, 'month closed', { user: 'bob', at: new Date('2026-11-20T00:00:00Z') }))
      .toThrow(/not over yet/);
    expect(() => finalizeStatement(db, draft.id, '  ', { user: 'bob', at: AFTER })).toThrow(/reason/);
  });

  it('finalizes: hashes inputs and lines, records who and why, and the database refuses any change after', () => {
    const final = finalizeStatement(db, draft.id, 'month closed', { user: 'bob', at: AFTER });
    expect(final).toMatchObject({ status: 'finalized', finalizedBy: 'bob', finalizedAt: AFTER.toISOString() });
    expect(final.hash).toBe(statementHash(final.inputHash, final.result));
    expect(listAudit(db, 0, 1).rows[0]).toMatchObject({ action: 'statement.finalize', reason: 'month closed' });
    expect(verifyAuditChain(db).intact).toBe(true);
    const raw = db.prepare('SELECT document FROM statements WHERE id = ?').pluck().get(draft.id) as string;
    expect(raw).toBe(canonicalJson(final));
    expect(() => db.prepare("UPDATE statements SET document = '{}' WHERE id = ?").run(draft.id))
      .toThrow(/finalized statement cannot change/);
    expect(() => db.prepare('DELETE FROM statements WHERE id = ?').run(draft.id)).toThrow(/cannot be deleted/);
    expect(() => finalizeStatement(db, draft.id, 'again', { user: 'bob', at: AFTER })).toThrow(/already finalized/);
    expect(listStatements(db).find((s) => s.id === draft.id)).toMatchObject({
      status: 'finalized', total: final.result.totals.total, currency: 'EUR', hash: final.hash,
    });
  });

  it('gives the same usage and card the same bytes and hashes on every run', () => {
    const again = create('2026-12-04T10:00:00Z');
    expect(again.id).toBe('ST-202610-0002');
    const first = getStatement(db, 'ST-202610-0001');
    expect(again.inputHash).toBe(first.inputHash);
    expect(canonicalJson(hashedResult(again.result))).toBe(canonicalJson(hashedResult(first.result)));
    const final = finalizeStatement(db, again.id, 'same month', { user: 'carol', at: LATER });
    expect(final.hash).toBe(first.hash);
    const blank = (d: StatementDocument): string => canonicalJson({
      ...d, id: '', createdAt: '', createdBy: '', finalizedAt: '', finalizedBy: '',
    });
    expect(blank(final)).toBe(blank(first));
  });

  it('replays a finalized statement as identical', () => {
    const replay = replayStatement(db, 'ST-202610-0001');
    expect(replay).toEqual({
      statementId: 'ST-202610-0001', identical: true, hash: getStatement(db, 'ST-202610-0001').hash,
      recomputedHash: getStatement(db, 'ST-202610-0001').hash, differences: [], corrections: [],
    });
  });

  it('is not changed by a version published later, even one taking effect inside its period', () => {
    const saved = saveDraft(db, card.id, null, { effectiveFrom: '2026-11-01', meters: fixtureMeters('0.09') },
      actorAt('2026-12-10T00:00:00Z'));
    publishVersion(db, card.id, saved.version, 'new prices', actorAt('2026-12-10T00:00:00Z'));
    const statement = getStatement(db, 'ST-202610-0001');
    // The new version would change the period's charges...
    const now = runChargeback(db, { period: PERIOD, rateCardId: card.id, by: 'tenant' },
      [{ id: 'markup', label: 'Markup', scope: { kind: 'all' }, type: 'markup', percent: '7.5' },
        { id: 'vat', label: 'VAT', scope: { kind: 'all' }, type: 'tax', percent: '21' }]);
    expect(now.rateCard.versions).toEqual([1, 2, 3]);
    expect(now.totals.total).not.toBe(statement.result.totals.total);
    // ...but the statement replays with the versions it was priced with.
    expect(replayStatement(db, statement.id).identical).toBe(true);
  });
});

describe('statements: late usage and corrections', () => {
  let original: StatementDocument;
  let lineBefore: RatingResult['lines'][number];

  beforeAll(() => {
    original = getStatement(db, 'ST-202610-0001');
    lineBefore = original.result.lines.find((l) => l.month === '2026-11' && l.subscriptionId === S1
      && matchKey(l.meterId) === matchKey(VM_HOURS))!;
    writeLateUsage('7.5', '2026-11-20T10:00:00Z');
  });

  it('replay shows the exact differences late usage makes', () => {
    const replay = replayStatement(db, original.id, actorAt('2026-12-21T00:00:00Z'));
    expect(replay.identical).toBe(false);
    expect(replay.hash).toBe(original.hash);
    expect(replay.recomputedHash).not.toBe(original.hash);
    const at = (path: string) => replay.differences.find((d) => d.path === path);
    const line = `result.lines[2026-11|${S1}|${matchKey(VM_HOURS)}|v2|rated]`;
    expect(at(`${line}.quantity`)).toEqual({
      path: `${line}.quantity`, expected: lineBefore.quantity, actual: dec(lineBefore.quantity).plus('7.5').toString(),
    });
    expect(at(`${line}.records`)).toEqual({
      path: `${line}.records`, expected: String(lineBefore.records), actual: String(lineBefore.records + 1),
    });
    expect(at('inputHash')).toMatchObject({ expected: original.inputHash });
    expect(at('result.totals.total')!.expected).toBe(original.result.totals.total);
    expect(listAudit(db, 0, 1).rows[0])
      .toMatchObject({ action: 'statement.replay', subject: `statement:${original.id}` });
  });

  it('correctStatement holds only what changed, as lines that add up', () => {
    const correction = correctStatement(db, original.id, 'late usage from east', { user: 'dave', at: LATER });
    expect(correction).toMatchObject({
      id: `${original.id}-C1`, kind: 'correction', correctsId: original.id, reason: 'late usage from east',
      status: 'draft', period: PERIOD, rateCard: { versions: [1, 2] },
    });
    expectAddsUp(correction.result);
    const recomputed = recomputedTotals(original);
    const vm = correction.result.lines.filter((l) => matchKey(l.meterId) === matchKey(VM_HOURS));
    expect(vm).toHaveLength(1);
    expect(vm[0]).toMatchObject({ month: '2026-11', subscriptionId: S1, quantity: '7.5', records: 1 });
    // With rounding once per tenant and month, the late hour can move other lines of the tenant by a cent: every
    // line that changed is in the correction, and together they are the difference of the totals.
    expect(correction.result.totals.total)
      .toBe(dec(recomputed.total).minus(original.result.totals.total).toFixed(2));
    expect(correction.result.totals.usage)
      .toBe(dec(recomputed.usage).minus(original.result.totals.usage).toFixed(2));
    expect(correction.result.adjustmentLines.map((l) => l.adjustmentId).sort()).toEqual(['markup', 'vat']);
    expect(() => correctStatement(db, original.id, 'again', { user: 'dave', at: LATER })).toThrow(/still a draft/);
  });

  it('a finalized correction replays as identical, and nothing is left to correct', () => {
    const final = finalizeStatement(db, `${original.id}-C1`, 'approved', { user: 'erin', at: LATER });
    expect(final.hash).toBe(statementHash(final.inputHash, final.result));
    expect(replayStatement(db, final.id).identical).toBe(true);
    const replay = replayStatement(db, original.id);
    expect(replay.identical).toBe(false);
    expect(replay.corrections).toEqual([final.id]);
    expect(() => correctStatement(db, original.id, 'nothing',
      { user: 'dave', at: LATER })).toThrow(/nothing to correct/);
    expect(() => correctStatement(db, final.id, 'of a correction',
      { user: 'dave', at: LATER })).toThrow(/is a correction/);
  });

  it('a second correction holds only what changed after the first, adjustments included', () => {
    writeLateUsage('2', '2026-11-21T10:00:00Z');
    saveAdjustment(db, { id: 'setup', label: 'Setup fee', scope: { kind: 'tenant', tenantId: T2 }, type: 'one-time-fee',
      amount: '50', date: '2026-10-15' }, 'forgotten fee', actorAt('2026-12-21T00:00:00Z'));
    const second = correctStatement(db, original.id, 'more late usage and a forgotten fee',
      { user: 'dave', at: LATER });
    expect(second.id).toBe(`${original.id}-C2`);
    expectAddsUp(second.result);
    const vm = second.result.lines.filter((l) => matchKey(l.meterId) === matchKey(VM_HOURS));
    expect(vm.map((l) => [l.quantity, l.records])).toEqual([['2', 1]]);
    const setup = second.result.adjustmentLines.find((l) => l.adjustmentId === 'setup')!;
    expect(setup).toMatchObject({ month: '2026-10', tenantId: T2, amount: '50.00' });
    const recomputed = recomputedTotals(original);
    const first = getStatement(db, `${original.id}-C1`);
    expect(second.result.totals.total).toBe(dec(recomputed.total).minus(original.result.totals.total)
      .minus(first.result.totals.total).toFixed(2));
    finalizeStatement(db, second.id, 'approved', { user: 'erin', at: LATER });
    expect(replayStatement(db, second.id)).toMatchObject({ identical: true, corrections: [] });
    // The first correction, made again now, would hold the second's changes too: replay says so and points to it.
    const replayFirst = replayStatement(db, first.id);
    expect(replayFirst).toMatchObject({ identical: false, corrections: [second.id] });
    expect(replayFirst.differences.find((d) => d.path === 'result.totals.total')).toEqual({
      path: 'result.totals.total', expected: first.result.totals.total,
      actual: dec(first.result.totals.total).plus(second.result.totals.total).toFixed(2),
    });
    expect(replayStatement(db, original.id).corrections).toEqual([first.id, second.id]);
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('replay names a stored document that no longer matches its hash', () => {
    const target = getStatement(db, 'ST-202610-0002');
    db.exec('DROP TRIGGER statements_finalized_no_update');
    try {
      const tampered = { ...target, result: { ...target.result, totals: { ...target.result.totals, total: '0.01' } } };
      db.prepare('UPDATE statements SET document = ? WHERE id = ?').run(canonicalJson(tampered), target.id);
    } finally {
      db.exec(`CREATE TRIGGER statements_finalized_no_update BEFORE UPDATE ON statements WHEN old.status = 'finalized'
        BEGIN SELECT RAISE(ABORT, 'a finalized statement cannot change; create a correction instead'); END`);
    }
    const replay = replayStatement(db, target.id);
    expect(replay.identical).toBe(false);
    expect(replay.differences[0]).toMatchObject({ path: 'hash', expected: target.hash });
    expect(replay.differences.find((d) => d.path === 'result.totals.total')).toMatchObject({ expected: '0.01' });
  });

});

/** The totals replay recomputes for a statement: its own, with the differences replay reports applied. */
function recomputedTotals(statement: StatementDocument): { usage: string; adjustments: string; total: string } {
  const changed = new Map(replayStatement(db, statement.id).differences.map((d) => [d.path, d.actual]));
  const { usage, adjustments, total: sum } = statement.result.totals;
  return {
    usage: changed.get('result.totals.usage') ?? usage,
    adjustments: changed.get('result.totals.adjustments') ?? adjustments,
    total: changed.get('result.totals.total') ?? sum,
  };
}

describe('statements: errors', () => {
  it('names what is missing or wrong', () => {
    expect(() => getStatement(db, 'ST-209901-0001')).toThrow(/no statement "ST-209901-0001"/);
    expect(() => createStatement(db, { period: PERIOD, rateCardId: 'missing' },
      { user: 'alice', at: AFTER })).toThrow(/no rate card/);
    expect(() => createStatement(db, { period: { from: '2026-10-01', to: '2026-10-01' }, rateCardId: card.id },
      { user: 'alice', at: AFTER })).toThrow(/must be after/);
    const draft = create();
    expect(() => correctStatement(db, draft.id, 'why', { user: 'dave', at: LATER })).toThrow(/is a draft/);
  });
});
