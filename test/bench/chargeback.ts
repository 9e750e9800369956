// Chargeback of the big cache's month by tenant, timed through the core's runChargeback as its handler calls it, beside
// DuckDB computing the same totals in plain SQL from the raw rows and a price table loaded from the same rate card. The
// card prices every catalog meter flat, so that the SQL stays honest: per subscription, meter and month, the exact sum
// converted, times one price, rounded once; tiers, blocks and minimums are the engine's own tests' business.

import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { listAdjustments } from '../../electron/core/chargeback/adjustments-store.ts';
import { canonicalJson } from '../../electron/core/chargeback/canonical-json.ts';
import { runChargeback } from '../../electron/core/chargeback/chargeback.ts';
import { tenantKey } from '../../electron/core/chargeback/names.ts';
import {
  createRateCard, getRateCard, publishVersion, saveDraft,
} from '../../electron/core/chargeback/rate-cards.ts';
import { starterMeters } from '../../electron/core/chargeback/starter-rate-card.ts';
import { meterMatchKey } from '../../electron/core/meters/catalog.ts';
import { currencyMinorUnits } from '../../electron/core/rating/index.ts';
import type { ChargebackQuery, ChargebackResult } from '../../electron/shared/chargeback.ts';
import type { Conversion, MeterPricing, MeterRate, RateCard, RoundingPolicy } from '../../electron/shared/rating.ts';
import { MONTH, type BigCache } from './big-cache.ts';
import { queryRows, type DuckBaseline } from './duckdb.ts';
import { FROM, TO, timeAsync, timeOnFreshConnection, type QueryResult } from './queries.ts';

/** Milliseconds the month's chargeback by tenant may take on the big cache (issue 5: under 3 s for 10 M records). */
const CHARGEBACK_TARGET_MS = 3000;

const CURRENCY = 'USD';
// Half-even, as the starter card rounds: DuckDB's round() rounds ties away from zero, so the SQL rounds half-even
// itself, in integers.
const ROUNDING: RoundingPolicy = { mode: 'half-even', point: 'line' };
/** Meters the starter card leaves free (ingress, VM size hours) get this example price, so that every meter costs. */
const PRICE_OF_FREE_METERS = '0.01';
const USER = 'stackmeter-bench';

/** A flat price for a starter meter: its own flat price, its first band's price, or the one given to free meters. */
function flatPrice(meter: MeterRate): string {
  const pricing: MeterPricing | null = meter.pricing;
  if (pricing === null) throw new Error(`bench: the starter card has no price for ${meter.meterId}`);
  switch (pricing.kind) {
    case 'flat': return pricing.unitPrice;
    case 'free': return PRICE_OF_FREE_METERS;
    case 'graduated':
    case 'volume': return (pricing.tiers[0] as { unitPrice: string }).unitPrice;
  }
}

/**
 * Every catalog meter, with the starter card's units and conversions (GB*hours and MB*hours per month over the real
 * hours of the month, Byte*hours and 10 requests by a factor, the rest as they come) and a flat price; aggregated per
 * subscription and month, without blocks or minimums.
 */
function benchMeters(): MeterRate[] {
  return starterMeters().map((m): MeterRate => ({
    meterId: m.meterId, name: m.name ?? m.meterId, consumedUnit: m.consumedUnit, pricingUnit: m.pricingUnit,
    conversion: m.conversion, pricing: { kind: 'flat', unitPrice: flatPrice(m) }, aggregation: 'subscription',
  }));
}

interface BenchCard {
  card: RateCard;
  /** True when an earlier run stored it. */
  reused: boolean;
}

/**
 * The bench's card in the cache, one version published from the bench's month: the one an earlier run stored (its
 * name carries a hash of its settings and prices, and a published version never changes), else created, drafted and
 * published now through the core's rate card store, as the console does. Untimed.
 */
