import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import { createDispatcher } from '../core/dispatch.ts';
import { createCore } from '../core/index.ts';
import { CACHE_FILE_NAME, PRODUCT_NAME } from '../core/paths.ts';
import type { Core } from '../core/types.ts';
import { EVENT_NAMES, eventChannel } from '../shared/contract.ts';
import { registerAppScheme, serveAppProtocol } from './app-protocol.ts';
import { registerIpcHandlers } from './ipc.ts';
import { consoleLogger as log } from './log.ts';
import { safeStorageProtector } from './secret-protector.ts';
import { createMainWindow, hardenWebContents } from './window.ts';

// The data folder is named after the product in development and in packaged builds alike (Electron would otherwise
// derive it from package.json's lower-case name in one case and from productName in the other), and it is the folder
// the CLI uses too (core/paths.ts), so the desktop app and the CLI share one cache.
app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));
registerAppScheme();

let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another Stackmeter already holds the cache; it is told to come forward through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error('Stackmeter failed to start', { stack: err instanceof Error ? err.stack : message });
    dialog.showErrorBox('Stackmeter cannot start', message);
    app.exit(1);
  });
}

function start(): void {
  // app.getAppPath() is the repository in development and the asar archive when packaged; dist/ sits in both.
  const appRoot = app.getAppPath();
  // STACKMETER_DB lets `stackmeter demo` open the window on its demo cache; the default is the cache the CLI shares.
  const core = createCore({
    dbPath: process.env.STACKMETER_DB || join(app.getPath('userData'), CACHE_FILE_NAME),
    log,
    // Only the desktop app can store credentials encrypted (kind 'protected'); start() runs after 'ready', as needed.
    secretProtector: safeStorageProtector(safeStorage, process.platform, log),
  });

  hardenWebContents();
  serveAppProtocol(join(appRoot, 'dist', 'renderer'));
  const unregister = registerIpcHandlers(ipcMain, createDispatcher(core, log), undefined, log);
  const unsubscribes = EVENT_NAMES.map((name) =>
    core.on(name, (payload) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel(name), payload);
    }));

  const openWindow = (): void => {
    mainWindow = createMainWindow(join(appRoot, 'dist', 'preload', 'preload.cjs'));
    mainWindow.on('closed', () => { mainWindow = null; });
  };
  openWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', holdQuitUntilClosed(core, () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    unregister();
  }));
}

/**
 * Closing the core cancels running syncs and lets them record their end, which takes a moment: the first quit is held
 * until that is done, then the app quits for real.
 */
function holdQuitUntilClosed(core: Core, detach: () => void): (event: Electron.Event) => void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    detach();
    core.close()
      .catch((err: unknown) => log.error('Closing the cache failed', { stack: err instanceof Error ? err.stack : String(err) }))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  };
}
