import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CredentialInput, CredentialType } from '../shared/domain.ts';
import { StackmeterError } from '../shared/result.ts';
import type { SecretProtector } from './types.ts';

/** The secret source of a stamp imported from an offline bundle: it has no credential here and cannot sync. */
export const IMPORTED_SOURCE = 'imported';

/** What the cache keeps about a connection's credential: where it lives, and for `protected` its encrypted form. */
export interface StoredCredential {
  connection: string;
  credentialType: CredentialType;
  /** `env:NAME`, `file:/absolute/path`, `session` or `protected`. */
  secretSource: string;
  /** The credential encrypted by the operating system; `protected` only. */
  secretBlob: Buffer | null;
}

/** A credential given while adding a connection: its value for the first sign-in, and what to store. */
export interface AcceptedCredential {
  value: string;
  secretSource: string;
  secretBlob: Buffer | null;
}

export interface SecretStoreOptions {
  env: Record<string, string | undefined>;
  protector?: SecretProtector;
  /** process.platform by default; file permissions are checked everywhere but on Windows (ACLs, see the README). */
  platform?: NodeJS.Platform;
}

function noun(type: CredentialType): string {
  return type === 'secret' ? 'client secret' : 'certificate';
}

/**
 * Credentials never reach the cache in plain text: a connection stores where its credential comes from (an
 * environment variable, an owner-only file, this session's memory) or, in the desktop app, the credential encrypted by
 * the operating system. The credential is read when a sign-in needs it.
 */
export class SecretStore {
  readonly #env: Record<string, string | undefined>;
  readonly #protector: SecretProtector | undefined;
  readonly #platform: NodeJS.Platform;
  readonly #session = new Map<string, string>();

  constructor(options: SecretStoreOptions) {
    this.#env = options.env;
    this.#protector = options.protector;
    this.#platform = options.platform ?? process.platform;
  }

  /** True where credentials can be stored encrypted (the desktop app with a secure keyring). */
  get canProtect(): boolean {
    return this.#protector !== undefined;
  }

  /**
   * Checks a credential given while adding a connection and reads it once for the first sign-in. A session value is
   * remembered for later syncs in this process; a protected one is encrypted for storage.
   */
  accept(connection: string, credential: CredentialInput): AcceptedCredential {
    const { source, type } = credential;
    switch (source.kind) {
      case 'env': {
        const stored = { connection, credentialType: type, secretSource: `env:${source.variable}`, secretBlob: null };
        return { value: this.resolve(stored), secretSource: stored.secretSource, secretBlob: null };
      }
      case 'file': {
        // Stored absolute: a later sync may run from another working directory (a scheduler, the desktop app).
        const stored = { connection, credentialType: type, secretSource: `file:${resolve(source.path)}`, secretBlob: null };
        return { value: this.resolve(stored), secretSource: stored.secretSource, secretBlob: null };
      }
      case 'session':
        this.#session.set(connection.toLowerCase(), source.value);
        return { value: source.value, secretSource: 'session', secretBlob: null };
      case 'protected': {
        if (!this.#protector) {
          throw new StackmeterError(
            'INVALID_ARGUMENT',
            `The ${noun(type)} cannot be stored encrypted here: only the desktop app has the operating system's ` +
              'credential encryption. Give it through an environment variable or an owner-only file instead.',
          );
        }
        return { value: source.value, secretSource: 'protected', secretBlob: this.#protector.encrypt(source.value) };
      }
    }
  }

  /** The credential of a stored connection, or an AUTH error saying how to provide it. */
  resolve(stored: StoredCredential): string {
    const { connection, credentialType, secretSource } = stored;
    const what = `The ${noun(credentialType)} of "${connection}"`;
    if (secretSource.startsWith('env:')) {
      const variable = secretSource.slice(4);
      const value = this.#env[variable];
      if (!value) {
        throw new StackmeterError(
          'AUTH',
          `${what} is read from the environment variable ${variable}, which is not set in this process. Set it ` +
            'before running Stackmeter.',
        );
      }
      return value;
    }
    if (secretSource.startsWith('file:')) return this.#readOwnerOnlyFile(secretSource.slice(5), what, credentialType);
    if (secretSource === 'protected') return this.#decrypt(stored, what);
    if (secretSource === IMPORTED_SOURCE) {
      throw new StackmeterError(
        'AUTH',
        `"${connection}" came in an offline bundle and has no sign-in here: its usage can be imported, not synced. ` +
          'To sync it from this machine, add the stamp under another name with a credential: its sync takes over ' +
          'the imported rows (same records), never duplicating them.',
      );
    }
    const value = this.#session.get(connection.toLowerCase());
    if (!value) {
      throw new StackmeterError(
        'AUTH',
        `${what} was kept only in the memory of the session that added it. Remove the stamp and add it again, or ` +
          'give the credential through an environment variable or a file.',
      );
    }
    return value;
  }

  forget(connection: string): void {
    this.#session.delete(connection.toLowerCase());
  }

  #decrypt(stored: StoredCredential, what: string): string {
    if (!this.#protector) {
      throw new StackmeterError(
        'AUTH',
        `${what} is stored encrypted by the desktop app, and only the desktop app can decrypt it. Sync this stamp from ` +
          'the desktop app, or remove it and add it again with an environment variable or a file.',
      );
    }
    if (!stored.secretBlob) {
      throw new StackmeterError('AUTH', `${what} is missing from the cache. Remove the stamp and add it again.`);
    }
    try {
      return this.#protector.decrypt(stored.secretBlob);
    } catch (err) {
      throw new StackmeterError(
        'AUTH',
        `${what} could not be decrypted (${(err as Error).message}); it was stored by another user or machine, or the ` +
          'keyring was reset. Remove the stamp and add it again.',
      );
    }
  }

  /**
   * Reads a credential file, refusing one that other users may read or change: on POSIX systems its mode must grant
   * nothing to group and others. The descriptor is checked and read, so the file cannot be swapped in between.
   */
  #readOwnerOnlyFile(path: string, what: string, type: CredentialType): string {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new StackmeterError('AUTH', `${what} is read from ${path}, which cannot be opened (${code}).`);
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new StackmeterError('AUTH', `${what} is read from ${path}, which is not a file.`);
      if (this.#platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new StackmeterError(
          'AUTH',
          `${what} is read from ${path}, which other users may read or change (mode ${mode}). Make it readable by ` +
            `its owner only: chmod 600 ${path}`,
        );
      }
      const text = readFileSync(fd, 'utf8');
      // A secret file written with `echo` ends in a newline that is not part of the secret.
      const value = type === 'secret' ? text.replace(/[\r\n]+$/, '') : text;
      if (value.trim() === '') throw new StackmeterError('AUTH', `${what} is read from ${path}, which is empty.`);
      return value;
    } finally {
      closeSync(fd);
    }
  }
}
