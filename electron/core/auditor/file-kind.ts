import { closeSync, openSync, readSync } from 'node:fs';
import { StackmeterError } from '../../shared/result.ts';
import { BUNDLE_MAGIC } from '../bundles/format.ts';

/** The first bytes of every SQLite database file. */
const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * What an auditor was given to open, by its first bytes rather than its name: a cache (opened read-only as it is) or a
 * bundle (verified, then read into a temporary cache: open-bundle.ts).
 */
export function auditFileKind(path: string): 'cache' | 'bundle' {
  const head = Buffer.alloc(Math.max(SQLITE_MAGIC.length, BUNDLE_MAGIC.length));
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new StackmeterError('NOT_FOUND', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const text = head.subarray(0, read).toString('latin1');
  if (text.startsWith(SQLITE_MAGIC)) return 'cache';
  if (text.startsWith(BUNDLE_MAGIC)) return 'bundle';
  throw new StackmeterError('BAD_INPUT', `${path} is neither a Stackmeter cache (an SQLite file) nor a bundle (.smb).`);
}
