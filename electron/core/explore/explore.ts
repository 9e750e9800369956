import type Database from 'better-sqlite3';
import type {
  ExplorePage, ExploreQuery, ExploreRow, ExploreTotals, UsageDimension,
} from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import {
  NO_VALUE, RESOURCE_TAG_CTE, SUBSCRIPTION_ANY_CTE, SUBSCRIPTION_NAME_SQL, subscriptionJoins, tagKeyParams,
  TENANT_DOMAIN_CTE, TENANT_SQL,
} from './labels.ts';
import { firstDayOfMonth, monthOfDay, nextMonth, periodDays, rollupPlan, type DayRange } from './period.ts';
import { filterSql, ROLLUP_COLUMNS } from './usage-filter.ts';

/**
 * The usage explorer: usage grouped by up to four dimensions, read from the rollups (never from usage_records).
 *
 * A query is grouped once into a TEMP table, rows already in the default order (quantity descending), and the grid's
 * blocks are then read by rowid range, so scrolling through a million groups costs each block its own size. Another
 * sort adds a small table of rowids in that order. Results are kept per distinct query (the latest few) until the
 * cache's data changes: a sync on this connection shows in total_changes(), one by another process in data_version.
 */

type Params = Record<string, string | number>;

const RESOURCE_DIMENSIONS: readonly UsageDimension[] = ['resourceGroup', 'resource', 'resourceType', 'location', 'tag'];

/** How many grouped results (and orders per result) stay in TEMP tables. */
const KEPT_RESULTS = 4;
const KEPT_ORDERS = 3;

interface DimensionSql {
  /** What rows are grouped by; null when another dimension's group implies it (month within day). */
  group: string | null;
  key: string;
  label: string;
}

/** Dimension SQL over the phase-one rows `p` and the joins the grouping query adds. */
function dimensionSql(dim: UsageDimension, byDay: boolean): DimensionSql {
  const text = (column: string, none: string): DimensionSql => {
    const value = `coalesce(min(${column}), '${none}')`;
    return { group: `lower(${column})`, key: value, label: value };
  };
  switch (dim) {
    case 'stamp': {
      const name = `coalesce(c.name, '${NO_VALUE.stamp}')`;
      return { group: 'p.connection_key', key: name, label: name };
    }
    case 'tenant':
      return {
        group: `lower(${TENANT_SQL})`,
        key: `coalesce(lower(min(${TENANT_SQL})), '${NO_VALUE.tenant}')`,
        label: `coalesce(td.domain, lower(min(${TENANT_SQL})), '${NO_VALUE.tenant}')`,
      };
    case 'subscription':
      return {
        group: 'p.subscription_key',
        key: 'sk.subscription_id',
        label: `coalesce(max(${SUBSCRIPTION_NAME_SQL}), sk.subscription_id)`,
      };
    case 'resourceGroup': return text('r.resource_group', NO_VALUE.resourceGroup);
    case 'resourceType': return text('r.resource_type', NO_VALUE.resourceType);
    case 'location': return text('r.location', NO_VALUE.location);
    case 'tag': return text('rt.tag', NO_VALUE.tag);
    case 'resource': {
      // Records without instanceData carry the resource URI ''.
      const uri = `coalesce(nullif(r.resource_uri, ''), '${NO_VALUE.resource}')`;
      return { group: 'p.resource_key', key: uri, label: `coalesce(nullif(r.resource_name, ''), ${uri})` };
    }
    case 'meter':
      return { group: 'p.meter_key', key: 'm.meter_id', label: 'coalesce(o.name, m.name)' };
    case 'service': return text('coalesce(o.service, m.service)', 'Unknown');
    case 'day': {
      const date = "date(p.day * 86400, 'unixepoch')";
      return { group: 'p.day', key: date, label: date };
    }
    case 'month': {
      const month = byDay
        ? "strftime('%Y-%m', p.day * 86400, 'unixepoch')"
        : "printf('%04d-%02d', p.month / 100, p.month % 100)";
      return { group: byDay ? null : 'p.month', key: month, label: month };
    }
  }
}