function ensureBenchCard(db: Database.Database): BenchCard {
  const meters = benchMeters();
  const hash = createHash('sha256').update(canonicalJson({ currency: CURRENCY, rounding: ROUNDING, meters }))
    .digest('hex').slice(0, 12);
  const name = `Bench flat prices ${hash}`;
  const id = db.prepare('SELECT id FROM rate_cards WHERE name = ?').pluck().get(name) as string | undefined;
  if (id !== undefined) {
    const card = getRateCard(db, id);
    if (card.versions.length !== 1 || card.versions[0]?.status !== 'published') {
      throw new Error(`bench: rate card "${name}" in ${db.name} is not one published version; delete the cache`);
    }
    return { card, reused: true };
  }
  const actor = { user: USER, at: new Date() };
  const created = createRateCard(db, { name, currency: CURRENCY, rounding: ROUNDING, from: 'empty' }, actor);
  const saved = saveDraft(db, created.id, 1, {
    effectiveFrom: MONTH.from, note: 'Flat example prices for the chargeback bench.', meters,
  }, actor);
  if (saved.problems.length > 0) {
    throw new Error(`bench: the bench card cannot be published: ${JSON.stringify(saved.problems.slice(0, 3))}`);
  }
  return { card: publishVersion(db, created.id, 1, 'Chargeback bench: flat prices on every meter.', actor),
    reused: false };
}

/** A decimal text as an exact fraction of integers: '0.0036' → 36 / 10000. */
function fraction(text: string): [bigint, bigint] {
  const [whole, decimals = ''] = new Decimal(text).toFixed().split('.') as [string, string?];
  return [BigInt(whole + decimals), 10n ** BigInt(decimals.length)];
}

/**
 * The card's prices as a DuckDB table: per meter (the catalog's match key: lower case without hyphens), the unit price
 * and the conversion's divisor as fractions of integers; hours-of-month has no stored divisor, the SQL counts the
 * month's hours.
 */
async function loadPriceTable(duck: DuckBaseline, card: RateCard): Promise<number> {
  await duck.connection.run(`
    CREATE OR REPLACE TEMP TABLE card_prices (meter_key VARCHAR PRIMARY KEY, unit_price VARCHAR, price_num HUGEINT,
      price_den HUGEINT, conversion VARCHAR, divisor_num HUGEINT, divisor_den HUGEINT)`);
  const meters = (card.versions[0] as { meters: MeterRate[] }).meters;
  for (const m of meters) {
    if (m.pricing?.kind !== 'flat') throw new Error(`bench: ${m.meterId} is not priced flat on the bench card`);
    const [priceNum, priceDen] = fraction(m.pricing.unitPrice);
    const c: Conversion = m.conversion;
    const divisor = c.kind === 'factor' ? fraction(c.divisor) : c.kind === 'fixed-hours' ? fraction(c.hoursPerMonth)
      : c.kind === 'none' ? [1n, 1n] : null;
    await duck.connection.run(`INSERT INTO card_prices VALUES ($key, $price, $pn::HUGEINT, $pd::HUGEINT, $conversion,
      $dn::HUGEINT, $dd::HUGEINT)`, {
      key: meterMatchKey(m.meterId), price: m.pricing.unitPrice, pn: String(priceNum), pd: String(priceDen),
      conversion: c.kind, dn: divisor ? String(divisor[0]) : null, dd: divisor ? String(divisor[1]) : null,
    });
  }
  return meters.length;
}

/**
 * The month's charges per tenant from the raw rows: per month, subscription and meter the exact sum (DECIMAL(38,18)),
 * converted and priced, rounded half-even to cents, then summed per tenant. DuckDB divides decimals in floating point,
 * so the amount is kept as an exact fraction n / d of HUGEINTs (quantity × 10^18 × price × 100 over 10^18 × divisor;
 * one too large for HUGEINT is DuckDB's overflow error, never a wrong sum) and rounded in integers: the quotient, plus
 * one when twice the remainder is more than d, or equal and the quotient odd. Meters without a price and negative sums
 * are counted, for the check to refuse.
 */
