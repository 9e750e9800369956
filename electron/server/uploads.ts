import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_MAX_BYTES, type PickedFile } from '../shared/contract.ts';
import { StackmeterError } from '../shared/result.ts';

/**
 * Browser mode's file picker: the page cannot hand the core a path, so it uploads the file it picked
 * (`POST /api/uploads?name=...`, see contract.ts) and gets back the fileRef the contract's file methods take. Files go
 * to a folder only this user can read, created per server and removed when it closes; names are reduced to a plain
 * file name for messages, and the stored file gets a random prefix so no name can collide with or point at another.
 */

export interface UploadStore {
  /** Streams the request body to a new file (at most `maxBytes`) and registers it; StackmeterError when refused. */
  receive(req: IncomingMessage, name: string | null): Promise<PickedFile>;
  close(): Promise<void>;
}

/** A file name a person would recognise, safe to show and to store: no path, no control characters. */
export function safeUploadName(raw: string | null): string {
  const last = (raw ?? '').split(/[\\/]/).at(-1) ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = last.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').replace(/^\.+/, '').trim().slice(0, 120);
  return cleaned === '' ? 'upload' : cleaned;
}

export async function createUploadStore(accept: (path: string, name: string) => string,
  maxBytes = UPLOAD_MAX_BYTES): Promise<UploadStore> {
  // mkdtemp creates the folder with mode 0700: other users cannot list or read what was uploaded.
  const dir = await mkdtemp(join(tmpdir(), 'stackmeter-uploads-'));
  return {
    async receive(req, rawName) {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
      const name = safeUploadName(rawName);
      const path = join(dir, `${randomBytes(8).toString('hex')}-${name}`);
      let bytes = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
        },
      });
      try {
        await pipeline(req, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      } catch (err) {
        await unlink(path).catch(() => undefined);
        if (err instanceof StackmeterError) throw err;
        throw new StackmeterError('BAD_INPUT', `The upload of ${name} was interrupted; choose the file again.`);
      }
      return { fileRef: accept(path, name), name, bytes };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

function tooLarge(maxBytes: number): StackmeterError {
  return new StackmeterError('INVALID_ARGUMENT',
    `The file is larger than ${Math.round(maxBytes / 2 ** 20)} MiB, the most the console accepts.`);
}
