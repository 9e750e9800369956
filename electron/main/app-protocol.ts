import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.ts';
import { contentTypeFor } from '../server/static-files.ts';
import { appFileFor } from './app-files.ts';
import { APP_SCHEME } from './app-origin.ts';

/**
 * Declares app:// a standard, secure scheme (so it has an origin, and fetch and the CSP treat it like https). Electron
 * only accepts this before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves the built console from `root` (dist/renderer) over app://, every response carrying the CSP as a header. */
export function serveAppProtocol(root: string): void {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' ? appFileFor(root, request.url) : null;
    if (file === null) return new Response('Not found.', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { ...headers, 'Content-Type': contentTypeFor(file) } });
    } catch {
      return new Response('Not found.', { status: 404, headers });
    }
  });
}
