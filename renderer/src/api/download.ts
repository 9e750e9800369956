import { BRIDGE_KEY, EXPORTS_PATH, type DialogBridge } from '../../../electron/shared/contract.ts';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import { launch } from './client.ts';
import { ApiError } from './errors.ts';
import { TOKEN_STORAGE_KEY } from './token.ts';

/**
 * Getting an exported file to the user. The core writes exports into its exports folder: the desktop app's user can
 * open that folder, so the path is enough; a browser (stackmeter serve) cannot, so the file is fetched from the server
 * with the launch token and handed to the browser as a download.
 */

/** Where browser mode serves a file from the exports folder. */
export function exportUrl(fileName: string): string {
  return `${EXPORTS_PATH}${encodeURIComponent(fileName)}`;
}

export interface DownloadOptions {
  fetch?: typeof fetch;
  /** The launch token; by default the one this tab was opened with. */
  token?: string | null;
  document?: Document;
}

/**
 * Downloads exports when the console runs in a browser. The desktop app offers its native "Save as" dialog (a folder for
 * several files) and copies them there; cancelled, they stay in the exports folder. True when the files were delivered.
 */
export async function deliverExports(results: readonly ExportResult[]): Promise<boolean> {
  const bridge = (window as unknown as Record<string, Partial<DialogBridge> | undefined>)[BRIDGE_KEY];
  if (typeof bridge?.saveExports === 'function') {
    return results.length > 0 && (await bridge.saveExports(results.map((r) => r.fileName))) !== null;
  }
  if (launch().mode !== 'browser') return false;
  for (const result of results) await downloadExport(result);
  return true;
}

/** Fetches an export with the launch token and saves it through a temporary `<a download>` link. */
export async function downloadExport(result: ExportResult, options: DownloadOptions = {}): Promise<void> {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const token = options.token === undefined ? window.sessionStorage.getItem(TOKEN_STORAGE_KEY) : options.token;
  const doc = options.document ?? document;
  let response: Response;
  try {
    response = await doFetch(exportUrl(result.fileName), {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError('NETWORK', `${result.fileName} was written but could not be downloaded: the console cannot ` +
      'reach the Stackmeter server. Check that `stackmeter serve` is still running, or take the file from ' +
      `${result.path}.`);
  }
  if (!response.ok) {
    const code = response.status === 401 || response.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND';
    throw new ApiError(code, `The server answered HTTP ${response.status} when downloading ${result.fileName}; ` +
      `the file is at ${result.path}.`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = doc.createElement('a');
  link.href = url;
  link.download = result.fileName;
  link.style.display = 'none';
  doc.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The browser has taken the blob once the click returns; revoking on the next turn frees it.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
