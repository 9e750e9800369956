import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/cache/migrate.ts';
import { MIGRATIONS } from '../../../electron/core/cache/migrations/index.ts';
import type { Migration } from '../../../electron/core/cache/migrations/types.ts';
import { openCache } from '../../../electron/core/cache/open.ts';
import { StackmeterError } from '../../../electron/shared/result.ts';

const tables = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('cache migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a new cache every table, the latest version and the meter catalog, creating its folder', () => {
    const db = openCache(join(dir, 'nested', 'folder', 'cache.sqlite'));
    expect(tables(db)).toEqual([
      'adjustments',
      'audit_log',
      'bundle_key',
      'bundle_trusted_keys',
      'cache_settings',
      'capacity_models',
      'connections',
      'imported_audit_log',
      'meter_overrides',
      'meters',
      'rate_card_versions',
      'rate_cards',
      'resources',
      'sqlite_sequence',
      'statements',
      'subscription_keys',
      'subscriptions',
      'sync_locks',
      'sync_run_units',
      'sync_runs',
      'sync_watermarks',
      'usage_daily',
      'usage_daily_meter',
      'usage_hourly_counts',
      'usage_monthly',
      'usage_records',
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM meters WHERE source = 'catalog'").pluck().get()).toBe(84);
    db.close();
  });

  it('leaves a current cache and its data alone when opened again', () => {
    const path = join(dir, 'cache.sqlite');
    const first = openCache(path);
    first.prepare("UPDATE meters SET name = 'renamed' WHERE meter_id = 'b5c15376-6c94-4fdd-b655-1a69d138aca3'").run();
    first.prepare("INSERT INTO subscription_keys (subscription_id) VALUES ('x')").run();
    // as if seeded by an older Stackmeter, whose catalog differed
    first.prepare("UPDATE cache_settings SET value = 'older' WHERE key = 'meter_catalog_version'").run();
    first.close();
    const again = openCache(path);
    expect(migrate(again)).toBe(MIGRATIONS.length); // nothing pending
    expect(again.prepare('SELECT count(*) FROM subscription_keys').pluck().get()).toBe(1);
    // The catalog refresh (the shipped version differs) restores what the catalog says, and only that.
    expect(again.prepare("SELECT name FROM meters WHERE meter_id = 'b5c15376-6c94-4fdd-b655-1a69d138aca3'").pluck().get()).toBe(
      'PageBlobCapacity',
    );
    expect(again.prepare('SELECT count(*) FROM meters').pluck().get()).toBe(84);
    again.close();
  });

  it('refuses a cache written by a newer version, naming the file, both versions and what to do', () => {
    const path = join(dir, 'future.sqlite');
    const future = new Database(path);
    future.pragma('user_version = 99');
    future.close();
    let error: unknown;
    try {
      openCache(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StackmeterError);
    expect((error as StackmeterError).code).toBe('BAD_INPUT');
    expect((error as StackmeterError).message).toContain(path);
    expect((error as StackmeterError).message)
      .toMatch(new RegExp(`version 99.*up to ${MIGRATIONS.length}\\b.*newer Stackmeter.*move the file aside`));
    // and did not touch it
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(tables(check)).toEqual([]);
    check.close();
  });

  it('rolls every pending step back when one fails', () => {
    const db = new Database(join(dir, 'fail.sqlite'));
    const steps: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x)') },
      { version: 2, name: 'two', up: (d) => d.exec('CREATE TABLE b (x); INSERT INTO nowhere VALUES (1)') },
    ];
    expect(() => migrate(db, steps)).toThrow(/no such table: nowhere/);
    expect(tables(db)).toEqual([]);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    // with the bad step fixed, both apply
    steps[1] = { version: 2, name: 'two', up: (d) => d.exec('CREATE TABLE b (x)') };
    expect(migrate(db, steps)).toBe(0);
    expect(tables(db)).toEqual(['a', 'b']);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('applies only the steps a cache has not had', () => {
    const db = new Database(':memory:');
    const ran: number[] = [];
    const step = (version: number): Migration => ({ version, name: `v${version}`, up: () => void ran.push(version) });
    migrate(db, [step(1)]);
    migrate(db, [step(1), step(2), step(3)]);
    expect(ran).toEqual([1, 2, 3]);
    db.close();
  });

  it('refuses a migration list with a gap', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'two', up: () => {} }])).toThrow(/version 2, expected 1/);
    db.close();
  });

  it('says clearly when the file is not a database', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'this is not a database, just some text that is long enough to fill a header page'.repeat(20));
    expect(() => openCache(path)).toThrow(/notes\.txt is not a Stackmeter cache/);
  });
});
