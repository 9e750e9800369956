import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  listAdjustments, removeAdjustment, saveAdjustment,
} from '../../electron/core/chargeback/adjustments-store.ts';
import { listAudit, verifyAuditChain, type Actor } from '../../electron/core/chargeback/audit-log.ts';
import { exportRateCard, importRateCard, rateCardCsv } from '../../electron/core/chargeback/rate-card-files.ts';
import {
  createRateCard, deleteDraft, findRateCardByName, getRateCard, listRateCards, publishVersion, saveDraft, versionHash,
} from '../../electron/core/chargeback/rate-cards.ts';
import { STARTER_NOTE } from '../../electron/core/chargeback/starter-rate-card.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import type { Adjustment, MeterRate, RateCardDraft } from '../../electron/shared/rating.ts';
import { errorOf } from '../support/errors.ts';

const actor = (at = '2026-11-20T10:00:00.000Z', user = 'alice'): Actor => ({ user, at: new Date(at) });
const USD = { mode: 'half-even', point: 'line' } as const;

const flat = (meterId: string, unitPrice: string): MeterRate => ({
  meterId, consumedUnit: 'Hours', pricingUnit: 'Hours', conversion: { kind: 'none' },
  pricing: { kind: 'flat', unitPrice }, aggregation: 'subscription',
});

let dir: string;
let path: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-rates-'));
  path = join(dir, 'cache.sqlite');
  db = openCache(path);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const actions = (): string[] => listAudit(db, 0, 1000).rows.reverse().map((e) => `${e.action} ${e.subject}`);

