import type { ServerCounts } from '../../../shared/api';
import type { SqliteDatabase } from '../store/database';

/** Reads how much the embedded server publishes (the Server page's stat cards). */
export interface ServerCountsRepository {
  counts(): ServerCounts;
}

/**
 * The repository pattern every store follows: a factory that receives the database,
 * prepares its statements once, and returns plain data (never rows or statements).
 */
export function createServerCountsRepository(db: SqliteDatabase): ServerCountsRepository {
  const statement = db.prepare<[], ServerCounts>(`
    SELECT
      (SELECT count(*) FROM service_views WHERE parent_id IS NULL) AS serviceViews,
      (SELECT count(*) FROM assets) AS assets,
      (SELECT count(*) FROM measurements) AS measurements,
      (SELECT count(*) FROM triggers) AS triggers,
      (SELECT count(*) FROM accounts) AS accounts
  `);
  return {
    counts() {
      const row = statement.get();
      if (row === undefined) throw new Error('count query returned no row');
      return row;
    },
  };
}
