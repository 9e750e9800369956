/**
 * Browser mode: `stackmeter serve` prints a launch URL whose fragment carries the access token (`#token=...`).
 * Fragments are never sent to servers; we keep the token in sessionStorage (gone with the tab) and take it out of the
 * address bar so it does not linger in history, bookmarks or screenshots.
 */
export const TOKEN_STORAGE_KEY = 'stackmeter.launchToken';

type LaunchWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

export function takeLaunchToken(win: LaunchWindow): string | null {
  // The fragment may also carry a view (`#/meters&token=...`): remove the token part and keep the rest verbatim.
  const parts = win.location.hash.replace(/^#/, '').split('&');
  const tokenPart = parts.find((p) => p.startsWith('token='));
  const fromHash = tokenPart ? decodeURIComponent(tokenPart.slice('token='.length)) : '';
  if (fromHash) {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    const rest = parts.filter((p) => p !== tokenPart && p !== '').join('&');
    const url = win.location.pathname + win.location.search + (rest ? `#${rest}` : '');
    win.history.replaceState(win.history.state, '', url);
    return fromHash;
  }
  return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}
