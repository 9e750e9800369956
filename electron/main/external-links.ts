/**
 * Which links the console may open in the user's browser. Everything else the page tries to open (a link with
 * target=_blank, window.open, a navigation away from app://) is dropped: a compromised or buggy page must not be able to
 * hand the operating system an arbitrary URL (file:, smb:, custom protocol handlers, javascript:), and must not send the
 * user to a look-alike site. The rules are deliberately narrow and spelled out, not patterns:
 * - https only, default port, no user name or password in the URL (`https://learn.microsoft.com@evil.example/`);
 * - the host compared exactly after the URL parser's normalisation, so an IDN look-alike (punycode `xn--…`) or a
 *   suffix trick (`learn.microsoft.com.evil.example`) never matches;
 * - on learn.microsoft.com, only the Azure Stack documentation (optionally under a locale segment such as /en-us/).
 * Only sites the console links to belong here: a host nobody on the team controls would be a way out.
 */
export const ALLOWED_LINKS: readonly { host: string; path: RegExp; what: string }[] = [
  {
    host: 'learn.microsoft.com',
    path: /^\/(?:[a-z]{2}(?:-[a-z]{2,4})?\/)?azure-stack(?:\/|$)/i,
    what: 'Azure Stack Hub documentation',
  },
];

/** The URL to hand to the browser (normalised by the URL parser), or null when the link is not on the allow-list. */
export function allowedExternalLink(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 2048) return null;
  // The WHATWG parser silently drops tabs and newlines and trims spaces; a link that relies on that is refused.
  if (/[\s\\]/.test(url) || [...url].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return null;
  const rule = ALLOWED_LINKS.find((r) => r.host === parsed.hostname);
  if (!rule) return null;
  // A path the parser had to resolve (`/azure-stack/../../evil`) is compared after resolution, which is what is opened.
  return rule.path.test(parsed.pathname) ? parsed.href : null;
}
