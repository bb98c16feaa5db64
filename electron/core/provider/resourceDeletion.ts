import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import type { CtpRepositories } from './repositories';

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
 * The admin API's deletes (DESIGN.md "Provider data": creation and update go through the
 * import): a resource and everything under it, cascading to triggers and their logs; a
 * metric only when no measurement uses it (409). The parent gets a new changeId (CTP
 * 4.1.5.5: a child was deleted). One IMMEDIATE transaction each.
 */
export function createResourceDeletion(
  db: SqliteDatabase,
  repositories: CtpRepositories,
): (kind: DeletableKind, id: string) => void {
  const changeIds = createChangeIds(db);
  // Triggers go with their measurement (foreign key); their logs are removed explicitly.
  const logsOfMeasurements = (where: string) =>
    db.prepare<[string]>(
      `DELETE FROM logs WHERE trigger_id IN (SELECT t.id FROM triggers t WHERE t.measurement_id IN (${where}))`,
    );
  const statements = {
    parentOfView: db.prepare<[string], { parent_id: string | null }>(
      'SELECT parent_id FROM service_views WHERE id = ?',
    ),
    deleteView: db.prepare<[string]>('DELETE FROM service_views WHERE id = ?'),
    assetView: db.prepare<[string], { parent: string }>(
      'SELECT service_view_id AS parent FROM assets WHERE id = ?',
    ),
    deleteAsset: db.prepare<[string]>('DELETE FROM assets WHERE id = ?'),
    attributeAsset: db.prepare<[string], { parent: string }>(
      'SELECT asset_id AS parent FROM attributes WHERE id = ?',
    ),
    deleteAttribute: db.prepare<[string]>('DELETE FROM attributes WHERE id = ?'),
    measurementAttribute: db.prepare<[string], { parent: string }>(
      'SELECT attribute_id AS parent FROM measurements WHERE id = ?',
    ),
    deleteMeasurement: db.prepare<[string]>('DELETE FROM measurements WHERE id = ?'),
    metricUse: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM measurements WHERE metric_id = ?',
    ),
    deleteMetric: db.prepare<[string]>('DELETE FROM metrics WHERE id = ?'),
    triggerView: db.prepare<[string], { parent: string }>(
      'SELECT service_view_id AS parent FROM triggers WHERE id = ?',
    ),
    deleteTrigger: db.prepare<[string]>('DELETE FROM triggers WHERE id = ?'),
    logsOfAsset: logsOfMeasurements(
      'SELECT m.id FROM measurements m JOIN attributes a ON a.id = m.attribute_id WHERE a.asset_id = ?',
    ),
    logsOfAttribute: logsOfMeasurements('SELECT id FROM measurements WHERE attribute_id = ?'),
    logsOfMeasurement: logsOfMeasurements('?'),
  };

  const remove = db.transaction((kind: DeletableKind, id: string) => {
    switch (kind) {
      case 'serviceViews':
      case 'dependencies': {
        const row = statements.parentOfView.get(id);
        if (row === undefined || (kind === 'serviceViews') !== (row.parent_id === null)) {
          throw notFound(kind === 'serviceViews' ? 'service view' : 'dependency', id);
        }
        statements.deleteView.run(id);
        if (row.parent_id !== null) changeIds.serviceView(row.parent_id);
        return;
      }
      case 'assets': {
        const row = statements.assetView.get(id);
        if (row === undefined) throw notFound('asset', id);
        statements.logsOfAsset.run(id);
        statements.deleteAsset.run(id);
        changeIds.serviceView(row.parent);
        return;
      }
      case 'attributes': {
        const row = statements.attributeAsset.get(id);
        if (row === undefined) throw notFound('attribute', id);
        statements.logsOfAttribute.run(id);
        statements.deleteAttribute.run(id);
        changeIds.asset(row.parent);
        return;
      }
      case 'measurements': {
        const row = statements.measurementAttribute.get(id);
        if (row === undefined) throw notFound('measurement', id);
        statements.logsOfMeasurement.run(id);
        statements.deleteMeasurement.run(id);
        changeIds.attribute(row.parent);
        return;
      }
      case 'metrics': {
        if (repositories.metric(id) === undefined) throw notFound('metric', id);
        const uses = statements.metricUse.get(id)?.n ?? 0;
        if (uses > 0) {
          throw new AppError(
            'CTP_CONFLICT',
            `Metric "${id}" is used by ${uses} measurement(s); delete or change them first.`,
          );
        }
        statements.deleteMetric.run(id);
        return;
      }
      case 'triggers': {
        const row = statements.triggerView.get(id);
        if (row === undefined) throw notFound('trigger', id);
        statements.deleteTrigger.run(id);
        changeIds.serviceView(row.parent);
        return;
      }
    }
  });

  return (kind, id) => remove.immediate(kind, id);
}
