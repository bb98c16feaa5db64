import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { openDatabase, schemaVersion } from '../../../electron/core/store/database';
import { loadMigrations, type Migration } from '../../../electron/core/store/loadMigrations';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const notes: Migration[] = [
  {
    version: 1,
    name: 'notes',
    sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;',
  },
  {
    version: 2,
    name: 'tags',
    sql: 'CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL) STRICT;',
  },
];

describe('openDatabase', () => {
  it('opens a real file with WAL, foreign keys and a busy timeout, and migrates it', () => {
    const path = join(tempDir(), 'nested', 'auditor.db');
    const db = openDatabase({ path, migrations: notes, busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(schemaVersion(db)).toBe(2);
    expect(() => db.prepare('INSERT INTO tags VALUES (99, ?)').run('x')).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('applies only the new migrations when reopened', () => {
    const path = join(tempDir(), 'a.db');
    const first = openDatabase({ path, migrations: notes.slice(0, 1) });
    first.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    first.close();
    const second = openDatabase({ path, migrations: notes });
    expect(schemaVersion(second)).toBe(2);
    expect(second.prepare('SELECT text FROM notes').pluck().all()).toEqual(['kept']);
    second.close();
  });

  it('rolls a failing migration back whole and keeps the data', () => {
    const path = join(tempDir(), 'a.db');
    const db = openDatabase({ path, migrations: notes.slice(0, 1) });
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('precious');
    db.close();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);',
    };
    expect(() => openDatabase({ path, migrations: [notes[0]!, broken] })).toThrow(
      expect.objectContaining({ code: 'STORE_MIGRATION_FAILED' }),
    );
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(
      check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get(),
    ).toBe(0);
    expect(check.prepare('SELECT text FROM notes').pluck().all()).toEqual(['precious']);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(tempDir(), 'a.db');
    openDatabase({ path, migrations: notes }).close();
    const error = (() => {
      try {
        openDatabase({ path, migrations: notes.slice(0, 1) });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('STORE_NEWER_SCHEMA');
    expect((error as AppError).message).toMatch(/Upgrade Trust Auditor/);
  });

  it('says which file is not a database', () => {
    const path = join(tempDir(), 'junk.db');
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    expect(() => openDatabase({ path, migrations: notes })).toThrow(
      expect.objectContaining({
        code: 'STORE_OPEN_FAILED',
        message: expect.stringContaining(path),
      }),
    );
  });
});

describe('loadMigrations', () => {
  it('reads the numbered SQL files of the project and they apply cleanly', () => {
    for (const name of ['auditor', 'server'] as const) {
      const migrations = loadMigrations(name);
      migrations.forEach((migration, index) => expect(migration.version).toBe(index + 1));
      const db = openDatabase({ path: join(tempDir(), `${name}.db`), migrations });
      expect(schemaVersion(db)).toBe(migrations.length);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    }
  });

  it.each([
    [['0001_a.sql', '0003_c.sql'], /should be number 2/],
    [['0001_a.sql', 'two.sql'], /not named NNNN_name.sql/],
  ])('refuses %j', (files, message) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'auditor'));
    for (const file of files) writeFileSync(join(dir, 'auditor', file), 'SELECT 1;');
    expect(() => loadMigrations('auditor', dir)).toThrow(message);
  });
});
