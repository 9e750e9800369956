import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../electron/core/types.ts';
import { safeStorageProtector, type SafeStorageLike } from '../../../electron/main/secret-protector.ts';

/** Electron's safeStorage as each platform reports it (Electron itself cannot run here). */
function storage(available: boolean, backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.from(plain, 'utf8').reverse(),
    decryptString: (blob) => Buffer.from(blob).reverse().toString('utf8'),
  };
}

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (message) => warnings.push(message), error() {} };
}

describe('the desktop app\'s credential protector', () => {
  it('encrypts through safeStorage where the OS keeps the key', () => {
    const keyrings = [['darwin', 'unknown'], ['win32', 'unknown'], ['linux', 'gnome_libsecret'], ['linux', 'kwallet6']] as const;
    for (const [platform, backend] of keyrings) {
      const protector = safeStorageProtector(storage(true, backend), platform, recorder());
      expect(protector, `${platform} ${backend}`).toBeDefined();
      const blob = protector!.encrypt('s3cret');
      expect(blob.toString('utf8')).not.toContain('s3cret');
      expect(protector!.decrypt(blob)).toBe('s3cret');
    }
  });

  it('offers none on Linux without a keyring (basic_text) or where encryption is unavailable, and says why', () => {
    const log = recorder();
    expect(safeStorageProtector(storage(true, 'basic_text'), 'linux', log)).toBeUndefined();
    expect(safeStorageProtector(storage(false, 'gnome_libsecret'), 'linux', log)).toBeUndefined();
    expect(safeStorageProtector(storage(false, 'unknown'), 'win32', log)).toBeUndefined();
    expect(log.warnings).toEqual([
      expect.stringMatching(/no keyring/),
      expect.stringMatching(/offers no encryption/),
      expect.stringMatching(/offers no encryption/),
    ]);
  });
});
