import type { ClientBase } from 'pg';

import { migrationFailed, pendingMigrations, type Migration } from './loadMigrations';

/**
 * Brings the provider's PostgreSQL schema up to date (migrations/server-postgres/), once
 * however many `serve` processes start together: each takes a session advisory lock first
 * (the key is per schema), so the first migrates while the others wait, then find nothing
 * left to do. Each migration runs in its own transaction with its row in
 * `schema_migrations`; a database migrated by a newer version is refused.
 */
export async function migratePostgres(
  client: ClientBase,
  migrations: readonly Migration[],
  label: string,
): Promise<void> {
  await client.query(
    "SELECT pg_advisory_lock(hashtext('trust-auditor migrations ' || current_schema()))",
  );
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    let current = rows[0]?.version ?? 0;
    for (const migration of pendingMigrations(current, migrations, label)) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw migrationFailed(migration, label, error, current);
      }
      current = migration.version;
    }
  } finally {
    await client
      .query("SELECT pg_advisory_unlock(hashtext('trust-auditor migrations ' || current_schema()))")
      .catch(() => undefined);
  }
}
