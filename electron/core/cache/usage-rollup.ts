import type Database from 'better-sqlite3';
import type { Granularity } from '../../shared/domain.ts';
import { addScaled, formatScaled, negateScaled, parseScaled, type ScaledDecimal } from './exact-decimal.ts';

const DAY = 86400;

interface Delta {
  day: number;
  connectionKey: number;
  subscription: number;
  meter: number;
  resource: number;
  granularity: Granularity;
  records: number;
  quantity: number;
  exact: ScaledDecimal;
}

/** Sums one key's change within a page. */
interface Sum {
  records: number;
  quantity: number;
  exact: ScaledDecimal;
}

function fold(map: Map<string, Sum & { key: unknown[] }>, key: unknown[], d: Delta): void {
  const id = key.join('|');
  const s = map.get(id);
  if (s === undefined) map.set(id, { key, records: d.records, quantity: d.quantity, exact: d.exact });
  else {
    s.records += d.records;
    s.quantity += d.quantity;
    s.exact = addScaled(s.exact, d.exact);
  }
}

/** YYYYMM of a Unix day. */
function monthOf(day: number): number {
  const date = new Date(day * DAY * 1000);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}

/**
 * Collects one page's changes to the rollups and writes them with one upsert per rollup key, in the transaction that
 * writes the page's usage rows: a page of hourly records of one subscriber folds into a few dozen daily rows, fewer
 * monthly and per-meter rows and one hourly count per hour, so the rollups cost far fewer statements than the rows.
 *
 * - usage_daily: per day, stamp, subscription, meter, resource and granularity;
 * - usage_monthly: the same per calendar month;
 * - usage_daily_meter: per day, stamp, subscription, meter and granularity;
 * - usage_hourly_counts: records per hour, stamp and subscription.
 */
export interface RollupBuffer {
  /** A usage row was inserted (records 1) with this quantity. */
  add(usageStart: number, connection: number | null, subscription: number, meter: number, resource: number,
    granularity: Granularity, records: number, quantity: number, exact: ScaledDecimal): void;
  /** A usage row's quantity or owning connection changed. */
  replace(usageStart: number, subscription: number, meter: number, resource: number, granularity: Granularity,
    oldConnection: number | null, oldText: string, newConnection: number | null, newText: string): void;
  /** Writes the collected changes; rows whose last record left them are deleted. */
  flush(): void;
  /** Forgets the collected changes (their transaction rolled back). */
  clear(): void;
}

const UPSERT_SUMS = `ON CONFLICT DO UPDATE SET
  records = records + excluded.records, quantity = quantity + excluded.quantity,
  quantity_text = decimal_add(quantity_text, excluded.quantity_text)`;

