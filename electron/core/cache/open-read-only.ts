import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StackmeterError } from '../../shared/result.ts';
import { registerDecimalSum } from './decimal-sum.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Opens a cache for auditor mode: read-only at the SQLite level (any write fails with SQLITE_READONLY), no schema
 * migration, no meter catalog refresh. A WAL-mode cache is read together with its -wal file, so commits not yet
 * checkpointed are seen. SQLite needs the -shm index beside a WAL-mode file even to read it: when the companions are
 * missing it creates them (an empty -wal and the -shm) in the cache's folder and leaves them there; the cache file
 * itself is never written. On read-only media where they cannot be created, the open fails and says so.
 */
export function openCacheReadOnly(path: string): Database.Database {
  if (!existsSync(path)) {
    throw new StackmeterError('NOT_FOUND', `There is no cache file ${path} to open read-only.`);
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw openError(path, err);
  }
  try {
    db.pragma('busy_timeout = 5000');
    registerDecimalSum(db);
    checkSchema(db, path);
    return db;
  } catch (err) {
    db.close();
    throw openError(path, err);
  }
}

/**
 * The schema must be exactly this build's: an older cache would need migrating, which is a write, and a newer one
 * holds tables this build does not know how to read.
 */
function checkSchema(db: Database.Database, path: string): void {
  const latest = MIGRATIONS.length;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === latest) return;
  if (version === 0) {
    throw new StackmeterError('BAD_INPUT', `${path} is not a Stackmeter cache (it has no Stackmeter schema).`);
  }
  if (version > latest) {
    throw new StackmeterError('BAD_INPUT', `The cache ${path} has schema version ${version}, but this Stackmeter only `
      + `knows versions up to ${latest}: it was written by a newer Stackmeter. Open it with that version.`);
  }
  throw new StackmeterError('BAD_INPUT', `The cache ${path} has schema version ${version}, older than this `
    + `Stackmeter's ${latest}, and a read-only cache cannot be upgraded. Copy the file, open the copy once normally `
    + '(e.g. "stackmeter audit verify --db <copy>") to upgrade it, then open the copy read-only; or use the Stackmeter '
    + 'version that wrote it.');
}

function openError(path: string, err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code === 'SQLITE_NOTADB') {
    return new StackmeterError('BAD_INPUT', `${path} is not a Stackmeter cache (not an SQLite database).`);
  }
  if (err.code === 'SQLITE_CANTOPEN' || err.code === 'SQLITE_READONLY_CANTINIT'
    || err.code === 'SQLITE_READONLY_RECOVERY') {
    return new StackmeterError('BAD_INPUT', `${path} cannot be opened read-only here (${err.message}): a cache in WAL `
      + 'mode needs its -shm file beside it, and this folder does not allow creating one. Copy the cache (with its '
      + '-wal file, if there is one) to a writable folder and open the copy.');
  }
  return err;
}
