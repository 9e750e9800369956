import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore } from '../../../electron/core/secrets.ts';
import type { SecretProtector } from '../../../electron/core/types.ts';
import type { CredentialInput } from '../../../electron/shared/domain.ts';

/** A protector that really transforms the bytes (as safeStorage does) so a test can tell stored from plain. */
const reversing: SecretProtector = {
  encrypt: (plain) => Buffer.from(`v1:${plain}`, 'utf8').reverse(),
  decrypt: (blob) => {
    const text = Buffer.from(blob).reverse().toString('utf8');
    if (!text.startsWith('v1:')) throw new Error('not ours');
    return text.slice(3);
  },
};

const secret = (source: CredentialInput['source']): CredentialInput => ({ type: 'secret', source });

describe('where credentials come from', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmeter-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an environment variable now and at every later use, storing only its name', () => {
    const env: Record<string, string | undefined> = { STACK_SECRET: 'first' };
    const store = new SecretStore({ env });
    expect(store.accept('lab', secret({ kind: 'env', variable: 'STACK_SECRET' })))
      .toEqual({ value: 'first', secretSource: 'env:STACK_SECRET', secretBlob: null });
    env.STACK_SECRET = 'rotated';
    const stored = { connection: 'lab', credentialType: 'secret' as const, secretSource: 'env:STACK_SECRET', secretBlob: null };
    expect(store.resolve(stored)).toBe('rotated');
    delete env.STACK_SECRET;
    expect(() => store.resolve(stored))
      .toThrow(/client secret of "lab" is read from the environment variable STACK_SECRET, which is not set/);
    expect(() => store.resolve({ ...stored, credentialType: 'certificate' })).toThrow(/certificate of "lab"/);
  });

  it('reads an owner-only file by its absolute path, without the trailing newline of a secret', () => {
    const file = join(dir, 'secret.txt');
    writeFileSync(file, 's3cr3t value\n', { mode: 0o600 });
    const store = new SecretStore({ env: {}, platform: 'linux' });
    const accepted = store.accept('lab', secret({ kind: 'file', path: relative(process.cwd(), file) }));
    expect(accepted).toEqual({ value: 's3cr3t value', secretSource: `file:${file}`, secretBlob: null });
    writeFileSync(file, 'rotated\r\n');
    expect(store.resolve({ connection: 'lab', credentialType: 'secret', secretSource: `file:${file}`, secretBlob: null }))
      .toBe('rotated');
  });

  it.skipIf(process.platform === 'win32')('refuses a file that group or others may read, saying chmod 600', () => {
    const file = join(dir, 'sp.pem');
    writeFileSync(file, 'pem');
    chmodSync(file, 0o644);
    const store = new SecretStore({ env: {}, platform: 'linux' });
    const attempt = () => store.accept('lab', { type: 'certificate', source: { kind: 'file', path: file } });
    expect(attempt)
      .toThrow(`which other users may read or change (mode 0644). Make it readable by its owner only: chmod 600 ${file}`);
    expect(attempt).toThrow(expect.objectContaining({ code: 'AUTH' }));
    chmodSync(file, 0o620);
    expect(attempt).toThrow(/mode 0620/);
    chmodSync(file, 0o600);
    expect(attempt()).toMatchObject({ value: 'pem' });
    // Windows has ACLs instead of mode bits; the README says how to restrict the file there.
    chmodSync(file, 0o644);
    expect(new SecretStore({ env: {}, platform: 'win32' }).accept('lab', secret({ kind: 'file', path: file })).value)
      .toBe('pem');
  });

  it('names the file when it is missing, empty or a folder', () => {
    const store = new SecretStore({ env: {}, platform: 'linux' });
    expect(() => store.accept('lab', secret({ kind: 'file', path: join(dir, 'nope') }))).toThrow(/cannot be opened \(ENOENT\)/);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n', { mode: 0o600 });
    expect(() => store.accept('lab', secret({ kind: 'file', path: empty }))).toThrow(`${empty}, which is empty`);
    expect(() => store.accept('lab', secret({ kind: 'file', path: dir }))).toThrow(/not a file|EISDIR/);
  });

  it('keeps a session value in memory until the connection is forgotten', () => {
    const store = new SecretStore({ env: {} });
    expect(store.accept('Lab', secret({ kind: 'session', value: 'typed' })).secretSource).toBe('session');
    const stored = { connection: 'lab', credentialType: 'secret' as const, secretSource: 'session', secretBlob: null };
    expect(store.resolve(stored)).toBe('typed');
    store.forget('LAB');
    expect(() => store.resolve(stored)).toThrow(/kept only in the memory of the session that added it/);
    expect(() => new SecretStore({ env: {} }).resolve(stored)).toThrow(/Remove the stamp and add it again/);
  });

  it('stores a protected value only encrypted, and refuses one where no protector exists', () => {
    const desktop = new SecretStore({ env: {}, protector: reversing });
    expect(desktop.canProtect).toBe(true);
    const accepted = desktop.accept('lab', secret({ kind: 'protected', value: 'typed-secret' }));
    expect(accepted.secretSource).toBe('protected');
    expect(accepted.secretBlob!.includes('typed-secret')).toBe(false);
    const stored = {
      connection: 'lab', credentialType: 'secret' as const, secretSource: 'protected', secretBlob: accepted.secretBlob,
    };
    // A new process (a restart of the desktop app) decrypts it again.
    expect(new SecretStore({ env: {}, protector: reversing }).resolve(stored)).toBe('typed-secret');

    const cli = new SecretStore({ env: {} });
    expect(cli.canProtect).toBe(false);
    expect(() => cli.accept('lab', secret({ kind: 'protected', value: 'x' })))
      .toThrow(/only the desktop app .* environment variable or an owner-only file/);
    expect(() => cli.resolve(stored)).toThrow(/only the desktop app can decrypt it/);
    const other: SecretProtector = { encrypt: reversing.encrypt, decrypt: () => { throw new Error('wrong key'); } };
    expect(() => new SecretStore({ env: {}, protector: other }).resolve(stored))
      .toThrow(/could not be decrypted \(wrong key\).*add it again/);
  });
});
