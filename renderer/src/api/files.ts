import { BRIDGE_KEY, UPLOADS_PATH, type DialogBridge, type PickedFile } from '../../../electron/shared/contract.ts';
import { launch } from './client.ts';
import { ApiError } from './errors.ts';
import { TOKEN_STORAGE_KEY } from './token.ts';

/**
 * Letting the user pick a file for the core (a bundle, usage files) without the page ever handing the core a path: the
 * result is an opaque fileRef that `bundles:verify`, `bundles:import` and `usage:import` take.
 *
 * - Desktop app: the preload's bridge offers `pickFile(accept)` (DialogBridge), which opens the native dialog in main
 *   and answers the fileRef main registered (core.acceptFile); this module only calls it.
 * - Browser mode: a hidden <input type="file">, then the file is uploaded to the server (`POST /api/uploads`, with
 *   the launch token), which stores it privately and answers the fileRef.
 */

export interface ChooseOptions {
  /** Upload progress, 0 to 1 (browser mode only). */
  onProgress?: (fraction: number) => void;
}

/** The file the user picked, accepted by the core; null when they cancelled. */
export async function chooseFile(accept: string, options: ChooseOptions = {}): Promise<PickedFile | null> {
  const bridge = (window as unknown as Record<string, Partial<DialogBridge> | undefined>)[BRIDGE_KEY];
  if (typeof bridge?.pickFile === 'function') return bridge.pickFile(accept);
  if (launch().mode !== 'browser') {
    throw new ApiError('INTERNAL', 'This console cannot open files: restart the desktop app.');
  }
  const file = await pickBrowserFile(accept);
  return file === null ? null : uploadFile(file, options.onProgress);
}

/** Opens the browser's file chooser; resolves with the file, or null when the dialog is cancelled. */
export function pickBrowserFile(accept: string, doc: Document = document): Promise<File | null> {
  return new Promise((resolve) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.dataset.testid = 'file-chooser-input';
    const done = (file: File | null): void => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    doc.body.append(input);
    input.click();
  });
}

/** Uploads a picked file to the browser-mode server, reporting progress; the answer is the core's fileRef. */
export function uploadFile(file: File, onProgress?: (fraction: number) => void): Promise<PickedFile> {
  const token = window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${UPLOADS_PATH}?name=${encodeURIComponent(file.name)}`);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    });
    xhr.addEventListener('error', () => reject(new ApiError('NETWORK', `${file.name} could not be sent: the console `
      + 'cannot reach the Stackmeter server. Check that `stackmeter serve` is still running.')));
    xhr.addEventListener('load', () => {
      let body: { ok?: boolean; value?: PickedFile; error?: { code: ApiError['code']; message: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Reported below.
      }
      if (body.ok === true && body.value) resolve(body.value);
      else if (body.error) reject(new ApiError(body.error.code, body.error.message));
      else reject(new ApiError('INTERNAL', `The server answered the upload of ${file.name} with HTTP ${xhr.status}.`));
    });
    xhr.send(file);
  });
}
