/**
 * The Content-Security-Policy of the console, sent as a response header by both the browser-mode server and the Electron
 * app:// protocol. Nothing inline may run, nothing may be loaded or contacted outside the console's own origin; inline
 * styles stay allowed because the component library sets style attributes at run time.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
