import { describe, expect, it } from 'vitest';
import { launchMode, readOnlyRelaunchArgs } from '../../../electron/main/launch-mode.ts';

describe('launchMode', () => {
  it('opens the desktop console by default, in development and packaged', () => {
    expect(launchMode(['/opt/Stackmeter/stackmeter'])).toEqual({ kind: 'desktop', readOnly: null });
    expect(launchMode(['/repo/node_modules/electron/dist/electron', '/repo'])).toEqual({ kind: 'desktop', readOnly: null });
    // What a desktop entry passes (%U with nothing to open) and Chromium switches are not commands.
    expect(launchMode(['/opt/Stackmeter/stackmeter', '--no-sandbox'])).toEqual({ kind: 'desktop', readOnly: null });
  });

  it('hands everything after --cli to the CLI, untouched', () => {
    expect(launchMode(['/opt/Stackmeter/stackmeter', '--cli', 'sync', 'lab', '--from', '2026-10-01', '--json']))
      .toEqual({ kind: 'cli', argv: ['sync', 'lab', '--from', '2026-10-01', '--json'] });
    expect(launchMode(['C:\\Program Files\\Stackmeter\\Stackmeter.exe', '--cli'])).toEqual({ kind: 'cli', argv: [] });
    // A CLI argument that looks like the app's own flags is the CLI's business once --cli came first.
    expect(launchMode(['electron', '/repo', '--cli', 'usage', '--read-only', 'x'])).toEqual({ kind: 'cli', argv: ['usage', '--read-only', 'x'] });
  });

  it('opens a cache read-only when asked, in either spelling', () => {
    expect(launchMode(['stackmeter', '--read-only', '/media/usb/site-a.sqlite']))
      .toEqual({ kind: 'desktop', readOnly: { path: '/media/usb/site-a.sqlite', trust: null } });
    expect(launchMode(['stackmeter', '--read-only=D:\\evidence\\cache.sqlite']))
      .toEqual({ kind: 'desktop', readOnly: { path: 'D:\\evidence\\cache.sqlite', trust: null } });
    expect(launchMode(['stackmeter', '--trust=ab12', '--read-only', '/media/usb/site-a.smb']))
      .toEqual({ kind: 'desktop', readOnly: { path: '/media/usb/site-a.smb', trust: 'ab12' } });
    // A fingerprint alone opens nothing.
    expect(launchMode(['stackmeter', '--trust', 'ab12'])).toEqual({ kind: 'desktop', readOnly: null });
    expect(launchMode(['stackmeter', '--read-only'])).toEqual({ kind: 'desktop', readOnly: null });
    expect(launchMode(['stackmeter', '--read-only='])).toEqual({ kind: 'desktop', readOnly: null });
  });
});

describe('readOnlyRelaunchArgs', () => {
  it('keeps the app folder and switches, replacing an earlier cache or bundle and its trust', () => {
    expect(readOnlyRelaunchArgs(['/repo'], { path: '/tmp/a.sqlite', trust: null })).toEqual(['/repo', '--read-only', '/tmp/a.sqlite']);
    expect(readOnlyRelaunchArgs(['/repo', '--read-only', '/tmp/a.smb', '--trust', 'ab12', '--no-sandbox'],
      { path: '/tmp/b.sqlite', trust: null })).toEqual(['/repo', '--no-sandbox', '--read-only', '/tmp/b.sqlite']);
    expect(readOnlyRelaunchArgs(['--read-only=/tmp/a.sqlite', '--trust=x'], { path: '/tmp/b.smb', trust: 'cd34' }))
      .toEqual(['--read-only', '/tmp/b.smb', '--trust', 'cd34']);
  });
});