function chargebackSql(minorUnits: number): string {
  return `
    WITH per_meter AS (
      SELECT date_trunc('month', make_timestamp(usage_start::BIGINT * 1000000)) AS month, tenant_id, subscription_id,
             meter_id, sum(quantity) AS quantity
      FROM usage WHERE usage_start >= ${FROM} AND usage_start < ${TO} AND granularity = 'Hourly'
      GROUP BY ALL),
    lines AS (
      SELECT month, lower(tenant_id) AS tenant, subscription_id, replace(lower(meter_id), '-', '') AS meter_key,
             sum(quantity) AS quantity
      FROM per_meter GROUP BY ALL),
    fractions AS (
      SELECT l.tenant, l.quantity, p.meter_key IS NULL AS unpriced,
             (floor(l.quantity)::HUGEINT * 1000000000000000000
               + ((l.quantity - floor(l.quantity)) * 1000000000000000000)::HUGEINT)
               * p.price_num * coalesce(p.divisor_den, 1) * ${10 ** minorUnits} AS n,
             1000000000000000000::HUGEINT * p.price_den
               * CASE p.conversion WHEN 'hours-of-month' THEN datediff('hour', l.month, l.month + INTERVAL 1 MONTH)
                 ELSE p.divisor_num END AS d
      FROM lines l LEFT JOIN card_prices p USING (meter_key)),
    rounded AS (
      SELECT tenant, unpriced, quantity < 0 AS negative,
             n // d + CASE WHEN 2 * (n % d) > d OR (2 * (n % d) = d AND (n // d) % 2 = 1) THEN 1 ELSE 0 END AS minor
      FROM fractions)
    SELECT tenant, sum(minor) AS minor, count(*) AS lines, count(*) FILTER (WHERE unpriced) AS unpriced,
           count(*) FILTER (WHERE negative) AS negative
    FROM rounded GROUP BY tenant ORDER BY tenant`;
}

/** Compares our rows with DuckDB's totals to the minor unit; a difference fails the run. */
function checkTotals(ours: ChargebackResult, theirs: Record<string, unknown>[], minorUnits: number): string {
  const fail = (message: string): never => {
    throw new Error(`bench: chargeback by tenant: ${message}`);
  };
  const unit = new Decimal(10).pow(minorUnits);
  const expected = new Map<string, Decimal>();
  let lines = 0;
  for (const r of theirs) {
    if (Number(r.unpriced) > 0) fail(`DuckDB found ${String(r.unpriced)} lines of tenant ${String(r.tenant)} unpriced`);
    if (Number(r.negative) > 0) fail(`DuckDB found ${String(r.negative)} negative sums of tenant ${String(r.tenant)}`);
    expected.set(tenantKey(r.tenant === null ? null : String(r.tenant)), new Decimal(String(r.minor)).div(unit));
    lines += Number(r.lines);
  }
  if (ours.totals.unratedRecords !== 0) fail(`${ours.totals.unratedRecords} records were left unrated`);
  if (!new Decimal(ours.totals.adjustments).isZero()) fail(`adjustments of ${ours.totals.adjustments} without any`);
  let equal = 0;
  let total = new Decimal(0);
  for (const row of ours.rows) {
    const theirsTotal = expected.get(row.key);
    if (theirsTotal === undefined) {
      if (!new Decimal(row.total).isZero()) fail(`tenant ${row.key}: ours ${row.total}, none in DuckDB's answer`);
      continue;
    }
    if (!new Decimal(row.total).eq(theirsTotal)) {
      fail(`tenant ${row.key}: ours ${row.total}, DuckDB ${theirsTotal.toFixed(minorUnits)}`);
    }
    expected.delete(row.key);
    total = total.plus(theirsTotal);
    equal++;
  }
  if (expected.size > 0) {
    fail(`${expected.size} tenants of DuckDB's answer are missing from ours, e.g. ${[...expected.keys()][0]}`);
  }
  if (!new Decimal(ours.totals.total).eq(total)) {
    fail(`total: ours ${ours.totals.total}, DuckDB ${total.toFixed(minorUnits)}`);
  }
  return `${equal} tenant totals and the total (${ours.currency} ${ours.totals.total}, ` +
    `${lines.toLocaleString('en-US')} ` +
    'lines per subscription × meter × month) equal to the cent, no unrated usage';
}