/** Whole days split at month boundaries, each piece with its YYYYMM. */
function monthPieces(range: DayRange): { month: number; fromDay: number; toDay: number }[] {
  const pieces = [];
  let from = range.fromDay;
  while (from < range.toDay) {
    const month = monthOfDay(from);
    const to = Math.min(firstDayOfMonth(nextMonth(month)), range.toDay);
    pieces.push({ month, fromDay: from, toDay: to });
    from = to;
  }
  return pieces;
}

/** The SQL that groups a query's usage (rows in the default order) and the columns it yields. */
function groupingStatement(db: Database.Database, query: ExploreQuery): { sql: string; params: Params } {
  const dims = query.groupBy;
  if (dims.length === 0) throw new StackmeterError('INVALID_ARGUMENT', 'groupBy needs at least one dimension.');
  if (dims.includes('tag') && !query.tagKey?.trim()) {
    throw new StackmeterError('INVALID_ARGUMENT', 'tagKey is required when grouping by tag.');
  }
  const has = (d: UsageDimension): boolean => dims.includes(d);
  const filter = filterSql(db, query.filter, ROLLUP_COLUMNS);
  const params: Params = { ...filter.params };
  const byDay = has('day');
  const resourceAtom = dims.some((d) => RESOURCE_DIMENSIONS.includes(d));
  const needsResource = resourceAtom || filter.needsResource;
  const timeAtom = byDay ? 'day' : has('month') ? 'month' : null;
  // The integer keys the grouping needs from the rollups; the meter always, for the unit.
  const atoms = [
    ...(has('stamp') || has('tenant') || has('subscription') ? ['connection_key'] : []),
    ...(has('tenant') || has('subscription') ? ['subscription_key'] : []),
    'meter_key',
    ...(resourceAtom ? ['resource_key'] : []),
  ];

  // Rollup reads: whole months from usage_monthly, other days from the daily rollup (without resources when nothing
  // needs them: usage_daily_meter has one row per stamp, subscription and meter a day instead of one per resource).
  const dailyTable = needsResource ? 'usage_daily' : 'usage_daily_meter';
  const branches: string[] = [];
  let n = 0;
  const branch = (table: string, time: string, where: string[]): void => {
    const conditions = [...where, ...filter.conditions];
    branches.push(`SELECT ${[...atoms, ...(time ? [time] : [])].join(', ')}, records, quantity_text FROM ${table}
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`);
  };
  const days = (range: DayRange, time: string): void => {
    const i = n++;
    params[`d${i}_from`] = range.fromDay;
    params[`d${i}_to`] = range.toDay;
    branch(dailyTable, time, [`day >= @d${i}_from`, `day < @d${i}_to`]);
  };
  const period = query.filter.period === undefined ? null : periodDays(query.filter.period, 'filter.period');
  if (byDay) {
    if (period) days(period, 'day');
    else branch(dailyTable, 'day', []);
  } else if (!period) {
    branch('usage_monthly', timeAtom ?? '', []);
  } else {
    const plan = rollupPlan(period);
    if (plan.months) {
      params.m_from = plan.months.from;
      params.m_to = plan.months.to;
      branch('usage_monthly', timeAtom ?? '', ['month BETWEEN @m_from AND @m_to']);
    }
    for (const range of plan.days) {
      if (timeAtom !== 'month') days(range, '');
      else {
        for (const piece of monthPieces(range)) {
          params[`month${n}`] = piece.month;
          days(piece, `@month${n} AS month`);
        }
      }
    }
  }
  const phaseAtoms = [...atoms, ...(timeAtom ? [timeAtom] : [])].join(', ');
  // With a resource among the keys, grouping the rollup rows first would hardly merge any: they are already one per
  // resource and meter. Otherwise it folds resources (or days) away before the joins below.
  const union = branches.join('\n      UNION ALL\n      ');
  const phaseOne = resourceAtom
    ? `SELECT ${phaseAtoms}, records, quantity_text AS q FROM (${union})`
    : `SELECT ${phaseAtoms}, sum(records) AS records, decimal_sum(quantity_text) AS q FROM (${union})
       GROUP BY ${phaseAtoms}`;

  const ctes = [`p AS (${phaseOne})`];
  const joins = ['JOIN meters m ON m.id = p.meter_key', 'LEFT JOIN meter_overrides o ON o.match_key = m.match_key'];
  if (has('stamp')) joins.push('LEFT JOIN connections c ON c.id = p.connection_key');
  if (has('tenant') || has('subscription')) {
    ctes.push(SUBSCRIPTION_ANY_CTE);
    joins.push(subscriptionJoins('p.connection_key', 'p.subscription_key'));
  }
  if (has('tenant')) {
    ctes.push(TENANT_DOMAIN_CTE);
    joins.push(`LEFT JOIN tenant_domain td ON td.tenant = lower(${TENANT_SQL})`);
  }
  if (resourceAtom) joins.push('LEFT JOIN resources r ON r.id = p.resource_key');
  if (has('tag')) {
    ctes.push(RESOURCE_TAG_CTE);
    Object.assign(params, tagKeyParams(query.tagKey ?? ''));
    joins.push('LEFT JOIN resource_tag rt ON rt.id = p.resource_key');
  }

  const sqls = dims.map((d) => dimensionSql(d, byDay));
  // A group's quantity is a sum only when its meters share a unit; meters of unknown unit ('') only alone.
  const unit = 'coalesce(o.unit, m.unit)';
  const unitShared = `min(${unit}) = max(${unit}) AND (min(${unit}) <> '' OR min(p.meter_key) = max(p.meter_key))`;
  const sql = `
    WITH ${ctes.join(',\n')}
    SELECT * FROM (
      SELECT ${sqls.map((s, i) => `${s.key} AS k${i}, ${s.label} AS l${i}`).join(', ')},
             sum(p.records) AS records,
             CASE WHEN ${unitShared} THEN decimal_sum(p.q) END AS quantity,
             CASE WHEN ${unitShared} THEN min(${unit}) END AS unit,
             min(p.meter_key) AS meter_lo, max(p.meter_key) AS meter_hi
      FROM p
      ${joins.join('\n      ')}
      GROUP BY ${sqls.flatMap((s) => (s.group === null ? [] : [s.group])).join(', ')})
    ORDER BY ${orderBy(dims, undefined)}`;
  return { sql, params };
}

