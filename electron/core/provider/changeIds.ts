import type { SqliteDatabase } from '../store/database';

/**
 * changeIds (CTP 4.1.5.5, SPEC-NOTES "changeId"): one database-wide counter, so a value
 * is never given twice. A change to a resource gives it and every ancestor up to its
 * service view (through dependencies, for a dependency) one new value. Call inside the
 * write transaction of the change.
 */
export interface ChangeIds {
  /** The next counter value (never reused). */
  next(): number;
  serviceView(id: string): void;
  asset(id: string): void;
  attribute(id: string): void;
  measurement(id: string): void;
  trigger(id: string): void;
  metric(id: string): void;
  /** Sets a trigger's changeId to `value` alone (batched evaluation: see stampView). */
  stampTrigger(value: number, id: string): void;
  /** Sets `value` on a service view or dependency and its ancestors. */
  stampView(value: number, id: string): void;
}

export function createChangeIds(db: SqliteDatabase): ChangeIds {
  const bump = db.prepare<[], { value: number }>(
    'UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value',
  );
  const setView = db.prepare<[{ value: number; id: string }]>(`
    WITH RECURSIVE chain(id) AS (
      SELECT id FROM service_views WHERE id = @id
      UNION ALL
      SELECT v.parent_id FROM service_views v JOIN chain c ON v.id = c.id WHERE v.parent_id IS NOT NULL
    )
    UPDATE service_views SET change_id = @value WHERE id IN (SELECT id FROM chain)`);
  const setAsset = db.prepare<[number, string], { parent: string }>(
    'UPDATE assets SET change_id = ? WHERE id = ? RETURNING service_view_id AS parent',
  );
  const setAttribute = db.prepare<[number, string], { parent: string }>(
    'UPDATE attributes SET change_id = ? WHERE id = ? RETURNING asset_id AS parent',
  );
  const setMeasurement = db.prepare<[number, string], { parent: string }>(
    'UPDATE measurements SET change_id = ? WHERE id = ? RETURNING attribute_id AS parent',
  );
  const setTrigger = db.prepare<[number, string], { parent: string }>(
    'UPDATE triggers SET change_id = ? WHERE id = ? RETURNING service_view_id AS parent',
  );
  const setMetric = db.prepare<[number, string]>('UPDATE metrics SET change_id = ? WHERE id = ?');

  const next = (): number => {
    const row = bump.get();
    if (row === undefined) throw new Error('change_counter row is missing');
    return row.value;
  };
  const view = (value: number, id: string): void => {
    setView.run({ value, id });
  };
  const asset = (value: number, id: string): void => {
    const row = setAsset.get(value, id);
    if (row !== undefined) view(value, row.parent);
  };
  const attribute = (value: number, id: string): void => {
    const row = setAttribute.get(value, id);
    if (row !== undefined) asset(value, row.parent);
  };
  return {
    next,
    serviceView: (id) => view(next(), id),
    asset: (id) => asset(next(), id),
    attribute: (id) => attribute(next(), id),
    measurement(id) {
      const value = next();
      const row = setMeasurement.get(value, id);
      if (row !== undefined) attribute(value, row.parent);
    },
    trigger(id) {
      const value = next();
      const row = setTrigger.get(value, id);
      if (row !== undefined) view(value, row.parent);
    },
    stampTrigger(value, id) {
      setTrigger.get(value, id);
    },
    stampView: view,
    metric: (id) => {
      setMetric.run(next(), id);
    },
  };
}