export interface ChargebackBench {
  result: QueryResult;
  card: RateCard;
  cardReused: boolean;
  meters: number;
}

/**
 * The month's chargeback by tenant: ours (runChargeback with the stored card and the stored adjustments, none, as the
 * core's handler calls it) on a fresh connection each run, since a connection keeps its last runs; DuckDB's plain SQL
 * over the raw rows on its own connection. One warm-up each, then `runs` timed runs.
 */
export async function chargebackBench(db: Database.Database, cache: BigCache, duck: DuckBaseline, runs: number,
  say: (m: string) => void): Promise<ChargebackBench> {
  const { card, reused } = ensureBenchCard(db);
  say(`    rate card "${card.name}" (${card.id}): ${reused ? 'stored by an earlier run' : 'created and published'}`);
  if (listAdjustments(db).length > 0) throw new Error(`bench: ${cache.path} holds adjustments; the bench needs none`);
  const query: ChargebackQuery = { period: MONTH, rateCardId: card.id, by: 'tenant' };
  const { value: ours, ms: oursMs } = timeOnFreshConnection(cache.path, runs,
    (conn) => runChargeback(conn, query, listAdjustments(conn)));

  const minorUnits = currencyMinorUnits(card.currency);
  const meters = await loadPriceTable(duck, card);
  const sql = chargebackSql(minorUnits);
  const theirs = await timeAsync(runs, () => queryRows(duck.connection, sql));
  return {
    result: {
      name: 'chargeback: the month by tenant, flat card (runChargeback)', rows: ours.rows.length, ours: oursMs,
      duck: theirs.ms, targetMs: CHARGEBACK_TARGET_MS, agreement: checkTotals(ours, theirs.value, minorUnits),
    },
    card, cardReused: reused, meters,
  };
}

/** The method of the chargeback row, for the notes. */
export function chargebackMethod(bench: ChargebackBench): string {
  const { card } = bench;
  return `- Chargeback: rate card "${card.name}" (${card.currency}, rounded ${card.rounding.mode} per line; ` +
    `${bench.cardReused ? 'stored by an earlier run' : 'created and published in this run'} through the core's ` +
    `rate card store, outside the timing): one version from ${MONTH.from}, all ${bench.meters} catalog meters priced ` +
    'FLAT (the starter card\'s conversions: GB*hours and MB*hours per month over the real hours of the month, ' +
    'Byte*hours and 10 requests by a factor; its flat prices, the first band\'s price for tiered meters, ' +
    `${PRICE_OF_FREE_METERS} for free ones), aggregated per subscription, no blocks, minimums or adjustments. Only ` +
    'flat prices, so that the SQL stays honest: tiers, blocks and minimums are left to the engine\'s tests. Ours: ' +
    'runChargeback(db, {period, rateCardId, by: \'tenant\'}, listAdjustments(db)) as the core\'s handler calls it, ' +
    'each run on a fresh connection (opened untimed), because a connection keeps its last runs; it reads ' +
    'usage_monthly, rates with the engine (decimal.js) and labels the tenants. DuckDB: plain SQL over the raw ' +
    'rows: per month, subscription and meter the exact sum (DECIMAL(38,18)), divided by the hours of the month ' +
    'where the card says so, times the flat price from a table loaded from the card, rounded half-even to cents in ' +
    'HUGEINT arithmetic ' +
    '(DuckDB divides decimals in floating point, and its round() rounds ties away from zero), summed per tenant.';
}
