import { app, BrowserWindow, session } from 'electron';
import { APP_START_URL, isTrustedSenderUrl } from './app-origin.ts';

/**
 * Applies Electron's security checklist to every web contents the app ever creates: no navigation away from the
 * console's origin, no new windows, no <webview>. The console is one page with in-page routing, so none is needed.
 */
export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isTrustedSenderUrl(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isTrustedSenderUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  // The console needs no camera, notifications, geolocation or the like; refuse every request and every check.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** The single console window: isolated, sandboxed, no Node in the page, the preload as the only bridge. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Stackmeter',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_START_URL);
  return window;
}
