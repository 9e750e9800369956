import { constants, existsSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, safeStorage, shell } from 'electron';
import type { Dispatch } from '../core/dispatch.ts';
import { auditFileKind } from '../core/auditor/file-kind.ts';
import { openBundleReadOnly } from '../core/auditor/open-bundle.ts';
import { shortFingerprint } from '../core/bundles/keys.ts';
import { verifyBundleFile } from '../core/bundles/verify.ts';
import { createDispatcher } from '../core/dispatch.ts';
import { createCore } from '../core/index.ts';
import { CACHE_FILE_NAME, PRODUCT_NAME } from '../core/paths.ts';
import type { Core } from '../core/types.ts';
import { EVENT_NAMES, eventChannel } from '../shared/contract.ts';
import { APP_START_URL } from './app-origin.ts';
import { registerAppScheme, serveAppProtocol } from './app-protocol.ts';
import { registerFileDialogHandlers } from './file-dialogs.ts';
import { registerIpcHandlers } from './ipc.ts';
import { launchMode, readOnlyRelaunchArgs } from './launch-mode.ts';
import type { ReadOnlyRequest } from './launch-mode.ts';
import { createAppLogger } from './log.ts';
import { aboutText, menuTemplate } from './menu-template.ts';
import type { Notice } from './notices.ts';
import { exportFinishedNotice, importSummary, syncFinishedNotice } from './notices.ts';
import { readOnlyQuestion } from './read-only-file.ts';
import { safeStorageProtector } from './secret-protector.ts';
import { createMainWindow, hardenWebContents } from './window.ts';

// The data folder is named after the product in development and in packaged builds alike (Electron would otherwise
// derive it from package.json's lower-case name in one case and from productName in the other), and it is the folder
// the CLI uses too (core/paths.ts), so the desktop app and the CLI share one cache.
app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));
// The desktop app's log file lives beside the cache, in <data folder>/logs (the CLI writes to the terminal instead).
const log = createAppLogger(join(app.getPath('userData'), 'logs'));

/** The file the licences of the bundled packages are written to by `npm run package` (build/third-party-notices.js). */
const NOTICES_FILE = 'THIRD-PARTY-NOTICES.txt';

const mode = launchMode(process.argv);
if (mode.kind === 'cli') {
  runCli(mode.argv);
} else {
  registerAppScheme();
  startDesktop(mode.readOnly);
}

/**
 * The installed CLI: the packaged app has no ELECTRON_RUN_AS_NODE (the RunAsNode fuse is off), so `stackmeter …` starts
 * the app binary with --cli and this runs the same CLI as `node bin/stackmeter.js`, from its own bundle, with no window.
 * The bundle is loaded by path at run time: main does not build on the CLI's code, it only hands over to it.
 */
