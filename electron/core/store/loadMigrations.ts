import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AppError, errorMessage } from '../../../shared/errors';

/** One schema step: `NNNN_name.sql`, applied once, in order, in one transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export type DatabaseName = 'auditor' | 'server';

/** A folder of migrations: one per SQLite database, and the provider's PostgreSQL schema. */
export type MigrationSet = DatabaseName | 'server-postgres';

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The folder holding `auditor/` and `server/` migrations. In the source tree it sits beside
 * this module; the build copies it beside the bundle (out/main/migrations), so the same
 * relative lookup works in both.
 */
export function defaultMigrationsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'migrations');
}

/** Reads and checks the migrations of one database: numbered 1, 2, 3… without gaps. */
export function loadMigrations(database: MigrationSet, dir = defaultMigrationsDir()): Migration[] {
  const folder = join(dir, database);
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  return files.map((file, index) => {
    const match = FILE_PATTERN.exec(file);
    if (match === null) {
      throw new AppError(
        'STORE_MIGRATION_FAILED',
        `Migration file ${file} is not named NNNN_name.sql.`,
        {
          expected: false,
        },
      );
    }
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new AppError(
        'STORE_MIGRATION_FAILED',
        `Migrations of ${database} must be numbered 1, 2, 3… without gaps; ${file} should be number ${index + 1}.`,
        { expected: false },
      );
    }
    return { version, name: match[2] ?? file, sql: readFileSync(join(folder, file), 'utf8') };
  });
}

/**
 * The migrations a database at schema version `current` still needs, in order; a database
 * written by a newer version is refused (`STORE_NEWER_SCHEMA`), never opened blindly.
 * `label` names the database in messages (a path, or a PostgreSQL URL without password).
 */
export function pendingMigrations(
  current: number,
  migrations: readonly Migration[],
  label: string,
): Migration[] {
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'STORE_NEWER_SCHEMA',
      `${label} has schema version ${current}, but this version of Trust Auditor knows only up to ${latest}. Upgrade Trust Auditor to open it.`,
      { details: { database: label, current, latest } },
    );
  }
  return migrations.filter((migration) => migration.version > current);
}

/** A migration that failed: its own transaction was rolled back, the database is at `leftAt`. */
export function migrationFailed(
  migration: Migration,
  label: string,
  error: unknown,
  leftAt: number,
): AppError {
  return new AppError(
    'STORE_MIGRATION_FAILED',
    `Migration ${migration.version} (${migration.name}) of ${label} failed: ${errorMessage(error)}. The database was left at version ${leftAt}.`,
    { expected: false, cause: error, details: { database: label, version: migration.version } },
  );
}
