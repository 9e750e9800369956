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

/**
 * Collects one page's changes to the daily rollup (usage_daily) and writes them with one upsert per day and key, in
 * the transaction that writes the page's usage rows: a page of hourly records of one subscriber folds into a few
 * dozen daily rows, so the rollup costs far fewer statements than the rows themselves.
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

export function createRollupBuffer(db: Database.Database): RollupBuffer {
  const upsert = db.prepare(`
    INSERT INTO usage_daily (day, connection_key, subscription_key, meter_key, resource_key, granularity, records,
                             quantity, quantity_text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET
      records = records + excluded.records, quantity = quantity + excluded.quantity,
      quantity_text = decimal_add(quantity_text, excluded.quantity_text)`);
  const dropEmpty = db.prepare(`
    DELETE FROM usage_daily
    WHERE day = ? AND connection_key = ? AND subscription_key = ? AND meter_key = ? AND resource_key = ?
      AND granularity = ? AND records = 0`);
  // Keyed in two levels: (day, stamp, subscription, granularity) rarely changes from one record to the next within a
  // page, so the outer key string is built only when it does; the inner key packs resource and meter into one number.
  const deltas = new Map<string, Map<number, Delta>>();
  let lastOuter: Map<number, Delta> | undefined;
  let lastDay = -1;
  let lastConnection = -1;
  let lastSubscription = -1;
  let lastGranularity = '';
  let shrank = false;

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
    if (records < 0) shrank = true;
  };

  const clear = (): void => {
    deltas.clear();
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
      for (const inner of deltas.values()) {
        for (const d of inner.values()) {
          upsert.run(d.day, d.connectionKey, d.subscription, d.meter, d.resource, d.granularity, d.records, d.quantity,
            formatScaled(d.exact));
        }
      }
      if (shrank) {
        for (const inner of deltas.values()) {
          for (const d of inner.values()) {
            if (d.records < 0) {
              dropEmpty.run(d.day, d.connectionKey, d.subscription, d.meter, d.resource, d.granularity);
            }
          }
        }
      }
      clear();
    },
    clear,
  };
}
