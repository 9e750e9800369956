import { constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acceptedExtensions, exportFileNames, registerFileDialogHandlers } from '../../../electron/main/file-dialogs.ts';
import type { FileDialogDeps } from '../../../electron/main/file-dialogs.ts';
import { BRIDGE_KEY, PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL } from '../../../electron/shared/contract.ts';
import type { DialogBridge } from '../../../electron/shared/contract.ts';
import { consoleFrame, InMemoryIpcMain } from './in-memory-ipc.ts';

const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-dialogs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const exportDir = join(scratch, 'exports');
mkdirSync(exportDir);
writeFileSync(join(exportDir, 'statement-2026-10.pdf'), 'pdf bytes');
writeFileSync(join(exportDir, 'statement-2026-10-contoso.pdf'), 'contoso pdf');
const bundle = join(scratch, 'site-a.smb');
writeFileSync(bundle, 'x'.repeat(1234));

/** Dialog answers scripted per test; everything else is real (file sizes, copies). */
function setUp(answers: { path?: string | null; target?: { file: string } | { folder: string } | null } = {}) {
  const asked: { extensions?: string[]; fileNames?: string[] } = {};
  const accepted: string[] = [];
  const deps: FileDialogDeps = {
    choosePath: async (extensions) => { asked.extensions = extensions; return answers.path ?? null; },
    chooseTarget: async (fileNames) => { asked.fileNames = fileNames; return answers.target ?? null; },
    acceptFile: (path, name) => { accepted.push(`${path}|${name}`); return `ref-${accepted.length}`; },
    fileSize: (path) => statSync(path).size,
    copy: (from, to, exclusive) => copyFile(from, to, exclusive ? constants.COPYFILE_EXCL : 0),
    exportDir,
  };
  const ipcMain = new InMemoryIpcMain();
  const unregister = registerFileDialogHandlers(ipcMain, deps);
  return { ipcMain, asked, accepted, unregister };
}

describe('acceptedExtensions', () => {
  it('reads an HTML accept list of extensions', () => {
    expect(acceptedExtensions('.smb')).toEqual(['smb']);
    expect(acceptedExtensions('.json, .CSV,.txt,.csv')).toEqual(['json', 'csv', 'txt']);
  });

  it.each([undefined, 42, '', 'smb', '*/*', 'image/*', '.sm b', '.json,', '../x', `.${'a'.repeat(11)}`, '.a,'.repeat(80)])(
    'refuses %j', (accept) => {
      expect(acceptedExtensions(accept)).toBeNull();
    });
});

describe('exportFileNames', () => {
  it('takes plain file names as the core writes them', () => {
    expect(exportFileNames(['usage 2026-10 (tenants).xlsx', 'statement-2026-10+fees.pdf']))
      .toEqual(['usage 2026-10 (tenants).xlsx', 'statement-2026-10+fees.pdf']);
  });

  it.each([
    [[]], ['a.pdf'], [['../secret.txt']], [['/etc/passwd']], [['..']], [['C:\\x.pdf']], [['.hidden']], [['sub/a.pdf']],
    [['a\u0000.pdf']], [[42]], [Array.from({ length: 501 }, (_, i) => `f${i}.csv`)],
  ])('refuses %j', (names) => {
    expect(exportFileNames(names)).toBeNull();
  });
});

describe('pickFile over IPC', () => {
  it('shows the dialog for the accept list and answers the core\'s fileRef, the name and the size, never the path', async () => {
    const { ipcMain, asked, accepted } = setUp({ path: bundle });
    expect(await ipcMain.invoke(consoleFrame(), PICK_FILE_CHANNEL, '.smb'))
      .toEqual({ ok: true, value: { fileRef: 'ref-1', name: 'site-a.smb', bytes: 1234 } });
    expect(asked.extensions).toEqual(['smb']);
    expect(accepted).toEqual([`${bundle}|site-a.smb`]);
  });

  it('answers null when the dialog is cancelled', async () => {
    const { ipcMain, accepted } = setUp({ path: null });
    expect(await ipcMain.invoke(consoleFrame(), PICK_FILE_CHANNEL, '.json,.csv')).toEqual({ ok: true, value: null });
    expect(accepted).toEqual([]);
  });

  it('refuses a malformed accept list and a foreign frame without opening a dialog', async () => {
    const { ipcMain, asked } = setUp({ path: bundle });
    expect(await ipcMain.invoke(consoleFrame(), PICK_FILE_CHANNEL, 'file:///etc/passwd'))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await ipcMain.invoke({ url: 'https://evil.example/', parent: null }, PICK_FILE_CHANNEL, '.smb'))
      .toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ipcMain.invoke({ url: 'app://stackmeter/index.html', parent: consoleFrame() }, PICK_FILE_CHANNEL, '.smb'))
      .toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(asked.extensions).toBeUndefined();
  });

  it('says so when the picked file cannot be read', async () => {
    const { ipcMain } = setUp({ path: join(scratch, 'gone.smb') });
    expect(await ipcMain.invoke(consoleFrame(), PICK_FILE_CHANNEL, '.smb'))
      .toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('could not be opened') } });
  });
});

