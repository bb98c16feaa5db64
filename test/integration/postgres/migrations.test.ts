import { describe, expect, it } from 'vitest';

import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import { createTestDatabase } from '../../fixtures/providerStore';

describe('PostgreSQL schema migrations', () => {
  it('run once when several instances start together (advisory lock)', async () => {
    const url = await createTestDatabase();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openPostgresStore({ url, maxConnections: 2 })),
    );
    try {
      const applied = await stores[0]!.all<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(applied.map((row) => row.version)).toEqual(
        loadMigrations('server-postgres').map((migration) => migration.version),
      );
      expect(await stores[3]!.get('SELECT value FROM change_counter')).toEqual({ value: 0 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses a database migrated by a newer version', async () => {
    const url = await createTestDatabase();
    const store = await openPostgresStore({ url });
    await store.run("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
    await store.close();
    await expect(openPostgresStore({ url })).rejects.toMatchObject({ code: 'STORE_NEWER_SCHEMA' });
  });
});
