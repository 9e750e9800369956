// The chargeback invariants over random usage written through the real usage writer into a real cache, random rate
// cards (flat, graduated and volume tiers, per subscription or per tenant, blocks and minimums, both rounding modes and
// points, currencies with 0, 2 and 3 decimals, sometimes a version taking effect mid-month) and random adjustments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../electron/core/azure/usage-record.ts';
import * as connections from '../../electron/core/cache/connections.ts';
import { openCache } from '../../electron/core/cache/open.ts';
import * as subscriptions from '../../electron/core/cache/subscriptions.ts';
import { createUsageWriter } from '../../electron/core/cache/usage-writer.ts';
import { listAdjustments, saveAdjustment } from '../../electron/core/chargeback/adjustments-store.ts';
import { canonicalJson } from '../../electron/core/chargeback/canonical-json.ts';
import { chargebackWithCard, runChargeback } from '../../electron/core/chargeback/chargeback.ts';
import { insertRateCard, publishVersion, saveDraft } from '../../electron/core/chargeback/rate-cards.ts';
import { cardWithVersions } from '../../electron/core/chargeback/rating-run.ts';
import { hashedResult } from '../../electron/core/chargeback/statement-hash.ts';
import {
  correctStatement, createStatement, finalizeStatement, replayStatement,
} from '../../electron/core/chargeback/statements.ts';
import { RatingDecimal } from '../../electron/core/rating/index.ts';
import { CHARGEBACK_GROUPINGS, type ChargebackQuery } from '../../electron/shared/chargeback.ts';
import type { Adjustment, RateCard } from '../../electron/shared/rating.ts';
import {
  adjustmentsArb, cardArb, decimalText, METERS, metersArb, SUBSCRIPTIONS,
} from '../unit/rating/arbitraries.ts';
import { actorAt } from './chargeback-helpers.ts';

const HOUR = 3600;
const JANUARY = Date.UTC(2025, 0, 1) / 1000;
/** Hours of January to April 2025. */
const HOURS = (Date.UTC(2025, 4, 1) / 1000 - JANUARY) / HOUR;

const RESOURCE_GROUPS = ['rg-a', 'RG-A', 'rg-b', null] as const;
const TAGS = [{ env: 'prod' }, { Env: 'Dev' }, null, {}] as const;

interface Usage {
  subscription: number;
  meter: string;
  resource: number;
  hour: number;
  quantity: string;
  stamp: 'east' | 'west' | null;
}

const usageArb: fc.Arbitrary<Usage> = fc.record({
  subscription: fc.integer({ min: 0, max: SUBSCRIPTIONS.length - 1 }),
  meter: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...METERS) }, fc.constant('m-unknown')),
  resource: fc.integer({ min: 0, max: 7 }),
  // Mostly in the first two months, so that lines gather many records and tiers are reached.
  hour: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 59 * 24 - 1 }) },
    fc.integer({ min: 0, max: HOURS - 1 })),
  quantity: decimalText(500, 6),
  stamp: fc.constantFrom('east' as const, 'west' as const, null),
});

/** Periods of whole days: the four months, two whole months, and a custom range across month ends. */
const PERIODS = [
  { from: '2025-01-01', to: '2025-05-01' }, { from: '2025-01-01', to: '2025-03-01' },
  { from: '2025-01-10', to: '2025-03-05' },
] as const;

const caseArb = fc.record({
  card: cardArb,
  /** A second version taking effect on 10 February, inside the period. */
  second: fc.option(metersArb, { nil: null }),
  adjustments: adjustmentsArb,
  usage: fc.array(usageArb, { minLength: 1, maxLength: 120 }),
  period: fc.constantFrom(...PERIODS),
});

function resourceUri(subscriptionId: string, resource: number): string {
  const group = RESOURCE_GROUPS[resource % RESOURCE_GROUPS.length];
  return group === null ? '' : `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/`
    + `Microsoft.Compute/virtualMachines/vm${resource}`;
}

