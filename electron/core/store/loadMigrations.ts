import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AppError } from '../../../shared/errors';

/** One schema step: `NNNN_name.sql`, applied once, in order, in one transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export type DatabaseName = 'auditor' | 'server';

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
export function loadMigrations(database: DatabaseName, dir = defaultMigrationsDir()): Migration[] {
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
