/**
 * Browser mode: `stackmeter serve` prints a launch URL whose fragment carries the access token (`#token=...`).
 * Fragments are never sent to servers; we keep the token in sessionStorage (gone with the tab) and take it out of the
 * address bar so it does not linger in history, bookmarks or screenshots.
 */
export const TOKEN_STORAGE_KEY = 'stackmeter.launchToken';

type LaunchWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

export function takeLaunchToken(win: LaunchWindow): string | null {
  const params = new URLSearchParams(win.location.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    params.delete('token');
    const rest = params.toString();
    const url = win.location.pathname + win.location.search + (rest ? `#${rest}` : '');
    win.history.replaceState(win.history.state, '', url);
    return fromHash;
  }
  return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}