/** A fresh cache with two stamps listing the subscriptions (s4 by none: its tenant is unknown) and the usage. */
function cacheWith(path: string, usage: Usage[]): Database.Database {
  const db = openCache(path);
  const stamp = (name: string): number => connections.insert(db, {
    name, armEndpoint: `https://adminmanagement.${name}.example`, kind: 'operator', authType: 'adfs',
    loginEndpoint: `https://adfs.${name}.example/adfs`, audience: `https://adminmanagement.adfs.${name}.example/x`,
    tenantId: null, clientId: 'client', credentialType: 'secret', secretSource: 'env:STACK_SECRET', secretBlob: null,
    caPem: null, proxy: null, providerSubscriptionId: '39c82aed-b2b7-4a66-abdb-611de00bf11e',
    createdAt: '2025-01-01T00:00:00Z',
  }).id;
  const ids = { east: stamp('east'), west: stamp('west') };
  const listed = SUBSCRIPTIONS.filter((s) => s.tenantId !== null).map((s) => ({
    subscriptionId: s.subscriptionId, displayName: `Subscription ${s.subscriptionId}`, owner: `ops@${s.tenantId}.example`,
    tenantId: s.tenantId, offerId: s.offerId, state: 'Enabled',
  }));
  subscriptions.upsert(db, ids.east, listed.slice(0, 3), new Date('2025-01-01T00:00:00Z'));
  subscriptions.upsert(db, ids.west, listed.slice(3), new Date('2025-01-01T00:00:00Z'));
  const writer = createUsageWriter(db);
  for (const stamp of ['east', 'west', null] as const) {
    const page: UsageRecord[] = usage.filter((u) => u.stamp === stamp).map((u) => {
      const subscriptionId = SUBSCRIPTIONS[u.subscription]!.subscriptionId;
      const start = JANUARY + u.hour * HOUR;
      return {
        subscriptionId, meterId: u.meter, usageStart: start, usageEnd: start + HOUR, quantityText: u.quantity,
        resourceUri: resourceUri(subscriptionId, u.resource), location: 'local',
        tags: TAGS[u.resource % TAGS.length] === null ? null : { ...TAGS[u.resource % TAGS.length] },
        additionalInfo: null,
      };
    });
    if (page.length > 0) writer.writePage(page, { granularity: 'Hourly', connectionId: stamp && ids[stamp] });
  }
  return db;
}

