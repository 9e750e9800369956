import { describe, expect, it } from 'vitest';
import { aboutText, menuTemplate } from '../../../electron/main/menu-template.ts';
import type { MenuActions, MenuItem } from '../../../electron/main/menu-template.ts';

function build(options: { platform?: NodeJS.Platform; isDev?: boolean; readOnly?: boolean } = {}) {
  const called: string[] = [];
  const actions: MenuActions = {
    importUsageFiles: () => called.push('import'),
    exportBundle: () => called.push('export'),
    openReadOnly: () => called.push('read-only'),
    showAbout: () => called.push('about'),
    showNotices: () => called.push('notices'),
  };
  const template = menuTemplate({ platform: 'linux', isDev: false, readOnly: false, actions, ...options });
  return { template, called };
}

const submenu = (template: MenuItem[], label: string) =>
  template.find((menu) => menu.label?.replace('&', '') === label)!.submenu as MenuItem[];
const describeItems = (items: MenuItem[]) =>
  items.map((item) => item.label ?? item.role ?? item.type);
const click = (item: MenuItem) => (item.click as () => void)();

describe('menuTemplate', () => {
  it('has File, Edit, View and Help, with Alt-key mnemonics on Windows and Linux', () => {
    expect(build().template.map((menu) => menu.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('puts the imports, the bundle export, read-only review and Quit under File, each doing its action', () => {
    const { template, called } = build();
    const file = submenu(template, 'File');
    expect(describeItems(file)).toEqual(
      ['Import usage files…', 'Export bundle…', 'separator', 'Open read-only…', 'separator', 'Quit']);
    expect(file.find((item) => item.role === 'quit')!.accelerator).toBe('CmdOrCtrl+Q');
    for (const item of file.filter((i) => i.click)) click(item);
    expect(called).toEqual(['import', 'export', 'read-only']);
  });

  it('greys out importing in auditor mode, and only that', () => {
    const file = submenu(build({ readOnly: true }).template, 'File');
    expect(file.filter((item) => item.enabled === false).map((item) => item.label)).toEqual(['Import usage files…']);
    expect(submenu(build().template, 'File').every((item) => item.enabled !== false)).toBe(true);
  });

  it('offers zoom to everyone and reload and developer tools only in development', () => {
    const installed = describeItems(submenu(build().template, 'View'));
    expect(installed).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen']);
    const dev = describeItems(submenu(build({ isDev: true }).template, 'View'));
    expect(dev).toEqual(['reload', 'forceReload', 'toggleDevTools', 'separator', ...installed]);
  });

  it('has About and the licences under Help', () => {
    const { template, called } = build();
    const help = submenu(template, 'Help');
    expect(describeItems(help)).toEqual(['About Stackmeter', 'Third-party licences']);
    help.forEach(click);
    expect(called).toEqual(['about', 'notices']);
  });

  it('follows macOS: the app menu first, Close instead of Quit in File', () => {
    const { template } = build({ platform: 'darwin' });
    expect(template.map((menu) => menu.label)).toEqual(['Stackmeter', '&File', '&Edit', '&View', '&Help']);
    expect(describeItems(submenu(template, 'File')).at(-1)).toBe('close');
  });
});

describe('aboutText', () => {
  const facts = { version: '1.4.0', electron: '45.4.1', chrome: '142.0.1', node: '22.20.0', dbPath: '/home/op/.config/Stackmeter/stackmeter.sqlite' };

  it('names the version, the runtime, the cache and the licences', () => {
    const about = aboutText({ ...facts, noticesPath: '/opt/Stackmeter/resources/THIRD-PARTY-NOTICES.txt' });
    expect(about.message).toBe('Stackmeter 1.4.0');
    expect(about.detail).toContain('Cache: /home/op/.config/Stackmeter/stackmeter.sqlite');
    expect(about.detail).toContain('Electron 45.4.1 · Chromium 142.0.1 · Node.js 22.20.0');
    expect(about.detail).toContain('MIT licence');
    expect(about.detail).toContain('listed in /opt/Stackmeter/resources/THIRD-PARTY-NOTICES.txt');
  });

  it('says where notices come from when the build has none', () => {
    expect(aboutText({ ...facts, noticesPath: null }).detail).toContain('npm run package');
  });
});
