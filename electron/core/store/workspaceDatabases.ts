import { join } from 'node:path';

import { openDatabase, type SqliteDatabase } from './database';
import { loadMigrations, type DatabaseName } from './loadMigrations';
import { dataFolderWarning } from './privateFiles';
import type { SqlStore } from './sqlStore';

/** The provider's PostgreSQL (`--database`, `TRUST_AUDITOR_DATABASE`), instead of server.db. */
export interface ProviderDatabase {
  /** `postgres://USER@HOST[:PORT]/DATABASE` (never with a password: postgresUrl.ts). */
  url: string;
  /** Read from `--database-password-file`; else PGPASSWORD or ~/.pgpass are used. */
  password?: string | undefined;
}

export interface WorkspaceDatabaseOptions {
  /** The data folder holding `auditor.db` and `server.db`. */
  dataDir: string;
  /** Electron's build of better-sqlite3 (the app); Node's default otherwise. */
  nativeBinding?: string | undefined;
  /** Where the numbered SQL migrations live (default: beside the code). */
  migrationsDir?: string | undefined;
  /** Told once when other users can get into the data folder (the CLI: stderr; the app: the log). */
  warn?: ((message: string) => void) | undefined;
  /** The provider store on PostgreSQL; absent: server.db (the default). */
  database?: ProviderDatabase | undefined;
}

/**
 * The data folder's two databases, each opened (and migrated) on first use, so that a
 * command that needs neither opens neither, and the provider store over server.db or
 * PostgreSQL; `close` closes those that were opened. Opening the workspace checks the
 * folder's own permissions (privateFiles.ts).
 */
export interface WorkspaceDatabases {
  auditor(): SqliteDatabase;
  server(): SqliteDatabase;
  /** What the embedded CTP server publishes: server.db, or PostgreSQL when configured. */
  provider(): Promise<SqlStore>;
  close(): Promise<void>;
}

export function openWorkspaceDatabases(options: WorkspaceDatabaseOptions): WorkspaceDatabases {
  const warning = dataFolderWarning(options.dataDir);
  if (warning !== null) options.warn?.(warning);
  const opened = new Map<DatabaseName, SqliteDatabase>();
  const get = (name: DatabaseName): SqliteDatabase => {
    let db = opened.get(name);
    if (db === undefined) {
      db = openDatabase({
        path: join(options.dataDir, `${name}.db`),
        migrations: loadMigrations(name, options.migrationsDir),
        nativeBinding: options.nativeBinding,
      });
      opened.set(name, db);
    }
    return db;
  };
  let provider: Promise<SqlStore> | null = null;
  const openProvider = async (): Promise<SqlStore> => {
    const database = options.database;
    if (database === undefined) {
      const { createSqliteStore } = await import('./sqliteStore');
      return createSqliteStore(get('server'));
    }
    // pg is loaded only when PostgreSQL is asked for.
    const { openPostgresStore } = await import('./postgresStore');
    return openPostgresStore({
      url: database.url,
      password: database.password,
      migrationsDir: options.migrationsDir,
      warn: options.warn,
    });
  };
  return {
    auditor: () => get('auditor'),
    server: () => get('server'),
    provider: () => (provider ??= openProvider()),
    async close() {
      // A store that failed to open has nothing to close.
      const store = await provider?.catch(() => null);
      provider = null;
      await store?.close();
      for (const db of opened.values()) db.close();
      opened.clear();
    },
  };
}
