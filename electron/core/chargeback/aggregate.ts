import type Database from 'better-sqlite3';
import type { Granularity, UsageFilter } from '../../shared/domain.ts';
import type { RateCard, SubscriptionRef, UsageItem } from '../../shared/rating.ts';
import { StackmeterError } from '../../shared/result.ts';
import {
  addScaled, formatScaled, negateScaled, parseScaled, type ScaledDecimal,
} from '../cache/exact-decimal.ts';
import { NO_VALUE, RESOURCE_TAG_CTE, tagKeyParams } from '../explore/labels.ts';
import { firstDayOfMonth, monthOfDay, nextMonth, rollupPlan, type DayRange } from '../explore/period.ts';
import { filterSql, ROLLUP_COLUMNS } from '../explore/usage-filter.ts';
import { versionSegments } from '../rating/index.ts';

/**
 * Chargeback's usage: the exact sums the rating engine prices, read from the rollups (never from usage_records).
 *
 * A period is cut into pieces: per calendar month, per rate card version in effect (versionSegments), within the
 * period. A month wholly in the period is read from usage_monthly (rollupPlan decides), the edge days of a custom
 * range from the daily rollup; where a version takes effect inside such a month, the smaller pieces are read by day
 * and the largest is the month minus them. Each piece gives one usage item per subscription and meter, summed over
 * stamps and resources exactly (decimal_sum in SQL, scaled integers in JS), of one granularity: a stamp synced hourly
 * and daily holds each hour's usage twice, once per granularity (chooseGranularity).
 *
 * For rows per resource group or tag, the same items are read with the group as an extra key: the items (and so the
 * price) stay the same, and each item remembers its quantity and records per group so that a rated line's amount can
 * be apportioned to its groups afterwards.
 */

const DAY_MS = 86_400_000;
const ZERO: ScaledDecimal = parseScaled('0');

/** A part of the period that one rate card version prices, within one calendar month. */
export interface UsagePiece {
  /** YYYY-MM. */
  month: string;
  /** Unix days, `toDay` excluded. */
  fromDay: number;
  toDay: number;
  /** The version in effect; null when none is yet (the usage is then unrated). */
  version: number | null;
}

/** What a resource-group or tag grouping needs beside the items. */
export type ResourceGrouping = { by: 'resourceGroup' } | { by: 'tag'; tagKey: string };

/** One group's part of an item. */
export interface GroupShare {
  key: string;
  quantity: string;
  records: number;
}

export interface AggregatedUsage {
  /** One per subscription, meter and piece, sorted by month, subscription, meter and start. */
  items: UsageItem[];
  /** Who the statement covers: every subscription with usage and every subscription the stamps list (not deleted). */
  subscriptions: SubscriptionRef[];
  pieces: UsagePiece[];
  /** The piece of each item, by lineKey. */
  pieceOf: Map<string, UsagePiece>;
  /** With a resource grouping: each item's parts per group, by lineKey; and the groups' labels by key. */
  shares: Map<string, GroupShare[]> | null;
  groupLabels: Map<string, string>;
}

/** How a rated line (month, subscription, meter, version) finds the item and piece it came from. */
export function lineKey(month: string, subscriptionId: string, meterId: string, version: number | null): string {
  return JSON.stringify([month, subscriptionId, meterId, version]);
}

/** YYYY-MM of a YYYYMM month number. */
export function monthText(month: number): string {
  return `${Math.floor(month / 100)}-${String(month % 100).padStart(2, '0')}`;
}

export function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const instant = (day: number): string => `${dayText(day)}T00:00:00Z`;
const dayOf = (iso: string): number => Date.parse(iso) / DAY_MS;