function runCli(argv: string[]): void {
  app.dock?.hide();
  const bundle = join(app.getAppPath(), 'dist', 'cli', 'cli.cjs');
  const load = createRequire(bundle);
  Promise.resolve()
    .then(() => (load(bundle) as { main(argv: string[]): Promise<number> }).main(argv))
    .then((code) => app.exit(code))
    .catch((err: unknown) => {
      process.stderr.write(`Unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      app.exit(1);
    });
}

interface ConsoleCore {
  core: Core;
  /** The cache shown in About: the user's, or the file opened read-only. */
  dbPath: string;
  close(): Promise<void>;
}

/** The core the console works on: the user's cache, or in auditor mode a cache or bundle opened read-only. */
async function openConsoleCore(readOnly: ReadOnlyRequest | null): Promise<ConsoleCore> {
  if (readOnly === null) {
    // STACKMETER_DB lets `stackmeter demo` open the window on its demo cache; the default is the cache the CLI shares.
    const dbPath = process.env.STACKMETER_DB || join(app.getPath('userData'), CACHE_FILE_NAME);
    // Only the desktop app can store credentials encrypted (kind 'protected'); this runs after 'ready', as needed.
    const core = createCore({ dbPath, log, secretProtector: safeStorageProtector(safeStorage, process.platform, log) });
    return { core, dbPath, close: () => core.close() };
  }
  const { path, trust } = readOnly;
  if (auditFileKind(path) === 'cache') {
    const core = createCore({ dbPath: path, log, readOnly: { source: 'cache', path } });
    return { core, dbPath: path, close: () => core.close() };
  }
  const opened = await openBundleReadOnly(path, { log, trustFingerprint: trust ?? undefined });
  return { core: opened.core, dbPath: path, close: () => opened.dispose() };
}

function startDesktop(readOnly: ReadOnlyRequest | null): void {
  let mainWindow: BrowserWindow | null = null;
  if (!app.requestSingleInstanceLock()) {
    // Another Stackmeter already holds the cache; it is told to come forward through 'second-instance'.
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(() => start()).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error('Stackmeter failed to start', { stack: err instanceof Error ? err.stack : message });
    dialog.showErrorBox('Stackmeter cannot start', message);
    app.exit(1);
  });

  async function start(): Promise<void> {
    // app.getAppPath() is the repository in development and the asar archive when packaged; dist/ sits in both.
    const appRoot = app.getAppPath();
    const { core, dbPath, close } = await openConsoleCore(readOnly);
    const focused = (): boolean => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isFocused();
    const notify = (notice: Notice | null): void => {
      if (!notice || !Notification.isSupported()) return;
      const notification = new Notification({ ...notice, silent: true });
      notification.on('click', () => {
        mainWindow?.show();
        mainWindow?.focus();
      });
      notification.show();
    };

    hardenWebContents(log);
    serveAppProtocol(join(appRoot, 'dist', 'renderer'));
    const dispatch = createDispatcher(core, log);
    const dispatchAndNotify: Dispatch = async (method, args) => {
      const started = Date.now();
      const result = await dispatch(method, args);
      if (result.ok) notify(exportFinishedNotice(method, result.value, Date.now() - started, focused()));
      return result;
    };
    const unregisterCalls = registerIpcHandlers(ipcMain, dispatchAndNotify, undefined, log);
    const unregisterDialogs = registerFileDialogHandlers(ipcMain, {
      choosePath: async (extensions) => {
        const picked = await openDialog(mainWindow, {
          properties: ['openFile'],
          filters: [
            { name: `${extensions.map((e) => `.${e}`).join(', ')} files`, extensions },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        return picked.canceled ? null : picked.filePaths[0] ?? null;
      },
      chooseTarget: async (fileNames) => {
        if (fileNames.length === 1) {
          const options: Electron.SaveDialogOptions = {
            title: 'Save export as', defaultPath: join(app.getPath('documents'), fileNames[0]!),
          };
          const chosen = mainWindow
            ? await dialog.showSaveDialog(mainWindow, options)
            : await dialog.showSaveDialog(options);
          return chosen.canceled || !chosen.filePath ? null : { file: chosen.filePath };
        }
        const picked = await openDialog(mainWindow, {
          title: `Save ${fileNames.length} exported files to a folder`, buttonLabel: 'Save here',
          properties: ['openDirectory', 'createDirectory'],
        });
        return picked.canceled || !picked.filePaths[0] ? null : { folder: picked.filePaths[0] };
      },
      acceptFile: (path, name) => core.acceptFile(path, name),
      fileSize: (path) => statSync(path).size,
      copy: (from, to, exclusive) => copyFile(from, to, exclusive ? constants.COPYFILE_EXCL : 0),
      exportDir: core.exportDir,
      log,
    });
    const unregister = (): void => {
      unregisterCalls();
      unregisterDialogs();
    };
    const unsubscribes = EVENT_NAMES.map((name) =>
      core.on(name, (payload) => {
        if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel(name), payload);
      }));
    unsubscribes.push(core.on('sync:finished', (run) => notify(syncFinishedNotice(run, focused()))));

    const noticesPath = [join(process.resourcesPath ?? '', NOTICES_FILE), join(appRoot, 'dist', NOTICES_FILE)]
      .find((candidate) => existsSync(candidate)) ?? null;
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({
      platform: process.platform,
      isDev: !app.isPackaged,
      readOnly: readOnly !== null,
      actions: {
        importUsageFiles: () => void importUsageFiles(core, mainWindow),
        // The Transfer view chooses the period and stamps and writes the bundle; the menu takes the operator there.
        exportBundle: () => {
          mainWindow?.loadURL(`${APP_START_URL}#/transfer`)
            .catch((err: unknown) => log.warn('Could not show the Transfer view', { error: messageOf(err) }));
        },
        openReadOnly: () => void openReadOnly(mainWindow),
        showAbout: () => void showAbout(mainWindow, dbPath, noticesPath),
        showNotices: () => void showNotices(mainWindow, noticesPath),
      },
    })));

    const stateFile = join(app.getPath('userData'), 'window-state.json');
    const openWindow = (): void => {
      mainWindow = createMainWindow(join(appRoot, 'dist', 'preload', 'preload.cjs'), stateFile);
      mainWindow.on('closed', () => { mainWindow = null; });
    };
    openWindow();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', holdQuitUntilClosed(close, () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      unregister();
    }));
  }
}

/**
 * File › Import usage files…: saved API pages, usage summary CSVs or ConvertTo-Json output, each file whole or not at
 * all.
 */