type Sort = NonNullable<ExploreQuery['sort']>;

/**
 * ORDER BY over a grouped result's columns (k0.., l0.., records, quantity). Quantities order exactly (through
 * decimalOrderKey) with mixed-unit groups (no quantity) last either way; every order ends on the group keys, which are
 * unique, so blocks never overlap or skip a row.
 */
function orderBy(dims: readonly UsageDimension[], sort: Sort | undefined): string {
  const labels = dims.map((_, i) => `l${i} COLLATE NOCASE`);
  const keys = dims.map((_, i) => `k${i}`);
  const quantity = (dir: string): string[] => ['quantity IS NULL', `explore_decimal_order(quantity) ${dir}`];
  if (sort === undefined || sort.by === 'quantity') {
    const dir = sort === undefined || sort.descending === true ? 'DESC' : 'ASC';
    return [...quantity(dir), 'records DESC', ...labels, ...keys].join(', ');
  }
  const dir = sort.descending === true ? 'DESC' : 'ASC';
  if (sort.by === 'records') return [`records ${dir}`, ...quantity('DESC'), ...labels, ...keys].join(', ');
  const i = dims.indexOf(sort.by);
  if (i < 0) {
    throw new StackmeterError('INVALID_ARGUMENT', `Cannot sort by ${sort.by}: the rows are not grouped by it.`);
  }
  return [`${labels[i]} ${dir}`, `${keys[i]} ${dir}`, ...labels.filter((_, j) => j !== i), ...quantity('DESC'),
    'records DESC', ...keys].join(', ');
}

const PLAIN_DECIMAL = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/;

/**
 * A text that sorts (as bytes) like the decimal it encodes: sign class, then the length of the integer part, then the
 * digits; negative numbers complement their digits so larger magnitudes sort first. Sums are plain decimals
 * (decimal_sum never writes exponents).
 */
