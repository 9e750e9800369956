import type { MenuItemConstructorOptions } from 'electron';

/** One entry of the template, as Menu.buildFromTemplate takes it. */
export type MenuItem = MenuItemConstructorOptions;

/** What the menu's own items do; main.ts wires them to dialogs and the core. */
export interface MenuActions {
  importUsageFiles(): void;
  exportBundle(): void;
  openReadOnly(): void;
  showAbout(): void;
  showNotices(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development builds (not packaged) get reload and the developer tools; installed ones never do. */
  isDev: boolean;
  /** Auditor mode: nothing may be imported into the cache under review. */
  readOnly: boolean;
  actions: MenuActions;
}

/**
 * The application menu. File holds what reaches outside the app (usage files in, a bundle out, another cache opened
 * for review); Edit keeps the clipboard shortcuts working in text fields on every platform; View has zoom for everyone
 * and reload/developer tools in development only, since a reload or the tools are of no use to an operator and the
 * tools would let anyone at the keyboard run code in the console; Help has About and the third-party licences.
 */
export function menuTemplate({ platform, isDev, readOnly, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      {
        id: 'import-usage', label: 'Import usage files…', accelerator: 'CmdOrCtrl+I', enabled: !readOnly,
        click: () => actions.importUsageFiles(),
      },
      { id: 'export-bundle', label: 'Export bundle…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportBundle() },
      { type: 'separator' },
      { id: 'open-read-only', label: 'Open read-only…', accelerator: 'CmdOrCtrl+O', click: () => actions.openReadOnly() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(isDev
        ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const
        : []),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { id: 'about', label: 'About Stackmeter', click: () => actions.showAbout() },
      { id: 'notices', label: 'Third-party licences', click: () => actions.showNotices() },
    ],
  };
  // macOS puts the application's own menu first; Quit lives there.
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [{ label: 'Stackmeter', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }] }]
    : [];
  return [...appMenu, file, edit, view, help];
}

export interface AboutFacts {
  version: string;
  electron: string;
  chrome: string;
  node: string;
  /** The cache the console has open. */
  dbPath: string;
  /** Where the licences of the bundled third-party packages are; null when the build shipped none (development). */
  noticesPath: string | null;
}

/** The About box's text: what is running, on which cache, under which licences. */
export function aboutText(facts: AboutFacts): { message: string; detail: string } {
  return {
    message: `Stackmeter ${facts.version}`,
    detail: [
      'Offline-capable operator console for Azure Stack Hub usage and chargeback.',
      '',
      `Cache: ${facts.dbPath}`,
      `Electron ${facts.electron} · Chromium ${facts.chrome} · Node.js ${facts.node}`,
      '',
      'Stackmeter is released under the MIT licence.',
      facts.noticesPath
        ? `It includes third-party software under its own licences, listed in ${facts.noticesPath}.`
        : 'Third-party licence notices are generated when the app is packaged (npm run package).',
    ].join('\n'),
  };
}
