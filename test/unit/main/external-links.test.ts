import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { allowedExternalLink } from '../../../electron/main/external-links.ts';
import { guardWebContents } from '../../../electron/main/web-contents-guards.ts';
import type { NavigationEventLike } from '../../../electron/main/web-contents-guards.ts';

describe('allowedExternalLink', () => {
  it.each([
    ['https://learn.microsoft.com/azure-stack/operator/azure-stack-usage-reporting',
      'https://learn.microsoft.com/azure-stack/operator/azure-stack-usage-reporting'],
    ['https://learn.microsoft.com/en-us/azure-stack/operator/azure-stack-usage-related-faq?view=azs-2408#usage',
      'https://learn.microsoft.com/en-us/azure-stack/operator/azure-stack-usage-related-faq?view=azs-2408#usage'],
    ['https://learn.microsoft.com/de-de/azure-stack/', 'https://learn.microsoft.com/de-de/azure-stack/'],
    ['https://LEARN.Microsoft.com/zh-hans/azure-stack/user', 'https://learn.microsoft.com/zh-hans/azure-stack/user'],
  ])('opens %s', (url, opened) => {
    expect(allowedExternalLink(url)).toBe(opened);
  });

  it.each([
    // Other sites and other parts of allowed sites.
    'https://evil.example/azure-stack/', 'https://learn.microsoft.com/azure/', 'https://learn.microsoft.com/',
    'https://learn.microsoft.com/azure-stackx/', 'https://learn.microsoft.com/en-us/azure-stack-evil/',
    'https://learn.microsoft.com/en-us/en-us/azure-stack/',
    // Dot segments are resolved before the path is checked: this is really /evil.
    'https://learn.microsoft.com/azure-stack/../evil', 'https://learn.microsoft.com/azure-stack/%2e%2e/%2e%2e/evil',
    // Schemes that are not https, including ones the operating system would hand to another program.
    'http://learn.microsoft.com/azure-stack/', 'javascript:alert(1)', 'file:///etc/passwd', 'file://server/share/x.exe',
    'smb://learn.microsoft.com/azure-stack/', 'ms-msdt:/id PCWDiagnostic', 'data:text/html,hi', 'app://stackmeter/',
    'vbscript:msgbox', 'about:blank',
    // Host tricks: user info, suffixes, ports, IDN look-alikes (Cyrillic letters, shown punycoded), trailing dot, IPs.
    'https://learn.microsoft.com@evil.example/azure-stack/', 'https://user:pw@learn.microsoft.com/azure-stack/',
    'https://learn.microsoft.com.evil.example/azure-stack/', 'https://learn.microsoft.com:8443/azure-stack/',
    'https://learn.miсrosoft.com/azure-stack/', 'https://lеarn.microsoft.com/azure-stack/',
    'https://learn.microsoft.com./azure-stack/', 'https://20.0.0.1/azure-stack/', 'https://stackmeter.github.io/',
    // Whitespace and control characters the URL parser would quietly strip, backslashes it would turn into slashes.
    'https://learn.microsoft.com/azure-stack/\n', ' https://learn.microsoft.com/azure-stack/',
    'https://learn.micro\tsoft.com/azure-stack/', 'https:\\\\learn.microsoft.com\\azure-stack\\',
    'https://evil.example\\@learn.microsoft.com/azure-stack/',
    // Not URLs at all.
    '', 'learn.microsoft.com/azure-stack/', '//learn.microsoft.com/azure-stack/',
    `https://learn.microsoft.com/azure-stack/${'a'.repeat(3000)}`,
  ])('refuses %j', (url) => {
    expect(allowedExternalLink(url)).toBeNull();
  });

  it('refuses anything that is not a string', () => {
    for (const value of [null, undefined, 42, { href: 'https://learn.microsoft.com/azure-stack/' }, ['x']]) {
      expect(allowedExternalLink(value)).toBeNull();
    }
  });
});

/** A web contents stand-in: an event emitter that keeps the window-open handler, as Electron's does. */
class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  fire(name: string, url: string, isMainFrame?: boolean): boolean {
    let prevented = false;
    const event: NavigationEventLike = { url, isMainFrame, preventDefault: () => { prevented = true; } };
    this.emit(name, event);
    return prevented;
  }
}

function guarded() {
  const contents = new FakeContents();
  const opened: string[] = [];
  const refused: string[] = [];
  guardWebContents(contents, (url) => opened.push(url), (what, url) => refused.push(`${what} ${url}`));
  return { contents, opened, refused };
}

describe('guardWebContents', () => {
  it('lets the console move within its own origin', () => {
    const { contents, opened, refused } = guarded();
    expect(contents.fire('will-navigate', 'app://stackmeter/index.html#/usage')).toBe(false);
    expect(contents.fire('will-redirect', 'app://stackmeter/index.html')).toBe(false);
    expect(contents.fire('will-frame-navigate', 'app://stackmeter/index.html', false)).toBe(false);
    expect(opened).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('keeps the window on the console and hands an allow-listed link to the browser instead', () => {
    const { contents, opened, refused } = guarded();
    const docs = 'https://learn.microsoft.com/azure-stack/operator/azure-stack-usage-reporting';
    expect(contents.fire('will-navigate', docs)).toBe(true);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(opened).toEqual([docs]);
    expect(refused).toEqual(['navigation https://evil.example/', 'navigation file:///etc/passwd']);
  });

  it('never opens a window: allow-listed links go to the browser, others nowhere', () => {
    const { contents, opened, refused } = guarded();
    expect(contents.windowOpenHandler!({ url: 'https://learn.microsoft.com/azure-stack/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://learn.microsoft.com/azure-stack/']);
    expect(refused).toEqual(['new window javascript:alert(1)']);
  });

  it('cancels redirects and subframe navigation off the origin without opening anything, and refuses webviews', () => {
    const { contents, opened } = guarded();
    expect(contents.fire('will-redirect', 'https://learn.microsoft.com/azure-stack/')).toBe(true);
    expect(contents.fire('will-frame-navigate', 'https://learn.microsoft.com/azure-stack/', false)).toBe(true);
    // The main frame's navigation is will-navigate's to judge; will-frame-navigate leaves it alone.
    expect(contents.fire('will-frame-navigate', 'https://evil.example/', true)).toBe(false);
    expect(contents.fire('will-attach-webview', 'app://stackmeter/')).toBe(true);
    expect(opened).toEqual([]);
  });
});
