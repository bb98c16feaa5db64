import type { SqlQueries } from '../store/sqlStore';

/**
 * changeIds (CTP 4.1.5.5, SPEC-NOTES "changeId"): one database-wide counter, so a value
 * is never given twice. A change to a resource gives it and every ancestor up to its
 * service view (through dependencies, for a dependency) one new value. Use the
 * transaction of the change: the counter row is locked until it commits (sqlStore.ts
 * `write`), so values are also given in commit order across processes.
 */
export interface ChangeIds {
  /** The next counter value (never reused). */
  next(): Promise<number>;
  serviceView(id: string): Promise<void>;
  asset(id: string): Promise<void>;
  attribute(id: string): Promise<void>;
  measurement(id: string): Promise<void>;
  trigger(id: string): Promise<void>;
  metric(id: string): Promise<void>;
  /** Sets `value` on a service view or dependency and its ancestors (batched evaluation). */
  stampView(value: number, id: string): Promise<void>;
}

const BUMP = 'UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value';
const SET_VIEW = `
  WITH RECURSIVE chain(id) AS (
    SELECT id FROM service_views WHERE id = $2
    UNION ALL
    SELECT v.parent_id FROM service_views v JOIN chain c ON v.id = c.id WHERE v.parent_id IS NOT NULL
  )
  UPDATE service_views SET change_id = $1 WHERE id IN (SELECT id FROM chain)`;
const SET_ASSET =
  'UPDATE assets SET change_id = $1 WHERE id = $2 RETURNING service_view_id AS parent';
const SET_ATTRIBUTE =
  'UPDATE attributes SET change_id = $1 WHERE id = $2 RETURNING asset_id AS parent';
const SET_MEASUREMENT =
  'UPDATE measurements SET change_id = $1 WHERE id = $2 RETURNING attribute_id AS parent';
const SET_TRIGGER =
  'UPDATE triggers SET change_id = $1 WHERE id = $2 RETURNING service_view_id AS parent';
const SET_METRIC = 'UPDATE metrics SET change_id = $1 WHERE id = $2';

export function changeIdsOn(tx: SqlQueries): ChangeIds {
  const next = async (): Promise<number> => {
    const row = await tx.get<{ value: number }>(BUMP);
    if (row === undefined) throw new Error('change_counter row is missing');
    return row.value;
  };
  const parentOf = (sql: string, value: number, id: string) =>
    tx.get<{ parent: string }>(sql, [value, id]);
  const view = async (value: number, id: string): Promise<void> => {
    await tx.run(SET_VIEW, [value, id]);
  };
  const asset = async (value: number, id: string): Promise<void> => {
    const row = await parentOf(SET_ASSET, value, id);
    if (row !== undefined) await view(value, row.parent);
  };
  const attribute = async (value: number, id: string): Promise<void> => {
    const row = await parentOf(SET_ATTRIBUTE, value, id);
    if (row !== undefined) await asset(value, row.parent);
  };
  return {
    next,
    serviceView: async (id) => view(await next(), id),
    asset: async (id) => asset(await next(), id),
    attribute: async (id) => attribute(await next(), id),
    async measurement(id) {
      const value = await next();
      const row = await parentOf(SET_MEASUREMENT, value, id);
      if (row !== undefined) await attribute(value, row.parent);
    },
    async trigger(id) {
      const value = await next();
      const row = await parentOf(SET_TRIGGER, value, id);
      if (row !== undefined) await view(value, row.parent);
    },
    stampView: view,
    async metric(id) {
      await tx.run(SET_METRIC, [await next(), id]);
    },
  };
}