/** The period cut at month ends and at the days rate card versions take effect, earliest first. */
export function usagePieces(card: RateCard, range: DayRange): UsagePiece[] {
  const pieces: UsagePiece[] = [];
  for (let month = monthOfDay(range.fromDay); firstDayOfMonth(month) < range.toDay; month = nextMonth(month)) {
    for (const segment of versionSegments(card, monthText(month))) {
      const fromDay = Math.max(dayOf(segment.from), range.fromDay);
      const toDay = Math.min(dayOf(segment.to), range.toDay);
      if (fromDay < toDay) pieces.push({ month: monthText(month), fromDay, toDay, version: segment.version });
    }
  }
  return pieces;
}

type Params = Record<string, string | number>;

interface UsageRow {
  piece: number;
  subscriptionId: string;
  meterId: string;
  records: number;
  quantity: string;
  groupKey: string | null;
  groupLabel: string | null;
}

/** One rollup read: a whole month from usage_monthly or a range of days from the daily rollup, for one piece. */
interface Read {
  piece: number;
  month: number | null;
  days: DayRange | null;
}

/**
 * How the pieces are read. A month that lies wholly in the period is read from usage_monthly even when versions cut
 * it: its largest piece is then the whole month minus the other pieces, which are read by day (`subtractFrom` maps
 * each of those to the largest), so that at most half of such a month is read by day.
 */
function readPlan(pieces: readonly UsagePiece[]): { reads: Read[]; subtractFrom: Map<number, number> } {
  const reads: Read[] = [];
  const subtractFrom = new Map<number, number>();
  const months = new Map<string, number[]>();
  pieces.forEach((piece, i) => months.set(piece.month, [...months.get(piece.month) ?? [], i]));
  for (const indexes of months.values()) {
    const first = pieces[indexes[0]!]!;
    const last = pieces[indexes.at(-1)!]!;
    const plan = rollupPlan({ fromDay: first.fromDay, toDay: last.toDay });
    if (!plan.months) {
      for (const i of indexes) reads.push({ piece: i, month: null, days: pieces[i]! });
      continue;
    }
    const days = (i: number): number => pieces[i]!.toDay - pieces[i]!.fromDay;
    const largest = indexes.reduce((best, i) => (days(i) > days(best) ? i : best));
    reads.push({ piece: largest, month: plan.months.from, days: null });
    for (const i of indexes) {
      if (i === largest) continue;
      reads.push({ piece: i, month: null, days: pieces[i]! });
      subtractFrom.set(i, largest);
    }
  }
  return { reads, subtractFrom };
}

