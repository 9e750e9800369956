import type Database from 'better-sqlite3';
import { StackmeterError } from '../../shared/result.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';

/**
 * Brings the cache's schema up to date. The schema version lives in PRAGMA user_version; pending steps run in one
 * transaction together with the version bump, so a failing step leaves the file exactly as it was. A file written by a
 * newer Stackmeter is refused rather than guessed at. Returns the version the file had before.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StackmeterError(
      'BAD_INPUT',
      `The cache ${db.name} has schema version ${current}, but this Stackmeter only knows versions up to ${latest}. ` +
        'It was written by a newer Stackmeter: open it with that version, or move the file aside to start a new cache.',
    );
  }
  if (current === latest) return current;
  // A step may rebuild a table that others reference (SQLite's 12-step ALTER TABLE procedure), and with foreign keys
  // enforced, dropping the old table would cascade deletes into its children. Steps therefore run with enforcement off
  // (the pragma is ignored inside a transaction, so it is switched outside it) and every reference is checked before
  // the transaction commits: a step that broke one rolls back with all the others.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  if (enforced) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const m of migrations.slice(current)) {
        m.up(db);
        // user_version lives in the file header, which is part of the transaction: it rolls back with the steps.
        db.pragma(`user_version = ${m.version}`);
      }
      const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
      if (broken.length > 0) {
        const first = broken[0];
        throw new Error(`schema migration left ${broken.length} rows of ${first.table} without their ${first.parent} row`);
      }
    })();
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
  return current;
}
