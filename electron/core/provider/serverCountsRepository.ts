import type { ServerCounts } from '../../../shared/api';
import type { SqlStore } from '../store/sqlStore';

/** Reads how much the embedded server publishes (the Server page's stat cards). */
export interface ServerCountsRepository {
  counts(): Promise<ServerCounts>;
}

const COUNTS = `
  SELECT
    (SELECT count(*) FROM service_views WHERE parent_id IS NULL) AS "serviceViews",
    (SELECT count(*) FROM assets) AS assets,
    (SELECT count(*) FROM measurements) AS measurements,
    (SELECT count(*) FROM triggers) AS triggers,
    (SELECT count(*) FROM accounts) AS accounts`;

/**
 * The repository pattern every store follows: a factory that receives the store and
 * returns plain data (never rows or statements).
 */
export function createServerCountsRepository(store: SqlStore): ServerCountsRepository {
  return {
    async counts() {
      const row = await store.get<ServerCounts>(COUNTS);
      if (row === undefined) throw new Error('count query returned no row');
      return row;
    },
  };
}
