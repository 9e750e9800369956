import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StackmeterError } from '../../shared/result.ts';
import type { BundleSource } from './format.ts';

/**
 * A bundle file read by position (fs.readSync on one descriptor), never whole: verifying or importing a bundle of
 * gigabytes holds one entry at a time. The length is the file's size when opened; a file that shrinks while it is
 * read fails the read that reaches past its end rather than passing as shorter.
 */
export interface BundleFile extends BundleSource {
  close(): void;
}

/** Opens a bundle for reading; NOT_FOUND `<what> cannot be read (<code>).` when it cannot be. */
export function openBundleFile(path: string, what: string): BundleFile {
  let fd: number;
  let length: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new StackmeterError('NOT_FOUND', `${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new StackmeterError('NOT_FOUND', `${what} cannot be read (not a file).`);
    length = stat.size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return {
    length,
    read(position, count) {
      const bytes = Buffer.allocUnsafe(count);
      let done = 0;
      while (done < count) {
        const n = readSync(fd, bytes, done, count - done, position + done);
        if (n === 0) {
          throw new StackmeterError('BAD_INPUT', `${what} changed while it was read: it ends at byte `
            + `${position + done}, before byte ${position + count}.`);
        }
        done += n;
      }
      return bytes;
    },
    close: () => closeSync(fd),
  };
}

/** Runs `use` on an opened bundle file and closes it, whatever happens. */
export function withBundleFile<T>(path: string, what: string, use: (file: BundleFile) => T): T {
  const file = openBundleFile(path, what);
  try {
    return use(file);
  } finally {
    file.close();
  }
}