describe('saveExports over IPC', () => {
  it('copies one export to where the save dialog points', async () => {
    const target = join(scratch, 'saved-one.pdf');
    const { ipcMain, asked } = setUp({ target: { file: target } });
    expect(await ipcMain.invoke(consoleFrame(), SAVE_EXPORTS_CHANNEL, ['statement-2026-10.pdf']))
      .toEqual({ ok: true, value: { saved: [target] } });
    expect(asked.fileNames).toEqual(['statement-2026-10.pdf']);
    expect(readFileSync(target, 'utf8')).toBe('pdf bytes');
  });

  it('copies several into the chosen folder, never over a file already there', async () => {
    const folder = join(scratch, 'folder');
    mkdirSync(folder);
    const names = ['statement-2026-10.pdf', 'statement-2026-10-contoso.pdf'];
    const { ipcMain } = setUp({ target: { folder } });
    expect(await ipcMain.invoke(consoleFrame(), SAVE_EXPORTS_CHANNEL, names))
      .toEqual({ ok: true, value: { saved: names.map((n) => join(folder, n)) } });
    expect(readFileSync(join(folder, 'statement-2026-10-contoso.pdf'), 'utf8')).toBe('contoso pdf');

    writeFileSync(join(folder, 'statement-2026-10.pdf'), 'edited by hand');
    rmSync(join(folder, 'statement-2026-10-contoso.pdf'));
    const again = await ipcMain.invoke(consoleFrame(), SAVE_EXPORTS_CHANNEL, names);
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining(`It is still in ${exportDir}.`) } });
    expect(readFileSync(join(folder, 'statement-2026-10.pdf'), 'utf8')).toBe('edited by hand');
  });

  it('answers null when cancelled, and refuses names outside the exports folder before any dialog', async () => {
    const { ipcMain, asked } = setUp({ target: null });
    expect(await ipcMain.invoke(consoleFrame(), SAVE_EXPORTS_CHANNEL, ['statement-2026-10.pdf'])).toEqual({ ok: true, value: null });
    asked.fileNames = undefined;
    expect(await ipcMain.invoke(consoleFrame(), SAVE_EXPORTS_CHANNEL, ['../../stackmeter.sqlite']))
      .toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(asked.fileNames).toBeUndefined();
  });

  it('removes both channels again', () => {
    const { ipcMain, unregister } = setUp();
    expect([...ipcMain.listeners.keys()].sort()).toEqual([PICK_FILE_CHANNEL, SAVE_EXPORTS_CHANNEL].sort());
    unregister();
    expect(ipcMain.listeners.size).toBe(0);
  });
});

// The page's side: the real preload over an ipcRenderer wired to the handlers above.
const pipe = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  route: null as null | ((channel: string, args: unknown[]) => Promise<unknown>),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => pipe.exposed.set(key, api) },
  ipcRenderer: { invoke: (channel: string, ...args: unknown[]) => pipe.route!(channel, args), on: () => {}, removeListener: () => {} },
}));

describe('the bridge\'s dialogs, through the real preload', () => {
  let bridge: DialogBridge;
  beforeAll(async () => {
    const { ipcMain } = setUp({ path: bundle });
    pipe.route = (channel, args) => ipcMain.invoke(consoleFrame(), channel, ...args);
    await import('../../../electron/preload/preload.ts');
    bridge = pipe.exposed.get(BRIDGE_KEY) as DialogBridge;
  });

  it('resolves with the picked file', async () => {
    expect(await bridge.pickFile('.smb')).toEqual({ fileRef: 'ref-1', name: 'site-a.smb', bytes: 1234 });
  });

  it('rejects with main\'s sentence when main refuses', async () => {
    await expect(bridge.pickFile('everything')).rejects.toThrow('accept must list file extensions');
  });
});
