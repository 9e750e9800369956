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
  db.transaction(() => {
    for (const m of migrations.slice(current)) {
      m.up(db);
      // user_version lives in the file header, which is part of the transaction: it rolls back with the steps.
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return current;
}
