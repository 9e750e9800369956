import { resolveStaticPath } from '../server/static-files.ts';
import { isTrustedSenderUrl } from './app-origin.ts';

/**
 * The file under `root` (dist/renderer) that an app:// request asks for, or null when the URL is not of the console's
 * origin or would leave `root`. The traversal rules are the browser-mode server's, so both front doors serve the same
 * files the same way.
 */
export function appFileFor(root: string, requestUrl: string): string | null {
  if (!isTrustedSenderUrl(requestUrl)) return null;
  const { pathname } = new URL(requestUrl);
  return resolveStaticPath(root, pathname);
}
