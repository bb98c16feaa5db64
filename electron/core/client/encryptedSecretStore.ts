import { AppError } from '../../../shared/errors';
import type { SecretStore } from './secretStore';

/** What Electron's `safeStorage` offers (the OS keychain's key); injected, never imported here. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The desktop app's secret store: every value is encrypted with the OS keychain's key
 * (Electron `safeStorage`) before it reaches the file, so that a copied data folder holds
 * no usable token. Refuses to store anything in clear when encryption is unavailable.
 */
export function createEncryptedSecretStore(inner: SecretStore, cipher: SecretCipher): SecretStore {
  const requireCipher = (): void => {
    if (!cipher.isEncryptionAvailable()) {
      throw new AppError(
        'VENDOR_SECRET_STORE_UNREADABLE',
        'The system keychain is not available, so vendor tokens cannot be stored safely. Unlock the keychain (or install a secret service) and try again.',
      );
    }
  };
  return {
    get(key) {
      const stored = inner.get(key);
      if (stored === null) return null;
      requireCipher();
      return cipher.decryptString(Buffer.from(stored, 'base64'));
    },
    set(key, value) {
      requireCipher();
      inner.set(key, cipher.encryptString(value).toString('base64'));
    },
    delete(key) {
      inner.delete(key);
    },
  };
}
