/**
 * Where vendor bearer tokens are kept (never in auditor.db in clear, never
 * logged). The app injects an Electron `safeStorage` implementation; the CLI uses
 * {@link createFileSecretStore}: one JSON file readable by its owner only (0600).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { AppError } from '../../../shared/errors';

export interface SecretStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** The secret-store key of a vendor's token. */
export function vendorTokenKey(vendorName: string): string {
  return `vendor-token:${vendorName}`;
}

/** The CLI's secret file: `<dataDir>/secrets.json`, mode 0600. */
export function defaultSecretsPath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

/**
 * Secrets in one JSON file, written atomically (temporary file, then rename) with mode
 * 0600 so that only its owner can read it.
 */
export function createFileSecretStore(path: string): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(path)) return {};
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string') out[key] = value;
      }
      return out;
    } catch (error) {
      throw new AppError(
        'VENDOR_SECRET_STORE_UNREADABLE',
        `The secret file ${path} cannot be read: ${(error as Error).message}. Remove it and add the vendor tokens again.`,
        { cause: error },
      );
    }
  };
  const write = (secrets: Record<string, string>): void => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(secrets), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  };
  return {
    get: (key) => read()[key] ?? null,
    set(key, value) {
      write({ ...read(), [key]: value });
    },
    delete(key) {
      const secrets = read();
      if (!(key in secrets)) return;
      delete secrets[key];
      write(secrets);
    },
  };
}

/** An in-memory store (tests, and the app before safeStorage is ready). */
export function createMemorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    get: (key) => secrets.get(key) ?? null,
    set: (key, value) => void secrets.set(key, value),
    delete: (key) => void secrets.delete(key),
  };
}
