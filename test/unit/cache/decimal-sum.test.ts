import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDecimalSum } from '../../../electron/core/cache/decimal-sum.ts';

describe('decimal_sum', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    registerDecimalSum(db);
    db.exec('CREATE TABLE t (g TEXT, q TEXT)');
  });
  afterEach(() => db.close());

  const sum = (values: (string | null)[]): unknown => {
    db.exec('DELETE FROM t');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (const v of values) insert.run('a', v);
    return db.prepare('SELECT decimal_sum(q) FROM t').pluck().get();
  };

  it('adds exactly where floats do not', () => {
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum(['49.384346361272037', '49.384254808537662', '16.461425899527967'])).toBe('115.230027069337666');
  });

  it('keeps every digit of very large and very small terms, in plain notation', () => {
    expect(sum(['123456789012345678901234567890', '0.000000000000000000001'])).toBe(
      '123456789012345678901234567890.000000000000000000001',
    );
    expect(sum(['2.5E-05', '1e-7'])).toBe('0.0000251');
  });

  it('is NULL over no rows and skips NULLs', () => {
    expect(sum([])).toBeNull();
    expect(sum([null, '1.50', null])).toBe('1.5');
  });

  it('aggregates per group', () => {
    db.prepare("INSERT INTO t VALUES ('a', '1'), ('b', '2'), ('b', '3')").run();
    expect(db.prepare('SELECT g, decimal_sum(q) AS s FROM t GROUP BY g ORDER BY g').all()).toEqual([
      { g: 'a', s: '1' },
      { g: 'b', s: '5' },
    ]);
  });

  it('refuses text that is not a number', () => {
    expect(() => sum(['1', 'abc'])).toThrow('"abc" is not a decimal number');
  });
});
