import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/shared/csp.ts';

const repo = resolve(import.meta.dirname, '../../..');

/** The policy of the console's <meta http-equiv="Content-Security-Policy"> tag. */
function metaPolicy(html: string): string | null {
  const tag = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  return tag ? tag[1]! : null;
}

// frame-ancestors has no effect in a meta tag (browsers ignore it there), so the header alone carries it.
const expected = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

describe('the CSP as a meta tag', () => {
  it('is in the console\'s HTML and says what the app:// header says', () => {
    expect(metaPolicy(readFileSync(join(repo, 'renderer/index.html'), 'utf8'))).toBe(expected);
  });

  it.skipIf(!existsSync(join(repo, 'dist/renderer/index.html')))('survives the build into dist/renderer/index.html', () => {
    expect(metaPolicy(readFileSync(join(repo, 'dist/renderer/index.html'), 'utf8'))).toBe(expected);
  });
});
