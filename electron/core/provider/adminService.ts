import { formatRfc3339 } from '../../../shared/ctp/time';
import type { LogRecord, MeasurementRecord } from '../../../shared/ctp/types';
import { compileConditionOrThrow } from '../../../shared/ctpscript';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import type { Publisher } from './publisher';
import type { CtpRepositories } from './repositories';

export type DeletableKind =
  | 'serviceViews'
  | 'dependencies'
  | 'assets'
  | 'attributes'
  | 'measurements'
  | 'metrics'
  | 'triggers';

export interface OutboxItem {
  seq: number;
  notification: string;
  createdAt: string;
  attempts: number;
  sentAt: string | null;
  /** `queued`, `sent`, or `failed` for good (the XMPP notifier, migration 0002). */
  state: 'queued' | 'sent' | 'failed';
  failedAt: string | null;
  lastError: string | null;
  log: LogRecord;
}

/**
 * The provider's back office (what ctpd's offers, and more): deletes that cascade to
 * triggers and their logs, objectives, the result history and the notification outbox.
 * Creation and update go through the provider import (create or update by id).
 */
export interface AdminService {
  /** Deletes a resource and everything under it; 409 for a metric still in use. */
  delete(kind: DeletableKind, id: string): void;
  /** Sets (or removes, with null) a measurement's objective and evaluates it (CTP 5.3.1). */
  setObjective(measurementId: string, condition: string | null): MeasurementRecord;
  history(measurementId: string, limit: number): Array<{ result: unknown; receivedAt: string }>;
  outbox(options: { unsentOnly: boolean; limit: number }): OutboxItem[];
  /** Marks outbox rows sent (the XMPP notifier's acknowledgement). */
  markSent(seqs: readonly number[]): number;
}

export function createAdminService(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  repositories: CtpRepositories;
  publisher: Publisher;
}): AdminService {
  const { db, clock, repositories, publisher } = deps;
  const changeIds = createChangeIds(db);
  const notFound = (what: string, id: string) =>
    new AppError('CTP_NOT_FOUND', `No ${what} with id "${id}".`);
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
    setObjective: db.prepare<[string | null, string | null, string | null, string]>(
      'UPDATE measurements SET objective_condition = ?, objective_status = ?, objective_status_time = ? WHERE id = ?',
    ),
    history: db.prepare<[string, number], { result: string; received_at: string }>(
      'SELECT result, received_at FROM result_history WHERE measurement_id = ? ORDER BY seq DESC LIMIT ?',
    ),
    outbox: db.prepare<
      [number, number],
      {
        seq: number;
        notification: string;
        payload: string;
        created_at: string;
        attempts: number;
        sent_at: string | null;
        failed_at: string | null;
        last_error: string | null;
      }
    >('SELECT * FROM outbox WHERE (? = 0 OR sent_at IS NULL) ORDER BY seq LIMIT ?'),
    markSent: db.prepare<[string, number]>(
      'UPDATE outbox SET sent_at = ? WHERE seq = ? AND sent_at IS NULL',
    ),
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

  return {
    delete: (kind, id) => remove.immediate(kind, id),
    setObjective: db.transaction((measurementId: string, condition: string | null) => {
      if (repositories.measurement(measurementId) === undefined)
        throw notFound('measurement', measurementId);
      if (condition !== null) compileConditionOrThrow(condition);
      const nowMs = clock().getTime();
      statements.setObjective.run(
        condition,
        condition === null ? null : 'false',
        condition === null ? null : formatRfc3339(nowMs),
        measurementId,
      );
      publisher.evaluateObjective(measurementId, nowMs);
      changeIds.measurement(measurementId);
      return repositories.measurement(measurementId)!;
    }),
    history(measurementId, limit) {
      if (repositories.measurement(measurementId) === undefined)
        throw notFound('measurement', measurementId);
      return statements.history
        .all(measurementId, limit)
        .map((row) => ({ result: JSON.parse(row.result) as unknown, receivedAt: row.received_at }));
    },
    outbox({ unsentOnly, limit }) {
      return statements.outbox.all(unsentOnly ? 1 : 0, limit).map((row) => {
        const payload = JSON.parse(row.payload) as {
          id: string;
          serviceViewId: string;
          triggerId: string;
          creationTime: string;
          resultText: string | null;
          error: string | null;
          tags: string[];
        };
        return {
          seq: row.seq,
          notification: row.notification,
          createdAt: row.created_at,
          attempts: row.attempts,
          sentAt: row.sent_at,
          state: row.failed_at !== null ? 'failed' : row.sent_at !== null ? 'sent' : 'queued',
          failedAt: row.failed_at,
          lastError: row.last_error,
          log: {
            id: payload.id,
            serviceViewId: payload.serviceViewId,
            triggerId: payload.triggerId,
            creationTime: payload.creationTime,
            resultText: payload.resultText,
            error: payload.error,
            tags: payload.tags,
          },
        };
      });
    },
    markSent: db.transaction((seqs: readonly number[]) => {
      const now = clock().toISOString();
      return seqs.reduce((n, seq) => n + statements.markSent.run(now, seq).changes, 0);
    }),
  };
}
