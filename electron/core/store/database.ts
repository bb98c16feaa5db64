import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import type Database from 'better-sqlite3';

import { AppError, errorMessage } from '../../../shared/errors';
import { migrationFailed, pendingMigrations, type Migration } from './loadMigrations';
import { makePrivateFile, narrowToOwner, PRIVATE_FOLDER_MODE } from './privateFiles';

export type SqliteDatabase = Database.Database;

/**
 * better-sqlite3 (a native addon) is loaded when the first database opens, not when this
 * module is imported: CLI commands that open no database start without it.
 */
let sqlite: typeof Database | null = null;
function loadSqlite(): typeof Database {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return sqlite;
}

export interface OpenDatabaseOptions {
  /** The database file (made owner-only, 0600); its folder is created 0700 if missing. */
  path: string;
  /** Numbered migrations, applied in order at open (see loadMigrations). */
  migrations: readonly Migration[];
  /**
   * Path of the native better-sqlite3 addon. Node (tests, CLI) uses the default build;
   * the Electron app passes the build made for Electron's ABI.
   */
  nativeBinding?: string | undefined;
  /** How long a writer waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens a database the way every store in the app does: owner-only files (the database
 * and its `-wal`/`-shm`, see privateFiles.ts), WAL (readers never block the writer),
 * foreign keys enforced, a busy timeout (the CLI and the app may share a file),
 * synchronous=NORMAL (safe against process crashes in WAL mode; a power cut can lose the
 * last commits, never corrupt), then runs pending migrations, each in its own transaction.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    mkdirSync(dirname(options.path), { recursive: true, mode: PRIVATE_FOLDER_MODE });
    makePrivateFile(options.path);
    for (const suffix of ['-wal', '-shm']) narrowToOwner(`${options.path}${suffix}`);
    const Sqlite = loadSqlite();
    db = new Sqlite(
      options.path,
      options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
    );
  } catch (error) {
    throw new AppError(
      'STORE_OPEN_FAILED',
      `Cannot open the database ${options.path}: ${errorMessage(error)}`,
      {
        cause: error,
        details: { path: options.path },
      },
    );
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    db.pragma('synchronous = NORMAL');
    migrate(db, options.migrations, options.path);
  } catch (error) {
    db.close();
    if (error instanceof AppError) throw error;
    throw new AppError(
      'STORE_OPEN_FAILED',
      `Cannot open the database ${options.path}: ${errorMessage(error)}`,
      {
        cause: error,
        details: { path: options.path },
      },
    );
  }
  return db;
}

/** The schema version of a database (`PRAGMA user_version`). */
export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[], path: string): void {
  for (const migration of pendingMigrations(schemaVersion(db), migrations, path)) {
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw migrationFailed(migration, path, error, schemaVersion(db));
    }
  }
}