describe('rate cards in the cache', () => {
  it('creates cards with readable IDs, empty, from the starter card or as a copy, and lists them', () => {
    const empty = createRateCard(db, { name: 'Lab 2026', currency: 'EUR', rounding: USD }, actor());
    expect(empty).toEqual({
      id: 'lab-2026', name: 'Lab 2026', currency: 'EUR', rounding: USD,
      versions: [{ version: 1, effectiveFrom: '2026-11-01', status: 'draft', publishedAt: null, meters: [] }],
    });
    const starter = createRateCard(db, { name: 'Lab-2026!', currency: 'USD', rounding: USD, from: 'starter' }, actor());
    expect(starter.id).toBe('lab-2026-2');
    expect(starter.versions[0]!.meters).toHaveLength(84);
    expect(starter.versions[0]!.note).toBe(STARTER_NOTE);
    const copy = createRateCard(db, {
      name: 'Copy', currency: 'USD', rounding: { mode: 'half-up', point: 'statement' }, from: { copyOf: starter.id },
    }, actor());
    expect(copy.versions[0]!.meters).toEqual(starter.versions[0]!.meters);
    expect(copy.versions[0]!.note).toBe('Copied from "Lab-2026!" version 1.');

    expect(errorOf(() => createRateCard(db, { name: 'LAB 2026', currency: 'USD', rounding: USD }, actor())))
      .toMatchObject({ code: 'CONFLICT', message: 'A rate card named "Lab 2026" already exists; choose another name.' });
    expect(errorOf(() => createRateCard(db, { name: 'X', currency: 'usd', rounding: USD }, actor())))
      .toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"usd" is not an ISO 4217') });
    expect(errorOf(() => createRateCard(db, { name: 'Y', currency: 'USD', rounding: USD, from: { copyOf: 'nope' } },
      actor()))).toMatchObject({ code: 'NOT_FOUND', message: 'There is no rate card with the ID "nope".' });

    expect(listRateCards(db).map((c) => [c.id, c.name, c.versions.map((v) => [v.version, v.status, v.meters])]))
      .toEqual([
        ['copy', 'Copy', [[1, 'draft', 84]]],
        ['lab-2026', 'Lab 2026', [[1, 'draft', 0]]],
        ['lab-2026-2', 'Lab-2026!', [[1, 'draft', 84]]],
      ]);
    expect(findRateCardByName(db, '  lab 2026 ').id).toBe('lab-2026');
    expect(errorOf(() => findRateCardByName(db, 'Other'))).toMatchObject({
      code: 'NOT_FOUND', message: 'There is no rate card named "Other".',
    });
    expect(getRateCard(db, 'copy')).toEqual(copy);
    expect(actions()).toEqual([
      'rate-card.create rate-card:lab-2026', 'rate-card.create rate-card:lab-2026-2', 'rate-card.create rate-card:copy',
    ]);
  });

  it('saves unfinished drafts with their problems, publishes only valid ones, then freezes them', () => {
    const card = createRateCard(db, { name: 'Standard', currency: 'EUR', rounding: USD }, actor());
    const broken: RateCardDraft = { effectiveFrom: '2026-11-01', meters: [flat('aa-01', '-1'), flat('AA01', '2')] };
    const saved = saveDraft(db, card.id, 1, broken, actor());
    expect(saved.version).toBe(1);
    expect(saved.problems).toEqual([
      { path: 'meters[0].pricing.unitPrice', message: 'Must not be negative (got -1).' },
      { path: 'meters[1].meterId', message: 'Meter AA01 is already on this version (meters[0]); a meter has one price.' },
    ]);
    expect(getRateCard(db, card.id).versions[0]!.meters).toEqual(broken.meters);

    const refused = errorOf(() => publishVersion(db, card.id, 1, 'go live', actor()));
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.message).toContain('meters[0].pricing.unitPrice: Must not be negative (got -1).');
    expect(getRateCard(db, card.id).versions[0]!.status).toBe('draft');

    const fixed = saveDraft(db, card.id, 1, { effectiveFrom: '2026-11-01', note: 'November prices',
      meters: [flat('aa-01', '0.5')] }, actor());
    expect(fixed.problems).toEqual([]);
    expect(errorOf(() => publishVersion(db, card.id, 1, '  ', actor())).code).toBe('INVALID_ARGUMENT');
    const published = publishVersion(db, card.id, 1, 'go live', actor('2026-11-20T11:30:00.123Z', 'bob'));
    expect(published.versions[0]).toMatchObject({ status: 'published', publishedAt: '2026-11-20T11:30:00Z' });

    // The engine refuses to change it, and so does the database whatever code tries.
    expect(errorOf(() => saveDraft(db, card.id, 1, { effectiveFrom: '2026-11-01', meters: [] }, actor())).code)
      .toBe('CONFLICT');
    expect(errorOf(() => deleteDraft(db, card.id, 1, actor())).code).toBe('CONFLICT');
    expect(() => db.prepare("UPDATE rate_card_versions SET meters = '[]' WHERE card_id = ?").run(card.id))
      .toThrow(/published rate card version cannot change/);
    expect(() => db.prepare('DELETE FROM rate_card_versions WHERE card_id = ?').run(card.id))
      .toThrow(/published rate card version cannot be deleted/);
    expect(() => db.prepare("UPDATE rate_cards SET currency = 'USD' WHERE id = ?").run(card.id))
      .toThrow(/currency and rounding of a rate card with a published version cannot change/);
    expect(() => db.prepare("UPDATE rate_cards SET rounding_point = 'statement' WHERE id = ?").run(card.id))
      .toThrow(/cannot change/);

    // A new version is a new draft; it must take effect after the published one to be published.
    const next = saveDraft(db, card.id, null, { effectiveFrom: '2026-10-15', meters: [flat('aa-01', '0.6')] }, actor());
    expect(next.version).toBe(2);
    expect(next.problems).toEqual([{
      path: 'effectiveFrom',
      message: 'Version 1 already takes effect on 2026-11-01; a new version must take effect after the last '
        + 'published one.',
    }]);
    expect(errorOf(() => publishVersion(db, card.id, 2, 'cheaper', actor())).code).toBe('CONFLICT');
    saveDraft(db, card.id, 2, { effectiveFrom: '2026-12-01', meters: [flat('aa-01', '0.6')] }, actor());
    const third = saveDraft(db, card.id, null, { effectiveFrom: '2027-01-01', meters: [] }, actor());
    expect(deleteDraft(db, card.id, third.version, actor()).versions.map((v) => v.version)).toEqual([1, 2]);
    publishVersion(db, card.id, 2, 'December prices', actor());

    const log = listAudit(db, 0, 100).rows.reverse();
    expect(log.map((e) => [e.action, e.user, e.reason])).toEqual([
      ['rate-card.create', 'alice', null],
      ['rate-card.draft', 'alice', null],
      ['rate-card.draft', 'alice', null],
      ['rate-card.publish', 'bob', 'go live'],
      ['rate-card.draft', 'alice', null],
      ['rate-card.draft', 'alice', null],
      ['rate-card.draft', 'alice', null],
      ['rate-card.draft', 'alice', null],
      ['rate-card.publish', 'alice', 'December prices'],
    ]);
    // The publication records what was published: its hash can be checked against the stored version later.
    expect(log[3]!.details).toEqual({ version: 1, effectiveFrom: '2026-11-01', meters: 1,
      sha256: versionHash(getRateCard(db, card.id).versions[0]!) });
    expect(log[7]!.details).toMatchObject({ version: 3, deleted: true });
    expect(verifyAuditChain(db).intact).toBe(true);
  });

  it('lets the currency and rounding change while a card has only drafts', () => {
    const card = createRateCard(db, { name: 'Draft only', currency: 'EUR', rounding: USD }, actor());
    db.prepare("UPDATE rate_cards SET currency = 'CHF' WHERE id = ?").run(card.id);
    expect(getRateCard(db, card.id).currency).toBe('CHF');
  });
});