export function decimalOrderKey(value: string): string {
  const m = PLAIN_DECIMAL.exec(value);
  if (!m) throw new Error(`"${value}" is not a plain decimal`);
  const [, sign, int = '', frac = ''] = m;
  const digits = int + frac;
  if (/^0*$/.test(digits)) return 'o';
  if (sign === '') return `p${String(int.length).padStart(4, '0')}${digits}`;
  const complement = digits.replace(/\d/g, (d) => String(9 - Number(d)));
  // '~' sorts after every digit: of two negatives sharing a prefix, the longer one (larger magnitude) comes first.
  return `n${String(9999 - int.length).padStart(4, '0')}${complement}~`;
}

interface Grouped {
  key: string;
  table: string;
  dims: UsageDimension[];
  totals: ExploreTotals;
  /** Rowid tables of the non-default orders, by sort, least recently used first. */
  orders: Map<string, string>;
  /** Readers holding the result (an export in progress); it is dropped only once they let go. */
  pins: number;
  retired: boolean;
}

interface CacheState {
  /** Whose data the kept results describe (see dataVersion). */
  version: string;
  /** Most recently used first. */
  results: Grouped[];
  nextId: number;
  /** Rows this module inserted into its TEMP tables: total_changes() counts them too. */
  ownChanges: number;
}

const states = new WeakMap<Database.Database, CacheState>();

function stateOf(db: Database.Database): CacheState {
  let state = states.get(db);
  if (state === undefined) {
    db.function('explore_decimal_order', { deterministic: true }, (value: unknown) =>
      (value === null ? null : decimalOrderKey(String(value))));
    state = { version: '', results: [], nextId: 1, ownChanges: 0 };
    states.set(db, state);
  }
  return state;
}

/**
 * Changes whenever the cached usage may have: data_version moves with every commit by another connection (a CLI sync
 * beside the console), total_changes() with every row this connection writes (less the rows of our own TEMP tables).
 */
function dataVersion(db: Database.Database, state: CacheState): string {
  const changes = db.prepare('SELECT total_changes()').pluck().get() as number;
  return `${String(db.pragma('data_version', { simple: true }))}:${changes - state.ownChanges}`;
}

function dropTables(db: Database.Database, g: Grouped): void {
  for (const table of g.orders.values()) db.exec(`DROP TABLE IF EXISTS temp.${table}`);
  db.exec(`DROP TABLE IF EXISTS temp.${g.table}`);
}

function retire(db: Database.Database, g: Grouped): void {
  g.retired = true;
  if (g.pins === 0) dropTables(db, g);
}

function groupingKey(query: ExploreQuery): string {
  return JSON.stringify([query.filter, query.groupBy, query.groupBy.includes('tag') ? query.tagKey?.trim() : null]);
}

function grouped(db: Database.Database, query: ExploreQuery): Grouped {
  const state = stateOf(db);
  const version = dataVersion(db, state);
  if (version !== state.version) {
    for (const g of state.results) retire(db, g);
    state.results = [];
    state.version = version;
  }
  const key = groupingKey(query);
  const found = state.results.findIndex((g) => g.key === key);
  if (found >= 0) {
    const [g] = state.results.splice(found, 1);
    state.results.unshift(g!);
    return g!;
  }

  const dims = [...query.groupBy];
  const { sql, params } = groupingStatement(db, query);
  const table = `explore_g${state.nextId++}`;
  const columns = dims.map((_, i) => `k${i} TEXT, l${i} TEXT`).join(', ');
  db.exec(`CREATE TEMP TABLE ${table} (${columns}, records INTEGER, quantity TEXT, unit TEXT, meter_lo INTEGER,
    meter_hi INTEGER)`);
  try {
    state.ownChanges += db.prepare(`INSERT INTO temp.${table} ${sql}`).run(params).changes;
  } catch (err) {
    db.exec(`DROP TABLE temp.${table}`);
    throw err;
  }
  const g: Grouped = { key, table, dims, totals: totalsOf(db, table), orders: new Map(), pins: 0, retired: false };
  state.results.unshift(g);
  for (const old of state.results.splice(KEPT_RESULTS)) retire(db, old);
  return g;
}

