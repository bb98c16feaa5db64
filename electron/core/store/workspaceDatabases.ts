import { join } from 'node:path';

import { openDatabase, type SqliteDatabase } from './database';
import { loadMigrations, type DatabaseName } from './loadMigrations';
import { dataFolderWarning } from './privateFiles';

export interface WorkspaceDatabaseOptions {
  /** The data folder holding `auditor.db` and `server.db`. */
  dataDir: string;
  /** Electron's build of better-sqlite3 (the app); Node's default otherwise. */
  nativeBinding?: string | undefined;
  /** Where the numbered SQL migrations live (default: beside the code). */
  migrationsDir?: string | undefined;
  /** Told once when other users can get into the data folder (the CLI: stderr; the app: the log). */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The data folder's two databases, each opened (and migrated) on first use, so that a
 * command that needs neither opens neither; `close` closes those that were opened.
 * Opening the workspace checks the folder's own permissions (privateFiles.ts).
 */
export interface WorkspaceDatabases {
  auditor(): SqliteDatabase;
  server(): SqliteDatabase;
  close(): void;
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
  return {
    auditor: () => get('auditor'),
    server: () => get('server'),
    close() {
      for (const db of opened.values()) db.close();
      opened.clear();
    },
  };
}