describe('adjustments in the cache', () => {
  const markup: Adjustment = { id: 'markup-t1', label: 'Support', scope: { kind: 'tenant', tenantId: 't1' },
    type: 'markup', percent: '12.5' };
  const override: Adjustment = { id: 'cheap-vm', label: 'Lab VMs', scope: { kind: 'subscription', subscriptionId: 's1' },
    type: 'price-override', meterId: 'FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5', unitPrice: '0.004' };

  it('saves, replaces and removes adjustments, each audited with its reason and before/after', () => {
    expect(saveAdjustment(db, markup, 'agreed with tenant', actor())).toEqual(markup);
    saveAdjustment(db, override, 'lab discount', actor());
    const raised = { ...markup, percent: '15' };
    saveAdjustment(db, raised, 'new contract', actor());
    expect(listAdjustments(db)).toEqual([override, raised]);
    removeAdjustment(db, override.id, 'lab closed', actor());
    expect(listAdjustments(db)).toEqual([raised]);

    const log = listAudit(db, 0, 10).rows.reverse();
    expect(log.map((e) => [e.action, e.subject, e.reason])).toEqual([
      ['adjustment.save', 'adjustment:markup-t1', 'agreed with tenant'],
      ['adjustment.save', 'adjustment:cheap-vm', 'lab discount'],
      ['adjustment.save', 'adjustment:markup-t1', 'new contract'],
      ['adjustment.remove', 'adjustment:cheap-vm', 'lab closed'],
    ]);
    expect(log[2]!.details).toEqual({ before: markup, after: raised });
    expect(log[3]!.details).toEqual({ before: override });
  });

  it('refuses invalid adjustments, a second override of the same meter and scope, and changes without a reason', () => {
    expect(errorOf(() => saveAdjustment(db, { ...markup, percent: '-3' }, 'x', actor()))).toMatchObject({
      code: 'INVALID_ARGUMENT', message: 'Adjustment "markup-t1" is not valid: percent: Must not be negative (got -3).',
    });
    expect(errorOf(() => saveAdjustment(db, { ...markup, type: 'tax', percent: '120' } as Adjustment, 'x', actor())))
      .toMatchObject({ message: expect.stringContaining('percent: Must be at most 100 (got 120).') });
    saveAdjustment(db, override, 'lab discount', actor());
    expect(errorOf(() => saveAdjustment(db, { ...override, id: 'again', meterId: 'fab6eb84500b4a09a8ca7358f8bbaea5' },
      'x', actor()))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"cheap-vm" already overrides') });
    expect(errorOf(() => saveAdjustment(db, markup, ' ', actor())).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => removeAdjustment(db, 'nope', 'x', actor()))).toMatchObject({ code: 'NOT_FOUND' });
    expect(listAdjustments(db)).toEqual([override]);
    expect(listAudit(db, 0, 10).total).toBe(1);
  });
});

