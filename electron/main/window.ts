import { app, BrowserWindow, screen, session, shell } from 'electron';
import type { Logger } from '../core/types.ts';
import { APP_START_URL } from './app-origin.ts';
import { guardWebContents } from './web-contents-guards.ts';
import { MIN_SIZE, loadWindowState, openingBounds, saveWindowState } from './window-state.ts';

/**
 * Applies Electron's security checklist to every web contents the app ever creates (web-contents-guards.ts: no
 * navigation away from the console's origin, no new windows, no <webview>, allow-listed documentation links to the
 * browser) and refuses every permission request and check: the console needs no camera, clipboard-read, geolocation or
 * page notifications (the main process shows its own).
 */
export function hardenWebContents(log: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, (url) => {
      shell.openExternal(url).catch((err: unknown) => log.warn('The browser did not open a link', { url, error: String(err) }));
    }, (what, url) => log.warn('Refused to leave the console', { what, url: url.slice(0, 200) }));
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * The single console window: isolated, sandboxed, no Node in the page, the preload as the only bridge. It opens where it
 * was closed last time (window-state.ts keeps it on a screen that still exists) and remembers that on close.
 */
export function createMainWindow(preloadPath: string, stateFile: string): BrowserWindow {
  const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea);
  const { maximized, ...bounds } = openingBounds(loadWindowState(stateFile), displays);
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Stackmeter',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // A middle click on a link would otherwise ask for a new window; the console has no use for it.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  if (maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    try {
      saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() });
    } catch {
      // A read-only profile folder only costs the remembered position.
    }
  });
  void window.loadURL(APP_START_URL);
  return window;
}
