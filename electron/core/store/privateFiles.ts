import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

import { shellQuote } from '../../../shared/shellQuote';

/**
 * The data folder holds every account's results, the auditor's evidence, tokens and keys
 * (DESIGN "Databases": folder 0700, every file 0600). Writers pass these modes when they
 * create a file or folder; the process umask is left alone, since it also governs files
 * the user asks for elsewhere (bundles, exported keys).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** Permission bits that let the group or other users in. */
const SHARED_BITS = 0o077;

/**
 * Creates `path` as an empty owner-only file when it is missing, and takes the group's and
 * others' permissions off an existing one (a file made by an earlier version).
 *
 * Used before SQLite opens a database: SQLite creates a new database 0644 (less the umask),
 * but gives its `-wal` and `-shm` files the mode of the database file (os_unix.c,
 * `findCreateFileMode`), so a private database keeps its journal files private too. An
 * existing file is never opened here: closing another descriptor of a database this
 * process has open would drop SQLite's POSIX locks on it.
 */
export function makePrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  narrowToOwner(path);
}

/** Takes the group's and others' permissions off `path`, if it exists. */
export function narrowToOwner(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & SHARED_BITS) !== 0) chmodSync(path, mode & ~SHARED_BITS);
}

/**
 * A warning for a data folder that other users can list or write (its files stay
 * private, but names show, and a writable folder lets them replace files), or null.
 * Windows protects folders with ACLs, not these mode bits: nothing to say there.
 */
export function dataFolderWarning(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (platform === 'win32') return null;
  let mode: number;
  try {
    mode = statSync(dir).mode & 0o777;
  } catch {
    return null; // not there yet: it will be created 0700
  }
  return exposureWarning(dir, mode);
}

/** The warning for a folder of this mode (pure), or null when only its owner can use it. */
export function exposureWarning(dir: string, mode: number): string | null {
  const exposure =
    (mode & 0o022) !== 0
      ? 'other users can add, replace or delete files in'
      : (mode & 0o044) !== 0
        ? 'other users can list the files of'
        : null;
  if (exposure === null) return null;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return (
    `Warning: ${exposure} the data folder ${dir} (mode ${octal}). Its files are private ` +
    `to you, but restrict the folder too: chmod 700 ${shellQuote(dir)}`
  );
}
