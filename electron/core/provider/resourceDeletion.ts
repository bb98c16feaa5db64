import { AppError } from '../../../shared/errors';
import type { SqlQueries, SqlStore } from '../store/sqlStore';
import { changeIdsOn } from './changeIds';

export type DeletableKind =
  | 'serviceViews'
  | 'dependencies'
  | 'assets'
  | 'attributes'
  | 'measurements'
  | 'metrics'
  | 'triggers';

export function notFound(what: string, id: string): AppError {
  return new AppError('CTP_NOT_FOUND', `No ${what} with id "${id}".`);
}

/**
 * Triggers go with their measurement (foreign key); their logs are removed explicitly,
 * found through their service views (logs_service_view_time): no index on `trigger_id`,
 * which every alert would pay for (migrations 0005).
 */
const logsOfMeasurements = (where: string) => {
  const triggers = `FROM triggers t WHERE t.measurement_id IN (${where})`;
  return `DELETE FROM logs WHERE service_view_id IN (SELECT t.service_view_id ${triggers})
    AND trigger_id IN (SELECT t.id ${triggers})`;
};

const SQL = {
  parentOfView: 'SELECT parent_id FROM service_views WHERE id = $1',
  deleteView: 'DELETE FROM service_views WHERE id = $1',
  assetView: 'SELECT service_view_id AS parent FROM assets WHERE id = $1',
  deleteAsset: 'DELETE FROM assets WHERE id = $1',
  attributeAsset: 'SELECT asset_id AS parent FROM attributes WHERE id = $1',
  deleteAttribute: 'DELETE FROM attributes WHERE id = $1',
  measurementAttribute: 'SELECT attribute_id AS parent FROM measurements WHERE id = $1',
  deleteMeasurement: 'DELETE FROM measurements WHERE id = $1',
  metricExists: 'SELECT id FROM metrics WHERE id = $1',
  metricUse: 'SELECT count(*) AS n FROM measurements WHERE metric_id = $1',
  deleteMetric: 'DELETE FROM metrics WHERE id = $1',
  triggerView: 'SELECT service_view_id AS parent FROM triggers WHERE id = $1',
  deleteTrigger: 'DELETE FROM triggers WHERE id = $1',
  logsOfAsset: logsOfMeasurements(
    'SELECT m.id FROM measurements m JOIN attributes a ON a.id = m.attribute_id WHERE a.asset_id = $1',
  ),
  logsOfAttribute: logsOfMeasurements('SELECT id FROM measurements WHERE attribute_id = $1'),
  logsOfMeasurement: logsOfMeasurements('$1'),
};

/** A child row's parent, or 404. */
async function parentOf(tx: SqlQueries, sql: string, what: string, id: string): Promise<string> {
  const row = await tx.get<{ parent: string }>(sql, [id]);
  if (row === undefined) throw notFound(what, id);
  return row.parent;
}

async function remove(tx: SqlQueries, kind: DeletableKind, id: string): Promise<void> {
  const changeIds = changeIdsOn(tx);
  switch (kind) {
    case 'serviceViews':
    case 'dependencies': {
      const row = await tx.get<{ parent_id: string | null }>(SQL.parentOfView, [id]);
      if (row === undefined || (kind === 'serviceViews') !== (row.parent_id === null)) {
        throw notFound(kind === 'serviceViews' ? 'service view' : 'dependency', id);
      }
      await tx.run(SQL.deleteView, [id]);
      if (row.parent_id !== null) await changeIds.serviceView(row.parent_id);
      return;
    }
    case 'assets': {
      const parent = await parentOf(tx, SQL.assetView, 'asset', id);
      await tx.run(SQL.logsOfAsset, [id]);
      await tx.run(SQL.deleteAsset, [id]);
      return changeIds.serviceView(parent);
    }
    case 'attributes': {
      const parent = await parentOf(tx, SQL.attributeAsset, 'attribute', id);
      await tx.run(SQL.logsOfAttribute, [id]);
      await tx.run(SQL.deleteAttribute, [id]);
      return changeIds.asset(parent);
    }
    case 'measurements': {
      const parent = await parentOf(tx, SQL.measurementAttribute, 'measurement', id);
      await tx.run(SQL.logsOfMeasurement, [id]);
      await tx.run(SQL.deleteMeasurement, [id]);
      return changeIds.attribute(parent);
    }
    case 'metrics': {
      if ((await tx.get(SQL.metricExists, [id])) === undefined) throw notFound('metric', id);
      const uses = (await tx.get<{ n: number }>(SQL.metricUse, [id]))?.n ?? 0;
      if (uses > 0) {
        throw new AppError(
          'CTP_CONFLICT',
          `Metric "${id}" is used by ${uses} measurement(s); delete or change them first.`,
        );
      }
      await tx.run(SQL.deleteMetric, [id]);
      return;
    }
    case 'triggers': {
      const parent = await parentOf(tx, SQL.triggerView, 'trigger', id);
      await tx.run(SQL.deleteTrigger, [id]);
      return changeIds.serviceView(parent);
    }
  }
}

/**
 * The admin API's deletes (DESIGN.md "Provider data": creation and update go through the
 * import): a resource and everything under it, cascading to triggers and their logs; a
 * metric only when no measurement uses it (409). The parent gets a new changeId (CTP
 * 4.1.5.5: a child was deleted). One write transaction each.
 */
export function createResourceDeletion(
  store: SqlStore,
): (kind: DeletableKind, id: string) => Promise<void> {
  return (kind, id) => store.write((tx) => remove(tx, kind, id));
}
