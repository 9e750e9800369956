/**
 * The console's origin inside Electron. The renderer is served from a privileged custom scheme rather than file://, so
 * that it has a real origin of its own: the CSP's 'self', the IPC sender check and the navigation guard all hinge on it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'stackmeter';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * True only for a URL of the console's own origin (any path, query or fragment). Used to refuse IPC calls from any other
 * frame (an injected iframe, a page the window was somehow navigated to) and to deny navigation away from the console.
 */
export function isTrustedSenderUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.hostname === APP_HOST && parsed.port === ''
    && parsed.username === '' && parsed.password === '';
}
