import type { ExportResult } from '../../../electron/shared/domain.ts';
import { launch } from '../api/client.ts';
import { countText } from './numbers.ts';

/**
 * The headline of the toast after an export: where the files went. Delivered files were downloaded (browser mode) or
 * saved where the desktop user chose; files not delivered stay in the exports folder, whose path is then the news.
 */
export function exportedSummary(results: readonly ExportResult[], delivered: boolean): string {
  const verb = launch().mode === 'browser' ? 'Downloaded' : 'Saved';
  const first = results[0];
  if (results.length === 1 && first) return delivered ? `${verb} ${first.fileName}` : `Saved to ${first.path}`;
  return `${delivered ? verb : 'Saved'} ${countText(results.length, 'file', 'files')}`;
}