describe('rate card files against the cache', () => {
  function published(): string {
    const card = createRateCard(db, { name: 'Standard', currency: 'USD', rounding: USD, from: 'starter' }, actor());
    publishVersion(db, card.id, 1, 'launch', actor());
    saveDraft(db, card.id, null, { effectiveFrom: '2027-01-01', meters: [flat('aa-01', '1')] }, actor());
    return card.id;
  }

  it('moves a card to another site as JSON with its published versions, ID and dates intact', async () => {
    const id = published();
    const written = await exportRateCard(db, id, 'json', undefined, join(dir, 'exports'), actor('2026-11-21T08:09:10Z'));
    expect(written.fileName).toBe('stackmeter-rate-card-standard-20261121-080910.json');
    expect(written.rows).toBe(85);
    expect(readdirSync(join(dir, 'exports'))).toEqual([written.fileName]);
    const text = readFileSync(written.path, 'utf8');

    const other = openCache(join(dir, 'other.sqlite'));
    try {
      const imported = importRateCard(other, text, 'json', written.fileName, actor());
      expect(imported).toEqual(getRateCard(db, id));
      // Importing the same file again adds nothing; a changed draft comes in as a new draft.
      expect(importRateCard(other, text, 'json', 'again.json', actor()).versions).toHaveLength(2);
      const changed = JSON.parse(text) as { card: { versions: Array<{ meters: MeterRate[] }> } };
      changed.card.versions[1]!.meters[0]!.pricing = { kind: 'flat', unitPrice: '2' };
      const merged = importRateCard(other, JSON.stringify(changed), 'json', 'changed.json', actor());
      expect(merged.versions.map((v) => [v.version, v.status])).toEqual([[1, 'published'], [2, 'draft'], [3, 'draft']]);
      expect(listAudit(other, 0, 10).rows.reverse().map((e) => e.details)).toEqual([
        expect.objectContaining({ fileName: written.fileName, created: true }),
        expect.objectContaining({ fileName: 'again.json', created: false, added: [] }),
        expect.objectContaining({ fileName: 'changed.json', added: [{ version: 3, fromVersion: 2 }] }),
      ]);
    } finally {
      other.close();
    }
    // The entry names the file with its SHA-256, which identifies it wherever it is moved.
    expect(listAudit(db, 0, 1).rows[0]).toMatchObject({
      action: 'export', subject: 'rate-card:standard',
      details: { format: 'json', version: null, files: [{ fileName: written.fileName, rows: 85, bytes: written.bytes,
        sha256: createHash('sha256').update(readFileSync(written.path)).digest('hex') }] },
    });
  });

  it('round-trips a version through CSV as a new draft of the same card', async () => {
    const id = published();
    const written = await exportRateCard(db, id, 'csv', 1, dir, actor('2026-11-21T08:09:10Z'));
    expect(written.fileName).toBe('stackmeter-rate-card-standard-v1-20261121-080910.csv');
    const text = readFileSync(written.path, 'utf8');
    const card = importRateCard(db, text, 'csv', written.fileName, actor());
    expect(card.versions.map((v) => [v.version, v.status])).toEqual([[1, 'published'], [2, 'draft'], [3, 'draft']]);
    expect(card.versions[2]!.meters).toEqual(card.versions[0]!.meters);
    // The newest version is the default for CSV.
    expect((await exportRateCard(db, id, 'csv', undefined, dir, actor())).fileName).toMatch(/-v3-/);
    // A CSV naming a card that does not exist creates it.
    const renamed = text.replaceAll('Standard,USD', 'Branch office,USD');
    expect(importRateCard(db, renamed, 'csv', 'branch.csv', actor())).toMatchObject({
      id: 'branch-office', name: 'Branch office', versions: [{ version: 1, status: 'draft' }],
    });
  });

  it('writes nothing when a file is refused, and names where it is wrong', () => {
    const id = published();
    const before = { cards: listRateCards(db), audit: listAudit(db, 0, 100).total };
    const csv = rateCardCsv(getRateCard(db, id), 1).text;
    const wrongCurrency = csv.replaceAll('Standard,USD', 'Standard,EUR');
    expect(errorOf(() => importRateCard(db, wrongCurrency, 'csv', 'eur.csv', actor()))).toMatchObject({
      code: 'BAD_INPUT',
      message: 'eur.csv cannot be imported, nothing was written: rate card "Standard" bills in USD, the file in EUR',
    });
    const negative = csv.replace(/,flat,,,0\.005\r\n/, ',flat,,,-0.005\r\n');
    expect(errorOf(() => importRateCard(db, negative, 'csv', 'neg.csv', actor())).message)
      .toContain('line 2, column unit_price: Must not be negative (got -0.005).');
    expect(errorOf(() => importRateCard(db, '{"format":"other"}', 'json', 'x.json', actor())).message)
      .toMatch(/^x\.json cannot be imported, nothing was written: format /);
    expect({ cards: listRateCards(db), audit: listAudit(db, 0, 100).total }).toEqual(before);
  });
});
