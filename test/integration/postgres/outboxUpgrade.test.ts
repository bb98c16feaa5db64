import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, it } from 'vitest';

import { defaultMigrationsDir, loadMigrations } from '../../../electron/core/store/loadMigrations';
import { openPostgresStore } from '../../../electron/core/store/postgresStore';
import { createTestDatabase } from '../../fixtures/providerStore';
import { useTempDirs } from '../../helpers/tempDir';
import { expectOldRowsDeliverable, queueOldRows } from '../alerts/outboxUpgrade';

const tempDir = useTempDirs();

describe('PostgreSQL migration 0005 (outbox rows name their log entry)', () => {
  it('keeps the rows queued before it deliverable, in order per trigger', async () => {
    // The schema as version 4 left it: its migrations alone, in a folder of their own.
    const oldDir = tempDir();
    mkdirSync(join(oldDir, 'server-postgres'));
    for (const migration of loadMigrations('server-postgres').filter((m) => m.version <= 4)) {
      const file = `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`;
      cpSync(
        join(defaultMigrationsDir(), 'server-postgres', file),
        join(oldDir, 'server-postgres', file),
      );
    }
    const url = await createTestDatabase();
    const nowMs = Date.parse('2026-01-01T00:01:00.000Z');
    const old = await openPostgresStore({ url, migrationsDir: oldDir });
    await queueOldRows(old, nowMs);
    await old.close();
    const upgraded = await openPostgresStore({ url });
    try {
      await expectOldRowsDeliverable(upgraded, nowMs);
    } finally {
      await upgraded.close();
    }
  });
});
