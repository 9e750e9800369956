import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveStaticPath } from '../../../electron/server/static-files.ts';

const root = resolve('/srv/stackmeter/renderer');

describe('resolveStaticPath', () => {
  it('maps / to index.html and other paths below the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-3f2a.js')).toBe(join(root, 'assets', 'index-3f2a.js'));
    expect(resolveStaticPath(root, '/assets/a%20b.css')).toBe(join(root, 'assets', 'a b.css'));
    expect(resolveStaticPath(root, '/assets/../index.html')).toBe(join(root, 'index.html'));
  });

  it.each([
    '/..', '/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2f..%2fetc/passwd',
    '/..%5csecret.txt', '/a\\..\\..\\secret', '/%00', '/index.html%00.png', '/%E0%A4%A', 'relative/path',
  ])('refuses %j', (pathname) => {
    expect(resolveStaticPath(root, pathname)).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['app.JS', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['primeicons.woff2', 'font/woff2'],
    ['logo.svg', 'image/svg+xml'],
    ['data.bin', 'application/octet-stream'],
  ])('%s → %s', (file, type) => {
    expect(contentTypeFor(file)).toBe(type);
  });
});
