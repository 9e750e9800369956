import { afterEach, describe, expect, it } from 'vitest';
import { BRIDGE_KEY } from '../../../electron/shared/contract.ts';
import type { ExportResult } from '../../../electron/shared/domain.ts';
import { deliverExports } from '../../../renderer/src/api/download.ts';

const result = (fileName: string): ExportResult => ({ fileName, path: `/home/op/.config/Stackmeter/exports/${fileName}`, rows: 3, bytes: 99 });

/** The desktop bridge as the preload exposes it, with the main process's "Save as" answer scripted. */
function desktopBridge(answer: { saved: string[] } | null) {
  const asked: string[][] = [];
  Object.assign(window, {
    [BRIDGE_KEY]: {
      invoke: async () => ({ ok: true, value: null }),
      on: () => () => {},
      pickFile: async () => null,
      saveExports: async (fileNames: string[]) => { asked.push(fileNames); return answer; },
    },
  });
  return asked;
}

describe('delivering exports in the desktop app', () => {
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>)[BRIDGE_KEY];
  });

  it('offers the native "Save as" for every file of the export at once, and reports them delivered', async () => {
    const asked = desktopBridge({ saved: ['/home/op/Documents/a.pdf', '/home/op/Documents/b.pdf'] });
    expect(await deliverExports([result('a.pdf'), result('b.pdf')])).toBe(true);
    expect(asked).toEqual([['a.pdf', 'b.pdf']]);
  });

  it('leaves the files in the exports folder when the dialog is cancelled', async () => {
    desktopBridge(null);
    expect(await deliverExports([result('a.csv')])).toBe(false);
  });
});
