import type { Core, CoreOptions, Logger } from '../core/types.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help after the flag, e.g. `<url>`. */
  placeholder?: string;
  multiple?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
  variadic?: boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CliContext {
  /** The cache path the command works on (--db, or the per-user default). */
  dbPath: string;
  json: boolean;
  /**
   * Opens the core on dbPath (once; later calls return the same core); commands that never touch the cache (simulate)
   * do not call it. `sync` passes its sync options, `usage --out` the folder its export is written in.
   */
  openCore(options?: Pick<CoreOptions, 'sync' | 'exportDir'>): Core;
  /** Machine-readable or human output on stdout. */
  out(text: string): void;
  /** Progress and diagnostics on stderr, so that --json output stays clean. */
  err(text: string): void;
  /** The core's logger on the terminal (warnings and errors in words), for cores a command opens itself. */
  log: Logger;
  /** --read-only: openCore opens the cache in auditor mode (CoreOptions.readOnly). */
  readOnly: boolean;
  /** Resolves when the user presses Ctrl-C (SIGINT); long commands race it to cancel cleanly. */
  interrupted: Promise<void>;
  isTTY: boolean;
}

export interface Command {
  /** One or two words: `sync`, `connect add`. */
  name: string;
  summary: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  /** Paragraphs printed under the usage line by `--help`. */
  details?: string;
  /** File name in the per-user data folder used when --db is not given (default: the main cache). */
  defaultDbFile?: string;
  run(ctx: CliContext, options: OptionValues, positionals: string[]): Promise<number>;
}

/** Exit codes, documented in the README: scripts and schedulers branch on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  network: 4,
  api: 5,
  /** The sync ended, but some reported-time windows failed; the next sync retries them. */
  partial: 6,
  /** Another sync of the same stamp is running. */
  locked: 7,
  cancelled: 130,
} as const;