async function importUsageFiles(core: Core, window: BrowserWindow | null): Promise<void> {
  const options: Electron.OpenDialogOptions = {
    title: 'Import usage files',
    properties: ['openFile', 'multiSelections'],
    filters: [{ name: 'Usage files', extensions: ['json', 'csv', 'txt'] }, { name: 'All files', extensions: ['*'] }],
  };
  const picked = await openDialog(window, options);
  if (picked.canceled || picked.filePaths.length === 0) return;
  try {
    const summary = importSummary(await core.importFiles(picked.filePaths));
    await showBox(window, { type: 'info', title: 'Import usage files', ...summary });
  } catch (err) {
    await showBox(window, {
      type: 'error', title: 'Import usage files', message: 'Nothing was imported.', detail: messageOf(err),
    });
  }
}

/**
 * File › Open read-only…: relaunches the app in auditor mode on a cache, or on a bundle once it has passed every check
 * and the operator has confirmed its signer's fingerprint.
 */
async function openReadOnly(window: BrowserWindow | null): Promise<void> {
  const picked = await openDialog(window, {
    title: 'Open a cache or a bundle read-only',
    properties: ['openFile'],
    filters: [
      { name: 'Stackmeter cache or bundle', extensions: ['sqlite', 'smb'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  if (picked.canceled || picked.filePaths.length === 0) return;
  const path = picked.filePaths[0]!;
  let signer: { fingerprint: string; shortFingerprint: string } | null = null;
  try {
    if (auditFileKind(path) === 'bundle') {
      const report = verifyBundleFile(path, basename(path));
      if (!report.ok || !report.manifest) {
        const failed = report.checks.filter((check) => !check.ok)
          .map((check) => `${check.check} (${check.subject}): ${check.detail}`);
        await showBox(window, {
          type: 'error', title: 'Open read-only', message: 'This bundle is refused.', detail: failed.join('\n'),
        });
        return;
      }
      const fingerprint = report.manifest.keyFingerprint;
      signer = { fingerprint, shortFingerprint: shortFingerprint(fingerprint) };
    }
  } catch (err) {
    await showBox(window, {
      type: 'error', title: 'Open read-only', message: 'This file cannot be opened.', detail: messageOf(err),
    });
    return;
  }
  const question = readOnlyQuestion(path, signer);
  // For a bundle the safe answer is the default: trusting a key is a decision, not a reflex on Enter.
  const answer = await showBox(window, {
    type: 'question', title: 'Open read-only', defaultId: signer ? 1 : 0, cancelId: 1, ...question,
  });
  if (answer !== 0) return;
  app.relaunch({ args: readOnlyRelaunchArgs(process.argv.slice(1), { path, trust: signer?.fingerprint ?? null }) });
  app.quit();
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function showAbout(window: BrowserWindow | null, dbPath: string, noticesPath: string | null): Promise<void> {
  const answer = await showBox(window, {
    type: 'info', title: 'About Stackmeter',
    buttons: noticesPath ? ['OK', 'Third-party licences'] : ['OK'], defaultId: 0, cancelId: 0,
    ...aboutText({
      version: app.getVersion(), electron: process.versions.electron, chrome: process.versions.chrome,
      node: process.versions.node, dbPath, noticesPath,
    }),
  });
  if (answer === 1) await showNotices(window, noticesPath);
}

/** Opens the licence notices in the system's text viewer (a local file, never a URL). */
async function showNotices(window: BrowserWindow | null, noticesPath: string | null): Promise<void> {
  const failure = noticesPath ? await shell.openPath(noticesPath) : 'This build has no third-party notices file.';
  if (failure) {
    await showBox(window, {
      type: 'warning', title: 'Third-party licences', message: 'The licences could not be opened.', detail: failure,
    });
  }
}

function openDialog(
  window: BrowserWindow | null, options: Electron.OpenDialogOptions,
): Promise<Electron.OpenDialogReturnValue> {
  return window && !window.isDestroyed() ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
}

async function showBox(window: BrowserWindow | null, options: Electron.MessageBoxOptions): Promise<number> {
  const { response } = window && !window.isDestroyed()
    ? await dialog.showMessageBox(window, options)
    : await dialog.showMessageBox(options);
  return response;
}

/**
 * Closing the core cancels running syncs and lets them record their end, which takes a moment: the first quit is held
 * until that is done, then the app quits for real.
 */
function holdQuitUntilClosed(close: () => Promise<void>, detach: () => void): (event: Electron.Event) => void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    detach();
    close()
      .catch((err: unknown) => log.error('Closing the cache failed', {
        stack: err instanceof Error ? err.stack : String(err),
      }))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  };
}
