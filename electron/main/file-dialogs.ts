import { basename, join } from 'node:path';
import type { Logger } from '../core/types.ts';
import { PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL } from '../shared/contract.ts';
import type { PickedFile } from '../shared/contract.ts';
import type { Result } from '../shared/result.ts';
import type { InvokeEventLike, IpcMainLike } from './ipc.ts';
import { isAppFrame } from './ipc.ts';

/**
 * The desktop app's side of the console's file chooser and "Save as" (DialogBridge in contract.ts). The page names only
 * extensions and export file names; main shows the native dialog, so the page never sees nor sends a path: a picked
 * file reaches the core as the opaque fileRef of core.acceptFile, and an export is copied from the exports folder by
 * its plain file name to where the user chose.
 */
export interface FileDialogDeps {
  /** Shows an open dialog for these extensions (lower case, no dot); the chosen path, or null when cancelled. */
  choosePath(extensions: string[]): Promise<string | null>;
  /** One file: a save dialog suggesting its name; several: a folder. Null when cancelled. */
  chooseTarget(fileNames: string[]): Promise<{ file: string } | { folder: string } | null>;
  acceptFile(path: string, displayName: string): string;
  fileSize(path: string): number;
  /** Copies a file; `exclusive` refuses to replace an existing one (a folder chosen for several files). */
  copy(from: string, to: string, exclusive: boolean): Promise<void>;
  exportDir: string;
  log?: Logger;
}

/** The extensions of an HTML accept list of extensions (".smb", ".json, .CSV"), or null when it is anything else. */
export function acceptedExtensions(accept: unknown): string[] | null {
  if (typeof accept !== 'string' || accept.length > 200) return null;
  const entries = accept.split(',').map((entry) => entry.trim().toLowerCase());
  if (entries.length === 0 || !entries.every((entry) => /^\.[a-z0-9]{1,10}$/.test(entry))) return null;
  return [...new Set(entries.map((entry) => entry.slice(1)))];
}

/**
 * Export file names as the core writes them, or null: 1 to 500 plain names (no folder part, no dot segment, nothing
 * hidden), so that a page cannot have main copy a file from outside the exports folder.
 */
export function exportFileNames(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > 500) return null;
  const plain = (name: unknown): name is string => typeof name === 'string' && name.length <= 200
    && /^[A-Za-z0-9][A-Za-z0-9._ ()+-]*$/.test(name) && !name.includes('..');
  return value.every(plain) ? [...value] : null;
}

const FORBIDDEN: Result<never> = {
  ok: false, error: { code: 'FORBIDDEN', message: 'This window is not allowed to call Stackmeter.' },
};

function invalid(message: string): Result<never> {
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message } };
}

/** Registers both dialog channels; returns a function that removes them. */
export function registerFileDialogHandlers(
  ipcMain: IpcMainLike,
  deps: FileDialogDeps,
  isTrustedSender: (event: InvokeEventLike) => boolean = isAppFrame,
): () => void {
  ipcMain.handle(PICK_FILE_CHANNEL, async (event, accept): Promise<Result<PickedFile | null>> => {
    if (!isTrustedSender(event)) return FORBIDDEN;
    const extensions = acceptedExtensions(accept);
    if (!extensions) return invalid('pickFile: accept must list file extensions, such as ".smb" or ".json,.csv".');
    try {
      const path = await deps.choosePath(extensions);
      if (path === null) return { ok: true, value: null };
      const name = basename(path);
      return { ok: true, value: { fileRef: deps.acceptFile(path, name), name, bytes: deps.fileSize(path) } };
    } catch (err) {
      return { ok: false, error: { code: 'BAD_INPUT', message: `The file could not be opened: ${messageOf(err)}` } };
    }
  });

  ipcMain.handle(SAVE_EXPORTS_CHANNEL, async (event, fileNames): Promise<Result<{ saved: string[] } | null>> => {
    if (!isTrustedSender(event)) return FORBIDDEN;
    const names = exportFileNames(fileNames);
    if (!names) return invalid('saveExports: give the file names an export returned.');
    const target = await deps.chooseTarget(names);
    if (target === null) return { ok: true, value: null };
    const saved: string[] = [];
    try {
      for (const name of names) {
        const to = 'file' in target ? target.file : join(target.folder, name);
        await deps.copy(join(deps.exportDir, name), to, !('file' in target));
        saved.push(to);
      }
      return { ok: true, value: { saved } };
    } catch (err) {
      deps.log?.warn('Saving an export failed', { error: messageOf(err) });
      const done = saved.length > 0 ? ` (${saved.length} of ${names.length} saved before that)` : '';
      return { ok: false, error: { code: 'BAD_INPUT', message: `The export could not be saved${done}: ${messageOf(err)}. `
        + `It is still in ${deps.exportDir}.` } };
    }
  });

  return () => {
    ipcMain.removeHandler(PICK_FILE_CHANNEL);
    ipcMain.removeHandler(SAVE_EXPORTS_CHANNEL);
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
