import type { StatementDocument } from '../../shared/chargeback.ts';
import type { AdjustmentLine, RatedLine, UnratedReason } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import { formatDecimal, RatingDecimal } from '../rating/decimal.ts';

// What the statement renderers (PDF, CSV, XLSX) print the same way: money, quantities, names, unit prices and the
// words for unrated usage. Everything is done on the decimal strings of the statement; no amount or quantity ever
// passes through a JS number.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An amount written with exactly the currency's minor units and thousands separators: '1234.5' with 2 → '1,234.50',
 * '-3' with 0 → '-3'. Statement amounts are already rounded to the minor unit, so this only pads; an amount with more
 * non-zero decimals than the currency has is a bug upstream and is refused rather than silently rounded.
 */
export function formatMoney(amount: string, minorUnits: number): string {
  const match = DECIMAL.exec(amount);
  if (!match) throw new StackmeterError('INTERNAL', `The statement amount ${JSON.stringify(amount)} is not a decimal.`);
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(minorUnits))) {
    throw new StackmeterError('INTERNAL',
      `The statement amount ${amount} has more decimals than the currency's ${minorUnits}; it was not rounded.`);
  }
  const digits = fraction.slice(0, minorUnits).padEnd(minorUnits, '0');
  const zero = /^0*$/.test(whole) && /^0*$/.test(digits);
  return `${zero ? '' : sign}${groupThousands(whole)}${minorUnits > 0 ? `.${digits}` : ''}`;
}

