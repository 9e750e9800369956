import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Electron executable as the `electron` package locates it (path.txt under dist/, or ELECTRON_OVERRIDE_DIST_PATH),
 * or null where the binary was never downloaded. The package's own index.js would try to download a missing binary,
 * so the lookup is repeated here without that side effect.
 */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, relative || 'electron') : relative ? join(packageDir, 'dist', relative) : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

export const ELECTRON_MISSING =
  'Electron\'s binary is not installed on this machine, so the desktop window cannot open; ' +
  'run "npm run demo" for the same console in your browser.';
