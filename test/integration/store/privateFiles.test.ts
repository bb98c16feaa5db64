import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../../electron/core/store/database';
import {
  dataFolderWarning,
  exposureWarning,
  makePrivateFile,
} from '../../../electron/core/store/privateFiles';
import { openWorkspaceDatabases } from '../../../electron/core/store/workspaceDatabases';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const modeOf = (path: string): number => statSync(path).mode & 0o777;
const notes = [{ version: 1, name: 'notes', sql: 'CREATE TABLE notes (text TEXT) STRICT;' }];

// The most permissive umask: what a file gets is what its writer asked for.
let savedUmask: number;
beforeEach(() => {
  savedUmask = process.umask(0);
});
afterEach(() => {
  process.umask(savedUmask);
});

describe('database files are the owner’s only', () => {
  it('creates the database, its -wal and -shm 0600 and missing folders 0700', () => {
    const shared = tempDir();
    chmodSync(shared, 0o755);
    const path = join(shared, 'new', 'auditor.db');
    const db = openDatabase({ path, migrations: notes });
    db.prepare('INSERT INTO notes VALUES (?)').run('x');
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
    expect(modeOf(join(shared, 'new'))).toBe(0o700);
    expect(modeOf(shared)).toBe(0o755);
    db.close();
  });

  it('narrows files an earlier version left 0644, without disturbing a connection that has them open', () => {
    const path = join(tempDir(), 'server.db');
    const earlier = new Database(path);
    earlier.pragma('journal_mode = WAL');
    earlier.exec('CREATE TABLE notes (text TEXT) STRICT; PRAGMA user_version = 1;');
    expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o644, 0o644, 0o644]);

    const db = openDatabase({ path, migrations: notes });
    expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
    // Both connections still read and write (no lock of the first one was dropped).
    earlier.prepare('INSERT INTO notes VALUES (?)').run('first');
    db.prepare('INSERT INTO notes VALUES (?)').run('second');
    expect(earlier.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(2);
    db.close();
    earlier.close();
  });

  it('makePrivateFile keeps an existing file’s content and owner bits', () => {
    const path = join(tempDir(), 'kept');
    writeFileSync(path, 'content', { mode: 0o664 });
    makePrivateFile(path);
    expect(modeOf(path)).toBe(0o600);
    expect(statSync(path).size).toBe(7);
  });
});

describe('a data folder other users can get into is reported', () => {
  it.each([
    [0o755, /other users can list the files of the data folder \/d \(mode 0755\)/],
    [0o750, /can list .* \(mode 0750\)/],
    [0o775, /can add, replace or delete files in the data folder \/d \(mode 0775\)/],
    [0o703, /can add, replace or delete files in/],
  ])('mode %s', (mode, message) => {
    const warning = exposureWarning('/d', mode);
    expect(warning).toMatch(message);
    expect(warning).toMatch(/chmod 700 \/d$/);
  });

  it.each([0o700, 0o711, 0o500])('nothing for mode %s', (mode) => {
    expect(exposureWarning('/d', mode)).toBeNull();
  });

  it('quotes a path the shell would split', () => {
    expect(exposureWarning("/home/me/it's mine", 0o755)).toMatch(
      /chmod 700 '\/home\/me\/it'\\''s mine'$/,
    );
  });

  it('reads the real folder, says nothing of a missing one or on Windows', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    expect(dataFolderWarning(dir, 'linux')).toMatch(/mode 0755/);
    expect(dataFolderWarning(dir, 'win32')).toBeNull();
    expect(dataFolderWarning(join(dir, 'missing'), 'linux')).toBeNull();
    chmodSync(dir, 0o700);
    expect(dataFolderWarning(dir, 'linux')).toBeNull();
  });

  it('opening the workspace warns once, before any database opens', () => {
    const dir = join(tempDir(), 'workspace');
    mkdirSync(dir, { mode: 0o755 });
    const warnings: string[] = [];
    const databases = openWorkspaceDatabases({ dataDir: dir, warn: (text) => warnings.push(text) });
    expect(warnings).toEqual([expect.stringMatching(/chmod 700/)]);
    databases.auditor();
    databases.server();
    expect(warnings).toHaveLength(1);
    databases.close();
  });
});
