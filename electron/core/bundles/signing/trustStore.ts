/**
 * The trust store: a folder of PEM public keys whose signatures make a bundle `verified`
 * (SPEC-NOTES "Trust"). The default folder is `<dataDir>/trusted-keys`; `--keys DIR`
 * points the CLI elsewhere. Keys are read at each lookup, so a key added or removed by
 * another process (the CLI while the app runs) counts at once.
 */
import type { KeyObject } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { AppError, errorMessage } from '../../../../shared/errors';
import { loadPublicKey } from './keyId';

/** One trusted key as `bundle trust list` shows it. */
export interface TrustedKey {
  keyId: string;
  /** Full SHA-256 over the SPKI PEM text. */
  fingerprint: string;
  bits: number;
  /** File name inside the trust-store folder. */
  file: string;
  /** When the key file was written (RFC 3339): when it was trusted. */
  addedAt: string;
}

/** A file of the folder that is not a usable key (damaged, not RSA, too small). */
export interface TrustStoreProblem {
  file: string;
  message: string;
}

export interface TrustStore {
  readonly dir: string;
  list(): Promise<{ keys: TrustedKey[]; problems: TrustStoreProblem[] }>;
  /** The trusted key with this id, or null. */
  find(keyId: string): Promise<(TrustedKey & { key: KeyObject }) | null>;
  /**
   * Adds a public key (PEM text). Written as `<name>.pem` (default: the key id). Adding a
   * key that is already trusted changes nothing (`added: false`).
   */
  add(pem: string | Buffer, name?: string): Promise<TrustedKey & { added: boolean }>;
  /** Removes the key with this id or file name. */
  remove(keyIdOrFile: string): Promise<TrustedKey>;
}

/** Largest key file read; a PEM RSA-16384 public key is about 3 KiB. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function defaultTrustStoreDir(dataDir: string): string {
  return join(dataDir, 'trusted-keys');
}

/** The `.pem` files `version()` looks at, at most (a trust store holds a handful). */
const MAX_VERSIONED_FILES = 1000;

/**
 * A value that moves when a key file of the folder is added, removed or rewritten, by any
 * process (`bundle trust add` in a terminal): each `.pem` file's name, size and
 * modification time, or `absent` without a folder. Synchronous and cheap for the watcher
 * that polls it (dataVersionWatcher.ts).
 */
export function trustStoreVersion(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  const files = names.filter((name) => name.endsWith('.pem')).sort();
  return files
    .slice(0, MAX_VERSIONED_FILES)
    .map((name) => {
      const info = statSync(join(dir, name), { bigint: true, throwIfNoEntry: false });
      return info === undefined ? `${name}:gone` : `${name}:${info.size}:${info.mtimeNs}`;
    })
    .join('/')
    .concat(`/${files.length}`);
}

export function createTrustStore(options: { dir: string }): TrustStore {
  const dir = options.dir;

  async function loadAll(): Promise<{
    keys: (TrustedKey & { key: KeyObject })[];
    problems: TrustStoreProblem[];
  }> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [], problems: [] };
      throw new AppError(
        'BUNDLE_FILE_UNREADABLE',
        `Cannot read the trust store ${dir}: ${String(error)}.`,
      );
    }
    const keys: (TrustedKey & { key: KeyObject })[] = [];
    const problems: TrustStoreProblem[] = [];
    for (const file of names.filter((name) => name.endsWith('.pem')).sort()) {
      const path = join(dir, file);
      try {
        const info = await stat(path);
        if (!info.isFile()) continue;
        if (info.size > MAX_KEY_FILE_BYTES)
          throw new Error(`larger than ${MAX_KEY_FILE_BYTES} bytes`);
        const loaded = loadPublicKey(await readFile(path), file);
        keys.push({
          keyId: loaded.keyId,
          fingerprint: loaded.fingerprint,
          bits: loaded.bits,
          file,
          addedAt: info.mtime.toISOString(),
          key: loaded.key,
        });
      } catch (error) {
        problems.push({ file, message: errorMessage(error) });
      }
    }
    return { keys, problems };
  }

  const plain = ({ keyId, fingerprint, bits, file, addedAt }: TrustedKey): TrustedKey => ({
    keyId,
    fingerprint,
    bits,
    file,
    addedAt,
  });

  return {
    dir,
    async list() {
      const { keys, problems } = await loadAll();
      return { keys: keys.map(plain), problems };
    },
    async find(keyId) {
      const { keys } = await loadAll();
      return keys.find((key) => key.keyId === keyId) ?? null;
    },
    async add(pem, name) {
      const loaded = loadPublicKey(pem, name ?? 'the key');
      const { keys } = await loadAll();
      const existing = keys.find((key) => key.keyId === loaded.keyId);
      if (existing !== undefined) return { ...plain(existing), added: false };
      const stem = (name ?? loaded.keyId).replace(/\.pem$/i, '');
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(stem)) {
        throw new AppError(
          'BUNDLE_KEY_INVALID',
          `${JSON.stringify(stem)} is not a usable key name: use letters, digits, dot, dash and underscore.`,
        );
      }
      const file = `${stem}.pem`;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      try {
        // Store the canonical SPKI PEM: its SHA-256 is the key id.
        await writeFile(join(dir, file), loaded.pem, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new AppError(
            'BUNDLE_FILE_EXISTS',
            `The trust store already has a file ${file} holding another key; choose another name.`,
          );
        }
        throw error;
      }
      return {
        keyId: loaded.keyId,
        fingerprint: loaded.fingerprint,
        bits: loaded.bits,
        file,
        addedAt: (await stat(join(dir, file))).mtime.toISOString(),
        added: true,
      };
    },
    async remove(keyIdOrFile) {
      const { keys } = await loadAll();
      const wanted = basename(keyIdOrFile);
      const match = keys.find(
        (key) => key.keyId === wanted || key.file === wanted || key.file === `${wanted}.pem`,
      );
      if (match === undefined) {
        throw new AppError(
          'BUNDLE_KEY_NOT_FOUND',
          `No trusted key has the id or file name ${JSON.stringify(keyIdOrFile)}; \`bundle trust list\` shows them.`,
        );
      }
      await rm(join(dir, match.file));
      return plain(match);
    },
  };
}
