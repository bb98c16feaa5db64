import { join } from 'node:path';

import { describe, it } from 'vitest';

import { openDatabase } from '../../../electron/core/store/database';
import { loadMigrations } from '../../../electron/core/store/loadMigrations';
import { createSqliteStore } from '../../../electron/core/store/sqliteStore';
import { useTempDirs } from '../../helpers/tempDir';
import { expectOldRowsDeliverable, queueOldRows } from './outboxUpgrade';

const tempDir = useTempDirs();

describe('server.db migration 0005 (outbox rows name their log entry)', () => {
  it('keeps the rows queued before it deliverable, in order per trigger', async () => {
    const path = join(tempDir(), 'server.db');
    const nowMs = Date.parse('2026-01-01T00:01:00.000Z');
    const open = (upTo: number) => {
      const migrations = loadMigrations('server').filter((m) => m.version <= upTo);
      const db = openDatabase({ path, migrations });
      return { db, store: createSqliteStore(db) };
    };
    const old = open(4);
    await queueOldRows(old.store, nowMs);
    old.db.close();
    const upgraded = open(Infinity);
    try {
      await expectOldRowsDeliverable(upgraded.store, nowMs);
    } finally {
      upgraded.db.close();
    }
  });
});