const dec = (text: string): Decimal => new RatingDecimal(text);
const add = (values: (string | null)[]): Decimal =>
  values.reduce<Decimal>((a, v) => (v === null ? a : a.plus(v)), dec('0'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-chargeback-properties-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chargeback invariants over random usage, cards and adjustments', () => {
  let run = 0;

  it('rows, rated lines and statements add up alike for every grouping; statements are byte-identical, immune to '
    + 'later versions, and corrected exactly for late usage', () => {
    fc.assert(fc.property(caseArb, ({ card: generated, second, adjustments, usage, period }) => {
      const db = cacheWith(join(dir, `cache-${++run}.sqlite`), usage);
      try {
        const versions = second === null ? generated.versions : [...generated.versions, {
          version: 2, effectiveFrom: '2025-02-10', status: 'published' as const,
          publishedAt: '2025-02-01T00:00:00Z', meters: second,
        }];
        const id = insertRateCard(db, { ...generated, versions }, new Date('2025-01-01T00:00:00Z'));
        const admin = actorAt('2025-01-01T00:00:00Z');
        for (const adjustment of adjustments) saveAdjustment(db, adjustment, 'generated', admin);
        const stored: Adjustment[] = listAdjustments(db);
        const query = (by: ChargebackQuery['by']): ChargebackQuery =>
          ({ period, rateCardId: id, by, ...(by === 'tag' ? { tagKey: 'ENV' } : {}) });

        // Every grouping: rows add up to the totals, and every grouping has the same totals.
        const results = CHARGEBACK_GROUPINGS.map((by) => runChargeback(db, query(by), stored));
        const { totals } = results[0]!;
        for (const result of results) {
          expect(result.totals).toEqual(totals);
          const m = result.minorUnits;
          expect(add(result.rows.map((r) => r.usage)).toFixed(m)).toBe(totals.usage);
          expect(add(result.rows.map((r) => r.adjustments)).toFixed(m)).toBe(totals.adjustments);
          expect(add(result.rows.map((r) => r.total)).toFixed(m)).toBe(totals.total);
          expect(result.rows.reduce((n, r) => n + r.unratedRecords, 0)).toBe(totals.unratedRecords);
        }

        // The statement: its rated lines add up to its totals, which are the chargeback's.
        const doc = createStatement(db, { period, rateCardId: id },
          { user: 'alice', at: new Date('2025-06-01T00:00:00Z') });
        const m = doc.result.minorUnits;
        expect(add(doc.result.lines.map((l) => l.amount)).toFixed(m)).toBe(totals.usage);
        expect(add(doc.result.adjustmentLines.map((l) => l.amount)).toFixed(m)).toBe(totals.adjustments);
        expect(doc.result.totals.total).toBe(totals.total);
        expect(doc.result.lines.filter((l) => l.status === 'unrated').every((l) => l.amount === null)).toBe(true);

        // Byte-identical on every run.
        const again = createStatement(db, { period, rateCardId: id },
          { user: 'bob', at: new Date('2025-06-02T00:00:00Z') });
        expect(again.inputHash).toBe(doc.inputHash);
        expect(canonicalJson(hashedResult(again.result))).toBe(canonicalJson(hashedResult(doc.result)));

        // A version published after finalization, taking effect inside the period, changes nothing.
        const final = finalizeStatement(db, doc.id, 'closed', { user: 'alice', at: new Date('2025-06-03T00:00:00Z') });
        const actor = actorAt('2025-06-04T00:00:00Z');
        const draft = saveDraft(db, id, null, { effectiveFrom: '2025-03-15', meters: versions[0]!.meters }, actor);
        publishVersion(db, id, draft.version, 'later prices', actor);
        expect(replayStatement(db, final.id).identical).toBe(true);

        // Late usage: replay shows it, and the correction is exactly the recomputation minus the statement.
        const [first] = SUBSCRIPTIONS;
        const late: UsageRecord = {
          subscriptionId: first.subscriptionId, meterId: METERS[0]!, usageStart: JANUARY + 20 * 24 * HOUR,
          usageEnd: JANUARY + 20 * 24 * HOUR + HOUR, quantityText: '1.5',
          resourceUri: `/subscriptions/${first.subscriptionId}/resourceGroups/late/providers/x/y/late`,
          location: 'local', tags: null, additionalInfo: null,
        };
        createUsageWriter(db).writePage([late], { granularity: 'Hourly', connectionId: null });
        const replay = replayStatement(db, final.id);
        expect(replay.identical).toBe(false);
        expect(replay.differences.some((d) => d.path.startsWith('result.lines['))).toBe(true);
        const correction = correctStatement(db, final.id, 'late usage',
          { user: 'alice', at: new Date('2025-06-05T00:00:00Z') });
        const card: RateCard = cardWithVersions({ ...generated, id, versions }, final.rateCard.versions);
        const recomputed = chargebackWithCard(db, card, query('tenant'), stored).totals;
        expect(correction.result.totals.total).toBe(dec(recomputed.total).minus(final.result.totals.total).toFixed(m));
        expect(add(correction.result.lines.map((l) => l.amount)).toFixed(m)).toBe(correction.result.totals.usage);
        expect(add(correction.result.adjustmentLines.map((l) => l.amount)).toFixed(m))
          .toBe(correction.result.totals.adjustments);
      } finally {
        db.close();
      }
    }), { numRuns: 15 });
  });
});