/** The SQL that sums each read's usage per subscription and meter (and group), joined to their IDs. */
function usageStatement(db: Database.Database, reads: readonly Read[], stamps: string[], granularity: Granularity,
  grouping: ResourceGrouping | null): { sql: string; params: Params } {
  const filter = filterSql(db, { stamps, granularity }, ROLLUP_COLUMNS);
  const params: Params = { ...filter.params };
  const resource = grouping === null ? '' : ', resource_key';
  // Without a resource grouping the daily rollup without resources is enough: one row per subscription and meter a day.
  const dailyTable = grouping === null ? 'usage_daily_meter' : 'usage_daily';
  const branches = reads.map((read, i) => {
    const where = read.month !== null ? [`month = @r${i}`] : [`day >= @r${i}_from`, `day < @r${i}_to`];
    if (read.month !== null) params[`r${i}`] = read.month;
    if (read.days !== null) {
      params[`r${i}_from`] = read.days.fromDay;
      params[`r${i}_to`] = read.days.toDay;
    }
    return `
      SELECT ${read.piece} AS piece, subscription_key, meter_key${resource}, records, quantity_text
      FROM ${read.month !== null ? 'usage_monthly' : dailyTable} WHERE ${[...where, ...filter.conditions].join(' AND ')}`;
  });
  const union = branches.join('\n      UNION ALL');
  if (grouping === null) {
    return {
      params,
      sql: `
        WITH u AS (
          SELECT piece, subscription_key, meter_key, sum(records) AS records, decimal_sum(quantity_text) AS quantity
          FROM (${union})
          GROUP BY piece, subscription_key, meter_key)
        SELECT u.piece, sk.subscription_id AS subscriptionId, m.meter_id AS meterId, u.records, u.quantity,
               NULL AS groupKey, NULL AS groupLabel
        FROM u JOIN subscription_keys sk ON sk.id = u.subscription_key JOIN meters m ON m.id = u.meter_key`,
    };
  }
  let ctes = '';
  let join: string;
  let value: string;
  if (grouping.by === 'resourceGroup') {
    join = 'LEFT JOIN resources r ON r.id = x.resource_key';
    value = 'r.resource_group';
  } else {
    ctes = `${RESOURCE_TAG_CTE},`;
    Object.assign(params, tagKeyParams(grouping.tagKey));
    join = 'LEFT JOIN resource_tag rt ON rt.id = x.resource_key';
    value = 'rt.tag';
  }
  const none = grouping.by === 'resourceGroup' ? NO_VALUE.resourceGroup : NO_VALUE.tag;
  params.g_none = none;
  return {
    params,
    // Summed per resource first: the daily rows fold into one per resource before each looks up its group.
    sql: `
      WITH ${ctes} x AS (
        SELECT piece, subscription_key, meter_key, resource_key, sum(records) AS records,
               decimal_sum(quantity_text) AS quantity
        FROM (${union})
        GROUP BY piece, subscription_key, meter_key, resource_key),
      u AS (
        SELECT piece, subscription_key, meter_key, coalesce(lower(${value}), @g_none) AS group_key,
               coalesce(min(${value}), @g_none) AS group_label,
               sum(records) AS records, decimal_sum(quantity) AS quantity
        FROM x ${join}
        GROUP BY piece, subscription_key, meter_key, group_key)
      SELECT u.piece, sk.subscription_id AS subscriptionId, m.meter_id AS meterId, u.records, u.quantity,
             u.group_key AS groupKey, u.group_label AS groupLabel
      FROM u JOIN subscription_keys sk ON sk.id = u.subscription_key JOIN meters m ON m.id = u.meter_key`,
  };
}

/**
 * Tenant and offer of subscriptions, from any stamp's list (the explorer's rule for usage without its own stamp's
 * entry): lower-case, because tenant GUIDs and offer ARM IDs ignore case and stamps write them in either. A GUID that
 * two stamps list with different tenants takes the greatest, so that the result never depends on read order.
 */
function subscriptionRefs(db: Database.Database, subscriptionIds: readonly string[]): SubscriptionRef[] {
  if (subscriptionIds.length === 0) return [];
  return db.prepare<[string], SubscriptionRef>(`
    SELECT ids.value AS subscriptionId, max(lower(s.tenant_id)) AS tenantId, max(lower(s.offer_id)) AS offerId
    FROM json_each(?) ids LEFT JOIN subscriptions s ON s.subscription_id = ids.value
    GROUP BY ids.value ORDER BY ids.value`).all(JSON.stringify(subscriptionIds));
}

