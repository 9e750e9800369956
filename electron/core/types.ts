import type { EventName, Handlers, StackmeterEvents } from '../shared/contract.ts';
import type { BundleIdentity, ReadOnlySource } from '../shared/auditor.ts';
import type { ImportFileResult } from '../shared/domain.ts';
import type { SyncOptions } from './sync/manager.ts';

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Encrypts credentials with a key the operating system keeps for the user (the desktop app implements it with
 * Electron's safeStorage). Only the encrypted form is stored, in the connection's row.
 */
export interface SecretProtector {
  encrypt(plain: string): Buffer;
  /** Throws when the blob cannot be decrypted (another user, another machine, a reset keyring). */
  decrypt(blob: Buffer): string;
}

export interface CoreOptions {
  /** Path of the SQLite cache file; created with its folder when missing. */
  dbPath: string;
  clock?: Clock;
  log?: Logger;
  /** Environment used to resolve `env:` secrets and HTTPS_PROXY / NO_PROXY; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Present in the desktop app only: allows credentials of kind `protected`. */
  secretProtector?: SecretProtector;
  /** The exports folder (usage, rate cards, chargeback runs, statements); default: `exports` beside the cache. */
  exportDir?: string;
  /** Overlap, concurrency, retries of syncs (the CLI's sync options); defaults suit the console. */
  sync?: SyncOptions;
  /**
   * Auditor mode: the cache is opened read-only (no migration, no sync, every change refused with READ_ONLY, nothing
   * appended to the audit log) and the exports folder defaults to `auditor-exports` in the per-user data folder,
   * never beside the evidence. `path` is what the auditor opened: dbPath itself, or the bundle read into dbPath.
   */
  readOnly?: { source: ReadOnlySource; path: string; fingerprint?: string | null; bundle?: BundleIdentity | null };
}

export type Unsubscribe = () => void;

/**
 * The object behind every front door (CLI, browser-mode server, Electron main). It implements the contract and adds
 * what only trusted, local callers use (file imports by path, closing the cache).
 */
export interface Core extends Handlers {
  on<E extends EventName>(event: E, listener: (payload: StackmeterEvents[E]) => void): Unsubscribe;
  /** Resolves when the given sync run has ended (used by the CLI, which runs in the foreground). */
  waitForRun(runId: number): Promise<void>;
  importFiles(paths: string[], options?: { connection?: string; dateFormat?: string }): Promise<ImportFileResult[]>;
  /**
   * Turns a file the user picked (desktop file dialog, browser-mode upload) into the opaque reference the contract's
   * file methods take. Only the trusted side of a transport calls it; the renderer never sends a path.
   */
  acceptFile(path: string, displayName: string): string;
  /** Cancels running syncs, waits for them to record their end, then closes the cache. */
  close(): Promise<void>;
  /** The folder exports are written to (the browser-mode server downloads from it). */
  readonly exportDir: string;
}
