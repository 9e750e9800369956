import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_HEADER } from '../../../electron/core/bundles/format.ts';
import { auditFileKind } from '../../../electron/core/auditor/file-kind.ts';
import { readOnlyQuestion } from '../../../electron/main/read-only-file.ts';

const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-read-only-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('auditFileKind', () => {
  it('tells a cache from a bundle by content, whatever the name', () => {
    const cache = join(scratch, 'evidence.smb');
    const db = new Database(cache);
    db.exec('create table t (x)');
    db.close();
    expect(auditFileKind(cache)).toBe('cache');
    const bundle = join(scratch, 'site-a.sqlite');
    writeFileSync(bundle, Buffer.concat([Buffer.from(BUNDLE_HEADER), Buffer.alloc(64)]));
    expect(auditFileKind(bundle)).toBe('bundle');
  });

  it('names a file that is neither, or cannot be read', () => {
    const text = join(scratch, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(() => auditFileKind(text)).toThrow(/is neither a Stackmeter cache \(an SQLite file\) nor a bundle/);
    writeFileSync(join(scratch, 'empty'), '');
    expect(() => auditFileKind(join(scratch, 'empty'))).toThrow(/is neither/);
    expect(() => auditFileKind(join(scratch, 'missing.sqlite'))).toThrow(/missing\.sqlite cannot be read \(ENOENT\)/);
  });
});

describe('readOnlyQuestion', () => {
  it('for a cache, says what auditor mode means', () => {
    const question = readOnlyQuestion('/media/usb/cache.sqlite', null);
    expect(question.buttons).toEqual(['Reopen read-only', 'Cancel']);
    expect(question.detail).toMatch(/^\/media\/usb\/cache\.sqlite\n\nNothing can be synced, changed or imported/);
  });

  it('for a bundle, shows the signer\'s fingerprint to compare before anything is opened', () => {
    const fingerprint = 'ab'.repeat(32);
    const question = readOnlyQuestion('/media/usb/site-a.smb', { fingerprint, shortFingerprint: 'ABAB ABAB ABAB ABAB' });
    expect(question.message).toBe('This bundle passed every check and is signed by key ABAB ABAB ABAB ABAB.');
    expect(question.detail).toContain(`Fingerprint: ${fingerprint}`);
    expect(question.detail).toContain('Compare it with the fingerprint its sender reads out to you.');
    expect(question.buttons[0]).toBe('The fingerprints match: open read-only');
  });
});
