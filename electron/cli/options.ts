import { readFileSync } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ExportResult } from '../shared/domain.ts';
import { StackmeterError } from '../shared/result.ts';
import { defaultExportDir } from '../core/exports/usage-export.ts';
import type { OptionValues } from './command.ts';

/**
 * Reading the options and files of a command line the same way in every command: a missing or malformed option is
 * INVALID_ARGUMENT (exit code 2) naming the option, a file that cannot be read BAD_INPUT naming the file.
 */

/** A string option's value; undefined when it is not given. */
export function textOption(options: OptionValues, name: string): string | undefined {
  const raw = options[name];
  return typeof raw === 'string' ? raw : undefined;
}

/**
 * A string option the command cannot do without; `usage` shows how to give it. Blank text counts as missing: a
 * reason of spaces tells the audit log nothing.
 */
export function requiredOption(options: OptionValues, name: string, usage: string): string {
  const value = textOption(options, name);
  if (value === undefined || value.trim() === '') {
    throw new StackmeterError('INVALID_ARGUMENT', `--${name} is required: ${usage}`);
  }
  return value;
}

/** Every value of a repeatable option, commas splitting values too; undefined when there are none. */
export function listOption(options: OptionValues, name: string): string[] | undefined {
  const raw = options[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length > 0 ? values : undefined;
}

/** A whole number option (0 or more); `fallback` when it is not given. */
export function intOption(options: OptionValues, name: string, fallback: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new StackmeterError('INVALID_ARGUMENT', `--${name} must be a whole number, not "${String(raw)}".`);
  }
  return value;
}

/** A rate card version number (1, 2...); undefined when the option is not given. */
export function versionOption(options: OptionValues, name = 'version'): number | undefined {
  const raw = textOption(options, name);
  if (raw === undefined) return undefined;
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) {
    throw new StackmeterError('INVALID_ARGUMENT', `--${name} must be a version number (1, 2...), not "${raw}".`);
  }
  return version;
}

/** The text of a file named on the command line. */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new StackmeterError('BAD_INPUT', `${file}: ${(err as Error).message}`);
  }
}

/**
 * A file the core wrote to the exports folder, moved to the file the command line named. The command opens the core
 * with that file's folder as the exports folder, so that the rename stays on one file system.
 */
export async function moveExport(file: ExportResult, target: string): Promise<ExportResult> {
  await rename(file.path, target);
  return { ...file, fileName: basename(target), path: target };
}

const isDirectory = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Where an export that --out may name a file or a folder goes: without --out, the exports folder beside the cache;
 * into --out when it is a folder; else `file`, the file --out names (written in its folder, then moveExport).
 */
export async function exportOutput(dbPath: string, out: string | undefined):
  Promise<{ dir: string; file: string | null }> {
  if (out === undefined) return { dir: defaultExportDir(dbPath), file: null };
  const target = resolve(out);
  return await isDirectory(target) ? { dir: target, file: null } : { dir: dirname(target), file: target };
}
