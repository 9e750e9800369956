import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFileFor } from '../../../electron/main/app-files.ts';
import { APP_START_URL, isTrustedSenderUrl } from '../../../electron/main/app-origin.ts';

describe('isTrustedSenderUrl', () => {
  it.each([
    APP_START_URL,
    'app://stackmeter/',
    'app://stackmeter/index.html#/usage?from=2024-01-01',
    'app://stackmeter/assets/x.js?v=2',
  ])('trusts %s', (url) => {
    expect(isTrustedSenderUrl(url)).toBe(true);
  });

  it.each([
    '', null, undefined, 'about:blank', 'not a url',
    'file:///opt/Stackmeter/resources/app.asar/dist/renderer/index.html',
    'http://127.0.0.1:5173/', 'https://stackmeter/', 'https://evil.example/app://stackmeter/',
    'app://stackmeter.evil.example/', 'app://evil.example/', 'app://stackmeter:8080/', 'app://user@stackmeter/',
    'app://evil.example@stackmeter.evil/', 'apps://stackmeter/', 'devtools://devtools/bundled/inspector.html',
    'data:text/html,<script>alert(1)</script>', 'javascript:alert(1)',
  ])('refuses %j', (url) => {
    expect(isTrustedSenderUrl(url)).toBe(false);
  });
});

describe('appFileFor', () => {
  const root = resolve('/opt/stackmeter/dist/renderer');
  it('maps console URLs to files under the renderer folder', () => {
    expect(appFileFor(root, 'app://stackmeter/')).toBe(join(root, 'index.html'));
    expect(appFileFor(root, 'app://stackmeter/index.html#/meters')).toBe(join(root, 'index.html'));
    expect(appFileFor(root, 'app://stackmeter/assets/index-1a2b.js?x=1')).toBe(join(root, 'assets', 'index-1a2b.js'));
  });

  it('keeps dot segments that the URL parser resolves inside the renderer folder', () => {
    expect(appFileFor(root, 'app://stackmeter/%2e%2e/%2e%2e/secret')).toBe(join(root, 'secret'));
  });

  it.each([
    'app://stackmeter/..%2f..%2fpackage.json', 'app://other/index.html',
    'file:///etc/passwd', 'app://stackmeter/..%5c..%5csecret',
  ])('refuses %s', (url) => {
    expect(appFileFor(root, url)).toBeNull();
  });
});