export function createRollupBuffer(db: Database.Database): RollupBuffer {
  const upsertDaily = db.prepare(`
    INSERT INTO usage_daily (day, connection_key, subscription_key, meter_key, resource_key, granularity, records,
                             quantity, quantity_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT_SUMS}`);
  const upsertMonthly = db.prepare(`
    INSERT INTO usage_monthly (month, connection_key, subscription_key, meter_key, resource_key, granularity, records,
                               quantity, quantity_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT_SUMS}`);
  const upsertDailyMeter = db.prepare(`
    INSERT INTO usage_daily_meter (day, connection_key, subscription_key, meter_key, granularity, records, quantity,
                                   quantity_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT_SUMS}`);
  const upsertHourly = db.prepare(`
    INSERT INTO usage_hourly_counts (hour, connection_key, subscription_key, records) VALUES (?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET records = records + excluded.records`);
  // Rows whose last record moved away (an imported row claimed by a stamp) are dropped, not left at zero.
  const dropDaily = db.prepare(`DELETE FROM usage_daily WHERE day = ? AND connection_key = ? AND subscription_key = ?
    AND meter_key = ? AND resource_key = ? AND granularity = ? AND records = 0`);
  const dropMonthly = db.prepare(`DELETE FROM usage_monthly WHERE month = ? AND connection_key = ?
    AND subscription_key = ? AND meter_key = ? AND resource_key = ? AND granularity = ? AND records = 0`);
  const dropDailyMeter = db.prepare(`DELETE FROM usage_daily_meter WHERE day = ? AND connection_key = ?
    AND subscription_key = ? AND meter_key = ? AND granularity = ? AND records = 0`);
  const dropHourly = db.prepare(`DELETE FROM usage_hourly_counts WHERE hour = ? AND connection_key = ?
    AND subscription_key = ? AND records = 0`);
  // Keyed in two levels: (day, stamp, subscription, granularity) rarely changes from one record to the next within a
  // page, so the outer key string is built only when it does; the inner key packs resource and meter into one number.
  const deltas = new Map<string, Map<number, Delta>>();
  let lastOuter: Map<number, Delta> | undefined;
  let lastDay = -1;
  let lastConnection = -1;
  let lastSubscription = -1;
  let lastGranularity = '';
  let shrank = false;
  // Records per hour, stamp and subscription: the page's usage rows start on few distinct hours.
  const hourly = new Map<string, { hour: number; connectionKey: number; subscription: number; records: number }>();

  const add = (usageStart: number, connection: number | null, subscription: number, meter: number, resource: number,
    granularity: Granularity, records: number, quantity: number, exact: ScaledDecimal): void => {
    const day = Math.floor(usageStart / DAY);
    const connectionKey = connection ?? 0;
    if (lastOuter === undefined || day !== lastDay || connectionKey !== lastConnection ||
      subscription !== lastSubscription || granularity !== lastGranularity) {
      const outerKey = `${day}|${connectionKey}|${subscription}|${granularity}`;
      lastOuter = deltas.get(outerKey);
      if (lastOuter === undefined) deltas.set(outerKey, (lastOuter = new Map()));
      lastDay = day;
      lastConnection = connectionKey;
      lastSubscription = subscription;
      lastGranularity = granularity;
    }
    // Meter keys stay far below 2^20 and resource keys below 2^32: the product stays an exact integer.
    const inner = resource * 1048576 + meter;
    const d = lastOuter.get(inner);
    if (d === undefined) {
      lastOuter.set(inner, { day, connectionKey, subscription, meter, resource, granularity, records, quantity, exact });
    } else {
      d.records += records;
      d.quantity += quantity;
      d.exact = addScaled(d.exact, exact);
    }
    if (records !== 0) {
      const hour = Math.floor(usageStart / 3600);
      const hourKey = `${hour}|${connectionKey}|${subscription}`;
      const h = hourly.get(hourKey);
      if (h === undefined) hourly.set(hourKey, { hour, connectionKey, subscription, records });
      else h.records += records;
    }
    if (records < 0) shrank = true;
  };

  const clear = (): void => {
    deltas.clear();
    hourly.clear();
    lastOuter = undefined;
    shrank = false;
  };

  return {
    add,
    replace(usageStart, subscription, meter, resource, granularity, oldConnection, oldText, newConnection, newText) {
      if ((oldConnection ?? 0) === (newConnection ?? 0)) {
        add(usageStart, newConnection, subscription, meter, resource, granularity, 0,
          Number(newText) - Number(oldText), addScaled(parseScaled(newText), negateScaled(parseScaled(oldText))));
        return;
      }
      // A sync claimed an imported row: it moves from one stamp's sums to the other's.
      add(usageStart, oldConnection, subscription, meter, resource, granularity, -1, -Number(oldText),
        negateScaled(parseScaled(oldText)));
      add(usageStart, newConnection, subscription, meter, resource, granularity, 1, Number(newText),
        parseScaled(newText));
    },
    flush() {
      const monthly = new Map<string, Sum & { key: unknown[] }>();
      const dailyMeter = new Map<string, Sum & { key: unknown[] }>();
      let lastMonthDay = -1;
      let month = 0;
      for (const inner of deltas.values()) {
        for (const d of inner.values()) {
          upsertDaily.run(d.day, d.connectionKey, d.subscription, d.meter, d.resource, d.granularity, d.records,
            d.quantity, formatScaled(d.exact));
          if (d.day !== lastMonthDay) {
            month = monthOf(d.day);
            lastMonthDay = d.day;
          }
          fold(monthly, [month, d.connectionKey, d.subscription, d.meter, d.resource, d.granularity], d);
          fold(dailyMeter, [d.day, d.connectionKey, d.subscription, d.meter, d.granularity], d);
        }
      }
      for (const m of monthly.values()) upsertMonthly.run(...m.key, m.records, m.quantity, formatScaled(m.exact));
      for (const m of dailyMeter.values()) upsertDailyMeter.run(...m.key, m.records, m.quantity, formatScaled(m.exact));
      for (const h of hourly.values()) upsertHourly.run(h.hour, h.connectionKey, h.subscription, h.records);
      if (shrank) {
        // Only keys that lost records can have emptied.
        for (const inner of deltas.values()) {
          for (const d of inner.values()) {
            if (d.records < 0) dropDaily.run(d.day, d.connectionKey, d.subscription, d.meter, d.resource, d.granularity);
          }
        }
        for (const m of monthly.values()) if (m.records < 0) dropMonthly.run(...m.key);
        for (const m of dailyMeter.values()) if (m.records < 0) dropDailyMeter.run(...m.key);
        for (const h of hourly.values()) {
          if (h.records < 0) dropHourly.run(h.hour, h.connectionKey, h.subscription);
        }
      }
      clear();
    },
    clear,
  };
}