/** A quantity exactly as summed, with thousands separators in its whole part ('26585.5556' → '26,585.5556'). */
export function formatQuantity(quantity: string): string {
  const match = DECIMAL.exec(quantity);
  if (!match) return quantity;
  const [, sign, whole, fraction] = match;
  return `${sign}${groupThousands(whole)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Why usage is unrated, in words. */
export function unratedReasonText(reason: UnratedReason | null): string {
  switch (reason) {
    case 'no-version': return 'no published rate card version in effect';
    case 'meter-not-on-card': return 'meter not on the rate card';
    case 'no-price': return 'meter has no price';
    case null: return 'unrated';
  }
}

/** The one wording every renderer uses for unrated usage: it is not charged, and it is not a zero charge either. */
export const NOT_CHARGED_UNRATED = 'not charged: unrated';

/**
 * The unit price a line was charged at, in words: the price, 'free', 'tiered' (graduated: each band at its own price),
 * the reached band's price for volume tiers, with the override that replaced the card's price.
 */
export function unitPriceText(line: RatedLine): string {
  if (line.status === 'unrated') return NOT_CHARGED_UNRATED;
  if (line.status === 'free') return 'free';
  if (line.pricing === 'graduated' && line.overrideId === null) return 'tiered';
  const price = line.unitPrice ?? '';
  if (line.overrideId !== null) return `${price} (override ${line.overrideId})`;
  return line.pricing === 'volume' ? `${price} (volume tier)` : price;
}

/**
 * The tiers a graduated line's aggregate was priced through: '100 × 1.00 + 20 × 0.80', prefixed 'tenant total: ' when
 * the aggregate is the tenant's usage shared by several lines (each line is charged its share by quantity).
 */
export function tierBreakdownText(line: RatedLine, quantityText: (q: string) => string = formatQuantity):
  string | null {
  const aggregate = line.aggregate;
  if (line.status !== 'rated' || line.pricing !== 'graduated' || line.overrideId !== null || !aggregate) return null;
  const tiers = aggregate.tiers.map((t) => `${quantityText(t.quantity)} × ${t.unitPrice}`).join(' + ');
  return aggregate.lines > 1 ? `${aggregate.scope} total: ${tiers}` : tiers;
}

/**
 * When block rounding or a minimum quantity charged more than was used: 'billed as 1' for a line's own aggregate,
 * 'tenant total 0.5 billed as 1' for a shared one. Null when the quantity charged is the quantity used.
 */
export function billedQuantityText(line: RatedLine, quantityText: (q: string) => string = formatQuantity):
  string | null {
  const aggregate = line.aggregate;
  if (!aggregate || new RatingDecimal(aggregate.billableQuantity).eq(aggregate.quantity)) return null;
  const billed = `billed as ${quantityText(aggregate.billableQuantity)}`;
  return aggregate.lines > 1 ? `${aggregate.scope} total ${quantityText(aggregate.quantity)} ${billed}` : billed;
}

/** The exact sum of decimal strings, as a decimal string. */
export function sumDecimals(values: readonly string[]): string {
  return formatDecimal(values.reduce((sum, v) => sum.plus(v), new RatingDecimal(0)));
}

/** How the consumed quantity became the priced one, when it changed: '÷ 672 (hours of the month)'. */
export function conversionText(line: RatedLine): string | null {
  const conversion = line.conversion;
  if (!conversion || conversion.kind === 'none' || line.conversionDivisor === null) return null;
  const why = conversion.kind === 'hours-of-month' ? ' (hours of the month)'
    : conversion.kind === 'fixed-hours' ? ' (hours per month)' : '';
  return `÷ ${line.conversionDivisor}${why}`;
}

/** Lookups of the names a statement prints for its tenants and subscriptions. */
export interface StatementNames {
  tenant(tenantId: string | null): string;
  subscription(subscriptionId: string): string;
}

/** The unknown tenant's label when the statement names none. */
export const UNKNOWN_TENANT_LABEL = '(unknown tenant)';

export function statementNames(doc: StatementDocument): StatementNames {
  const tenants = new Map<string | null, string>();
  const subscriptions = new Map<string, string>();
  for (const t of doc.tenants) {
    tenants.set(t.tenantId, t.label);
    for (const s of t.subscriptions) subscriptions.set(s.subscriptionId, s.label);
  }
  return {
    tenant: (id) => tenants.get(id) ?? (id === null ? UNKNOWN_TENANT_LABEL : id),
    subscription: (id) => subscriptions.get(id) ?? id,
  };
}

/**
 * The tenants a statement covers, in its order: those it names, then any other tenant its totals have (so that no
 * charged tenant is ever left out of a rendering).
 */
export function statementTenantIds(doc: StatementDocument): Array<string | null> {
  const ids: Array<string | null> = doc.tenants.map((t) => t.tenantId);
  const seen = new Set(ids);
  for (const t of doc.result.totals.byTenant) {
    if (!seen.has(t.tenantId)) {
      ids.push(t.tenantId);
      seen.add(t.tenantId);
    }
  }
  return ids;
}

export function linesOfTenant(doc: StatementDocument, tenantId: string | null): RatedLine[] {
  return doc.result.lines.filter((l) => l.tenantId === tenantId);
}

export function adjustmentLinesOfTenant(doc: StatementDocument, tenantId: string | null): AdjustmentLine[] {
  return doc.result.adjustmentLines.filter((l) => l.tenantId === tenantId);
}

/** A tenant's usage, adjustments and total; zeros when the statement has no total for it (nothing charged). */
export function tenantTotals(doc: StatementDocument, tenantId: string | null): { usage: string; adjustments: string;
  total: string; } {
  const found = doc.result.totals.byTenant.find((t) => t.tenantId === tenantId);
  return found ?? { usage: '0', adjustments: '0', total: '0' };
}

/** 'v2' or 'v1, v2' */
export function versionsText(versions: readonly number[]): string {
  return versions.length === 0 ? 'none' : versions.map((v) => `v${v}`).join(', ');
}

/** The statement's period in words; `to` is exclusive. */
export function periodText(doc: StatementDocument): string {
  return `${doc.period.from} to ${doc.period.to} (end excluded)`;
}

export function stampsText(doc: StatementDocument): string {
  return doc.stamps.length === 0 ? 'all stamps' : doc.stamps.join(', ');
}

/** The synced usage rated: a stamp synced hourly and daily holds each hour twice, and one of them is rated. */
export function granularityText(doc: StatementDocument): string {
  return `${doc.granularity.toLowerCase()} usage records`;
}

/** 'Statement' or 'Correction of ST-…' with its reason. */
export function kindText(doc: StatementDocument): string {
  if (doc.kind === 'statement') return 'Statement';
  const reason = doc.reason ? `: ${doc.reason}` : '';
  return `Correction of ${doc.correctsId ?? 'an earlier statement'}${reason}`;
}

/** The statement's hash, or why a draft has none. */
export function statementHashText(doc: StatementDocument): string {
  return doc.hash ?? 'none: a draft has no statement hash until it is finalized';
}

export function statusText(doc: StatementDocument): string {
  if (doc.status === 'draft') return 'Draft (not final; amounts may change)';
  return `Finalized ${doc.finalizedAt ?? '(time not recorded)'} by ${doc.finalizedBy ?? '(user not recorded)'}`;
}