function totalsOf(db: Database.Database, table: string): ExploreTotals {
  const t = db.prepare(`
    SELECT count(*) AS groups, coalesce(sum(records), 0) AS records, decimal_sum(quantity) AS quantity,
           sum(unit IS NULL) AS mixed, min(unit) AS lo, max(unit) AS hi, min(meter_lo) AS mlo, max(meter_hi) AS mhi
    FROM temp.${table}`).get() as {
    groups: number; records: number; quantity: string | null; mixed: number | null; lo: string | null;
    hi: string | null; mlo: number | null; mhi: number | null;
  };
  if (t.groups === 0) return { groups: 0, records: 0, quantity: '0', unit: null };
  const unit = t.mixed === 0 && t.lo === t.hi && (t.lo !== '' || t.mlo === t.mhi) ? t.lo : null;
  return { groups: t.groups, records: t.records, quantity: unit === null ? null : t.quantity, unit };
}

/** The table of rowids in a non-default order (null: the grouped table's own order is the one asked for). */
function orderTable(db: Database.Database, g: Grouped, sort: Sort | undefined): string | null {
  if (sort === undefined || (sort.by === 'quantity' && sort.descending === true)) return null;
  const clause = orderBy(g.dims, sort);
  const existing = g.orders.get(clause);
  if (existing !== undefined) {
    g.orders.delete(clause);
    g.orders.set(clause, existing);
    return existing;
  }
  const state = stateOf(db);
  const table = `explore_o${state.nextId++}`;
  db.exec(`CREATE TEMP TABLE ${table} (g INTEGER NOT NULL)`);
  state.ownChanges += db.prepare(`INSERT INTO temp.${table} (g) SELECT rowid FROM temp.${g.table} ORDER BY ${clause}`)
    .run().changes;
  g.orders.set(clause, table);
  // An export reading this result may be using the oldest order: it goes once nobody holds the result.
  if (g.orders.size > KEPT_ORDERS && g.pins === 0) {
    const [oldClause, oldTable] = g.orders.entries().next().value!;
    g.orders.delete(oldClause);
    db.exec(`DROP TABLE temp.${oldTable}`);
  }
  return table;
}

interface GroupRow {
  [column: string]: string | number | null;
}

function toRow(r: GroupRow, dims: number): ExploreRow {
  const groups = [];
  for (let i = 0; i < dims; i++) groups.push({ key: String(r[`k${i}`]), label: String(r[`l${i}`]) });
  return {
    groups,
    records: r.records as number,
    quantity: r.quantity === null ? null : String(r.quantity),
    unit: r.unit === null ? null : String(r.unit),
  };
}

/** A whole explorer result held for reading block after block (an export); release() lets it go. */
export interface ExploreResult {
  dims: UsageDimension[];
  totals: ExploreTotals;
  /** Rows offset+1 .. offset+limit in the query's order. */
  read(offset: number, limit: number): ExploreRow[];
  release(): void;
}

/** Groups a query's usage (or finds it grouped) and holds the result until release(), even if the data changes. */
export function openExploreResult(db: Database.Database, query: ExploreQuery): ExploreResult {
  const g = grouped(db, query);
  const order = orderTable(db, g, query.sort);
  const select = order === null
    ? db.prepare(`SELECT * FROM temp.${g.table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`)
    : db.prepare(`SELECT g.* FROM temp.${order} o JOIN temp.${g.table} g ON g.rowid = o.g
        WHERE o.rowid > ? AND o.rowid <= ? ORDER BY o.rowid`);
  g.pins++;
  let released = false;
  return {
    dims: g.dims,
    totals: g.totals,
    read: (offset, limit) => (select.all(offset, offset + limit) as GroupRow[]).map((r) => toRow(r, g.dims.length)),
    release() {
      if (released) return;
      released = true;
      g.pins--;
      if (g.retired && g.pins === 0) dropTables(db, g);
    },
  };
}

/**
 * One block of the explorer: rows offset+1 .. offset+limit of the groups in the query's order, and the totals of all
 * groups. The first block of a query groups it (one pass over the rollups); later blocks and other sorts of the same
 * query read what that pass kept.
 */
export function exploreUsage(db: Database.Database, query: ExploreQuery, offset: number, limit: number): ExplorePage {
  const result = openExploreResult(db, query);
  try {
    return { rows: result.read(offset, limit), offset, totals: result.totals };
  } finally {
    result.release();
  }
}
