import type { SecretProtector, Logger } from '../core/types.ts';

/** The part of Electron's safeStorage the protector uses (the synchronous API, available once the app is ready). */
export type SafeStorageLike = Pick<
  Electron.SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;

/**
 * The desktop app's credential protector: Electron safeStorage, which encrypts with a key the operating system keeps
 * for the user (Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux). On Linux without a
 * keyring safeStorage falls back to 'basic_text', a key hard-coded in Chromium, which is obfuscation rather than
 * protection: then, as when encryption is unavailable, there is no protector and the app offers environment variables
 * and files only. Call after the app's 'ready' event.
 */
export function safeStorageProtector(
  safeStorage: SafeStorageLike, platform: NodeJS.Platform, log: Logger,
): SecretProtector | undefined {
  if (!safeStorage.isEncryptionAvailable()) {
    log.warn('Credentials cannot be stored encrypted: the operating system offers no encryption to this app');
    return undefined;
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      log.warn('Credentials cannot be stored encrypted: no keyring (Secret Service or KWallet) is available', { backend });
      return undefined;
    }
  }
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (blob) => safeStorage.decryptString(blob),
  };
}
