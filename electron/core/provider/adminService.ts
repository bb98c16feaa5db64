import { formatRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import { checkCondition } from './conditionCheck';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { createOutbox, type Outbox } from './outbox';
import type { CtpRepositories } from './repositories';
import { createResourceDeletion, notFound, type DeletableKind } from './resourceDeletion';
import type { TriggerEvaluation } from './triggerEvaluation';

/**
 * The provider's back office (what ctpd's offers, and more): deletes that cascade to
 * triggers and their logs, objectives, the result history and the notification outbox.
 * Creation and update go through the provider import (create or update by id).
 */
export interface AdminService extends Outbox {
  /** Deletes a resource and everything under it; 409 for a metric still in use. */
  delete(kind: DeletableKind, id: string): void;
  /** Sets (or removes, with null) a measurement's objective and evaluates it (CTP 5.3.1). */
  setObjective(measurementId: string, condition: string | null): Promise<MeasurementRecord>;
  history(measurementId: string, limit: number): Array<{ result: unknown; receivedAt: string }>;
}

export function createAdminService(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  evaluation: TriggerEvaluation;
}): AdminService {
  const { db, clock, repositories, evaluation } = deps;
  const changeIds = createChangeIds(db);
  const statements = {
    setObjective: db.prepare<[string | null, string | null, string | null, string]>(
      'UPDATE measurements SET objective_condition = ?, objective_status = ?, objective_status_time = ? WHERE id = ?',
    ),
    history: db.prepare<[string, number], { result: string; received_at: string }>(
      'SELECT result, received_at FROM result_history WHERE measurement_id = ? ORDER BY seq DESC LIMIT ?',
    ),
  };
  const outbox = createOutbox(db, clock);

  return {
    delete: createResourceDeletion(db, repositories),
    async setObjective(measurementId, condition) {
      const measurement = repositories.measurement(measurementId);
      if (measurement === undefined) throw notFound('measurement', measurementId);
      if (condition !== null) {
        const format = repositories.metric(measurement.metricId)?.resultFormat;
        const problem = checkCondition(condition, format);
        if (problem !== null) throw new AppError('CTP_BAD_REQUEST', `condition: ${problem}`);
      }
      return writeAfterEvaluating(deps, {
        predict() {
          const resultText = repositories.measurement(measurementId)?.resultText ?? null;
          return condition === null || resultText === null
            ? []
            : [{ source: condition, resultText }];
        },
        write(outcomeOf, nowMs) {
          if (repositories.measurement(measurementId) === undefined)
            throw notFound('measurement', measurementId);
          statements.setObjective.run(
            condition,
            condition === null ? null : 'false',
            condition === null ? null : formatRfc3339(nowMs),
            measurementId,
          );
          evaluation.evaluateObjective(measurementId, nowMs, outcomeOf);
          changeIds.measurement(measurementId);
          return repositories.measurement(measurementId)!;
        },
      });
    },
    history(measurementId, limit) {
      if (repositories.measurement(measurementId) === undefined)
        throw notFound('measurement', measurementId);
      return statements.history
        .all(measurementId, limit)
        .map((row) => ({ result: JSON.parse(row.result) as unknown, receivedAt: row.received_at }));
    },
    outbox: outbox.outbox,
    markSent: outbox.markSent,
  };
}
