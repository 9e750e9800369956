import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Stackmeter';

/**
 * The per-user data folder, the same one Electron's app.getPath('userData') gives the desktop app, so that the CLI and
 * the console share one cache: %APPDATA%\Stackmeter, ~/Library/Application Support/Stackmeter, or
 * $XDG_CONFIG_HOME/Stackmeter (~/.config/Stackmeter).
 */
export function defaultDataDir(env: Record<string, string | undefined> = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), PRODUCT_NAME);
}

export const CACHE_FILE_NAME = 'stackmeter.sqlite';
export const DEMO_CACHE_FILE_NAME = 'demo.sqlite';
