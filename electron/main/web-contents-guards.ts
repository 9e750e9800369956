import { isTrustedSenderUrl } from './app-origin.ts';
import { allowedExternalLink } from './external-links.ts';

/** An Electron navigation event as the guards read it. */
export interface NavigationEventLike {
  url: string;
  isMainFrame?: boolean;
  preventDefault(): void;
}

/** The part of Electron's WebContents the guards use, so that they run in tests against a stand-in. */
export interface GuardedContentsLike {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Keeps every web contents on the console: navigation, redirects and subframe navigation that leave the app:// origin are
 * cancelled, <webview> is refused and no new window ever opens. A main-frame link or window.open to an allow-listed
 * documentation page (external-links.ts) goes to the user's browser through `openExternal` instead; any other URL is
 * dropped and logged, so a page cannot make the operating system open what it likes.
 */
export function guardWebContents(
  contents: GuardedContentsLike,
  openExternal: (url: string) => void,
  onRefused: (what: string, url: string) => void = () => {},
): void {
  const leaveToBrowser = (url: string, what: string): void => {
    const link = allowedExternalLink(url);
    if (link) openExternal(link);
    else onRefused(what, url);
  };
  contents.on('will-navigate', (event) => {
    if (isTrustedSenderUrl(event.url)) return;
    event.preventDefault();
    leaveToBrowser(event.url, 'navigation');
  });
  contents.on('will-redirect', (event) => {
    if (isTrustedSenderUrl(event.url)) return;
    event.preventDefault();
    onRefused('redirect', event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    // The main frame is handled by will-navigate (which fires for it as well); a subframe never leaves the origin.
    if (event.isMainFrame === true || isTrustedSenderUrl(event.url)) return;
    event.preventDefault();
    onRefused('frame navigation', event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leaveToBrowser(url, 'new window');
    return { action: 'deny' };
  });
}

