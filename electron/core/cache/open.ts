import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StackmeterError } from '../../shared/result.ts';
import { registerDecimalSum } from './decimal-sum.ts';
import { seedMeterCatalog } from './meter-catalog.ts';
import { migrate } from './migrate.ts';

/**
 * Opens (creating when missing, folder included) the SQLite cache, brings its schema up to date and refreshes the
 * meter catalog. `:memory:` gives a throwaway cache.
 */
export function openCache(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    registerDecimalSum(db);
    // Before anything else writes to the file, so that a cache from a newer Stackmeter is refused untouched.
    migrate(db);
    // WAL lets the console read while a sync writes; NORMAL is durable at every checkpoint and loses at most the last
    // commits on power loss (never corrupts), which a re-sync restores.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    seedMeterCatalog(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof Database.SqliteError && err.code === 'SQLITE_NOTADB') {
      throw new StackmeterError(
        'BAD_INPUT',
        `${path} is not a Stackmeter cache (not an SQLite database): choose another file or move this one aside.`,
      );
    }
    throw err;
  }
}
