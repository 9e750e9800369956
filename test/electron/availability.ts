import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { electronBinary } from '../../electron/cli/electron-binary.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const MAIN_BUNDLE = join(REPO, 'dist', 'main', 'main.cjs');

/**
 * The Electron binary to launch, or why there is none. Electron's binary is downloaded by its package's install script,
 * which disconnected machines (this repository's CI among them) cannot run; then the desktop spec is skipped, saying so.
 */
export function electronForTests(): { binary: string } | { missing: string } {
  const binary = electronBinary();
  if (binary === null) {
    return {
      missing: 'Electron binary not available: node_modules/electron has no dist/ (its download cannot run offline; '
        + 'run "node node_modules/electron/install.js" where there is internet access, or set ELECTRON_OVERRIDE_DIST_PATH '
        + 'to an unpacked Electron), so the desktop app spec is skipped.',
    };
  }
  if (!existsSync(MAIN_BUNDLE)) return { missing: `Electron is at ${binary} but ${MAIN_BUNDLE} is not built: run "npm run build".` };
  return { binary };
}