/** Subscriptions the selected stamps list and have not deleted: fees and minimum charges apply to them without usage. */
function listedSubscriptions(db: Database.Database, stamps: string[]): string[] {
  const filter = filterSql(db, { stamps }, { ...ROLLUP_COLUMNS, connection: 'connection_id' });
  const where = [...filter.conditions, "coalesce(lower(state), '') <> 'deleted'"];
  return db.prepare(`SELECT DISTINCT subscription_id FROM subscriptions WHERE ${where.join(' AND ')}`)
    .pluck().all(filter.params) as string[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The granularity a run rates: the one asked for; else Daily when the period has daily usage of the stamps (empty:
 * every stamp and imports) but no hourly usage, else Hourly (also when nothing is synced yet: syncs are hourly unless
 * told otherwise, so late usage will arrive hourly). Chosen so, Hourly is refused when a stamp has daily usage in the
 * period but no hourly usage: rating hourly usage would leave that stamp's usage out without a word.
 */
export function chooseGranularity(db: Database.Database, range: DayRange, stamps: string[],
  asked: Granularity | undefined): Granularity {
  if (asked !== undefined) return asked;
  const filter = filterSql(db, { stamps }, ROLLUP_COLUMNS);
  const params: Params = { ...filter.params, imported: NO_VALUE.stamp };
  // Whole months from the monthly rollup, the other days from the daily one: a few thousand rows a month.
  const plan = rollupPlan(range);
  const reads = plan.days.map((days, i) => {
    params[`d${i}_from`] = days.fromDay;
    params[`d${i}_to`] = days.toDay;
    return `SELECT connection_key, granularity FROM usage_daily_meter
      WHERE ${[`day >= @d${i}_from`, `day < @d${i}_to`, ...filter.conditions].join(' AND ')}`;
  });
  if (plan.months) {
    params.m_from = plan.months.from;
    params.m_to = plan.months.to;
    reads.push(`SELECT connection_key, granularity FROM usage_monthly
      WHERE ${['month BETWEEN @m_from AND @m_to', ...filter.conditions].join(' AND ')}`);
  }
  const found = db.prepare<[Params], { stamp: string; granularity: Granularity }>(`
    SELECT coalesce(c.name, @imported) AS stamp, u.granularity
    FROM (SELECT DISTINCT connection_key, granularity FROM (${reads.join(' UNION ALL ')})) u
    LEFT JOIN connections c ON c.id = u.connection_key`).all(params);
  const hourly = new Set(found.filter((f) => f.granularity === 'Hourly').map((f) => f.stamp));
  if (hourly.size === 0) return found.length > 0 ? 'Daily' : 'Hourly';
  const dailyOnly = [...new Set(found.filter((f) => !hourly.has(f.stamp)).map((f) => f.stamp))].sort(compare);
  if (dailyOnly.length > 0) {
    const names = dailyOnly.map((n) => `"${n}"`).join(', ');
    throw new StackmeterError('INVALID_ARGUMENT', `${dailyOnly.length === 1 ? 'Stamp' : 'Stamps'} ${names} `
      + `${dailyOnly.length === 1 ? 'has' : 'have'} daily usage from ${dayText(range.fromDay)} to `
      + `${dayText(range.toDay)} but no hourly usage, which the other stamps have: rating hourly usage would leave `
      + `${dailyOnly.length === 1 ? 'it' : 'them'} out. Choose the granularity to rate, or rate those stamps apart.`);
  }
  return 'Hourly';
}

/**
 * The usage items of a period (whole UTC days) for a rate card, of one granularity: one per subscription, meter and
 * piece, and with a resource grouping each item's parts per resource group or tag value. `stamps` empty: every stamp
 * and imports.
 */
export function aggregateUsage(db: Database.Database, card: RateCard, range: DayRange, stamps: string[],
  granularity: Granularity, grouping: ResourceGrouping | null = null): AggregatedUsage {
  const pieces = usagePieces(card, range);
  const { reads, subtractFrom } = readPlan(pieces);
  const { sql, params } = usageStatement(db, reads, stamps, granularity, grouping);
  const rows = db.prepare<[Params], UsageRow>(sql).all(params);

  interface Part { records: number; quantity: ScaledDecimal; }
  interface Sum extends Part { piece: UsagePiece; subscriptionId: string; meterId: string; groups: Map<string, Part>; }
  const sums = new Map<string, Sum>();
  const groupLabels = new Map<string, string>();
  const add = (pieceIndex: number, row: UsageRow, quantity: ScaledDecimal, records: number): void => {
    const piece = pieces[pieceIndex]!;
    const key = lineKey(piece.month, row.subscriptionId, row.meterId, piece.version);
    let sum = sums.get(key);
    if (!sum) {
      sum = {
        piece, subscriptionId: row.subscriptionId, meterId: row.meterId, records: 0, quantity: ZERO, groups: new Map(),
      };
      sums.set(key, sum);
    }
    sum.records += records;
    sum.quantity = addScaled(sum.quantity, quantity);
    if (row.groupKey !== null) {
      const part = sum.groups.get(row.groupKey) ?? { records: 0, quantity: ZERO };
      part.records += records;
      part.quantity = addScaled(part.quantity, quantity);
      sum.groups.set(row.groupKey, part);
    }
  };
  for (const row of rows) {
    const quantity = parseScaled(row.quantity);
    add(row.piece, row, quantity, row.records);
    const derived = subtractFrom.get(row.piece);
    if (derived !== undefined) add(derived, row, negateScaled(quantity), -row.records);
    if (row.groupKey !== null) {
      const label = groupLabels.get(row.groupKey);
      if (label === undefined || (row.groupLabel ?? '') < label) groupLabels.set(row.groupKey, row.groupLabel ?? '');
    }
  }
  // A piece derived by subtraction keeps, for usage only in the other pieces, sums of nothing: not usage.
  const empty = (part: Part): boolean => part.records === 0 && formatScaled(part.quantity) === '0';
  for (const [key, sum] of sums) {
    if (empty(sum)) sums.delete(key);
    else for (const [group, part] of sum.groups) if (empty(part)) sum.groups.delete(group);
  }

  const used = [...new Set([...sums.values()].map((s) => s.subscriptionId))];
  const population = [...new Set([...used, ...listedSubscriptions(db, stamps)])].sort(compare);
  const subscriptions = subscriptionRefs(db, population);
  const refs = new Map(subscriptions.map((s) => [s.subscriptionId, s]));

  const ordered = [...sums.entries()].sort(([, a], [, b]) => compare(a.piece.month, b.piece.month)
    || compare(a.subscriptionId, b.subscriptionId) || compare(a.meterId, b.meterId) || a.piece.fromDay - b.piece.fromDay);
  const items: UsageItem[] = [];
  const pieceOf = new Map<string, UsagePiece>();
  const shares = grouping === null ? null : new Map<string, GroupShare[]>();
  for (const [key, sum] of ordered) {
    const quantity = formatScaled(sum.quantity);
    if (quantity.startsWith('-')) {
      throw new StackmeterError('INVALID_ARGUMENT', `The usage of meter ${sum.meterId} by subscription `
        + `${sum.subscriptionId} from ${dayText(sum.piece.fromDay)} to ${dayText(sum.piece.toDay)} adds up to a `
        + `negative quantity (${quantity}), which cannot be rated; check its usage records (corrections larger `
        + 'than the usage they correct).');
    }
    const ref = refs.get(sum.subscriptionId)!;
    items.push({
      tenantId: ref.tenantId, subscriptionId: sum.subscriptionId, offerId: ref.offerId, meterId: sum.meterId,
      usageStart: instant(sum.piece.fromDay), usageEnd: instant(sum.piece.toDay), quantity,
      records: sum.records,
    });
    pieceOf.set(key, sum.piece);
    shares?.set(key, [...sum.groups].sort(([a], [b]) => compare(a, b))
      .map(([group, part]) => ({ key: group, quantity: formatScaled(part.quantity), records: part.records })));
  }
  return { items, subscriptions, pieces, pieceOf, shares, groupLabels };
}

/** The usage records behind one item (and group, as a resource group or tag filter): for usage:records. */
export function itemFilter(piece: UsagePiece, subscriptionId: string, meterId: string, stamps: string[],
  granularity: Granularity, group: Pick<UsageFilter, 'resourceGroups' | 'tag'> = {}): UsageFilter {
  return {
    period: { from: dayText(piece.fromDay), to: dayText(piece.toDay) },
    ...(stamps.length > 0 ? { stamps: [...stamps] } : {}),
    subscriptions: [subscriptionId],
    meters: [meterId],
    granularity,
    ...group,
  };
}
