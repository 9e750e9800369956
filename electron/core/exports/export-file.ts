import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

// How every export reaches the exports folder: written in full under a hidden temporary name in the same folder,
// flushed to disk, and only then given its real name, so a crash or a failed write never leaves a half file that
// looks like an export.

/** `YYYYMMDD-HHMMSS` of a time, in UTC: how every export's name says when it was made. */
export function fileTimeStamp(now: Date): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** A hidden temporary name in `dir` for an export that will be named `<base>.<ext>`. */
export function temporaryPath(dir: string, base: string): string {
  return join(dir, `.${base}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Flushes a file that was written through a stream to disk. */
export async function syncFile(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Writes a new file (never replacing one) and flushes it to disk. */
export async function writeNewFile(path: string, data: string | Uint8Array): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Moves a finished temporary file to the first free name `<base>.<ext>`, `<base>-2.<ext>`, ... A hard link claims a
 * name atomically and never replaces a file; where the file system has no hard links, a rename after checking that
 * the name is free does.
 */
export async function publishExport(temp: string, dir: string, base: string, ext: string): Promise<string> {
  for (let n = 1; ; n++) {
    const target = join(dir, `${base}${n === 1 ? '' : `-${n}`}.${ext}`);
    try {
      await link(temp, target);
      await unlink(temp);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
      if (await stat(target).then(() => true, () => false)) continue;
      await rename(temp, target);
      return target;
    }
  }
}

export interface WrittenExport<T> {
  fileName: string;
  path: string;
  bytes: number;
  /** What the writer returned (e.g. the number of rows). */
  value: T;
}

/**
 * Creates `dir` when missing, lets `write` fill a temporary file in it (the writer must create the file, e.g. with
 * flag 'wx', and flush it), then names it `<base>.<ext>` (or `-2`, `-3`... when taken). On any failure the temporary
 * file is removed and the error passed on.
 */
export async function writeExport<T>(dir: string, base: string, ext: string, write: (temp: string) => Promise<T>):
  Promise<WrittenExport<T>> {
  await mkdir(dir, { recursive: true });
  const temp = temporaryPath(dir, base);
  try {
    const value = await write(temp);
    const path = await publishExport(temp, dir, base, ext);
    return { fileName: basename(path), path, bytes: (await stat(path)).size, value };
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
