import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { StackmeterError } from '../shared/result.ts';

/**
 * Files the console picked (a native dialog in the desktop app, an upload in browser mode), known to the contract only
 * by an opaque reference. The renderer never sends a path: a compromised page could otherwise make the core read any
 * file the user can. Only the trusted side of a transport (Electron main, the HTTP server) turns a path into a
 * reference, with acceptFile; references live as long as the core.
 */

export const FILE_REF = /^file-[0-9a-f]{32}$/;

export interface AcceptedFile {
  path: string;
  /** The name the user knows the file by (what they picked or uploaded), for messages and results. */
  name: string;
}

export interface FileRefs {
  accept(path: string, displayName: string): string;
  resolve(fileRef: string): AcceptedFile;
}

export function createFileRefs(): FileRefs {
  const files = new Map<string, AcceptedFile>();
  return {
    accept(path, displayName) {
      let isFile = false;
      try {
        isFile = statSync(path).isFile();
      } catch {
        // Reported below.
      }
      if (!isFile) throw new StackmeterError('NOT_FOUND', `${displayName} is not a readable file.`);
      const ref = `file-${randomBytes(16).toString('hex')}`;
      files.set(ref, { path, name: displayName });
      return ref;
    },
    resolve(fileRef) {
      const file = files.get(fileRef);
      if (file === undefined) {
        throw new StackmeterError('NOT_FOUND', 'That file is no longer available (the console was restarted): choose '
          + 'it again.');
      }
      return file;
    },
  };
}
