import { formatRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqlStore } from '../store/sqlStore';
import { changeIdsOn } from './changeIds';
import { checkCondition } from './conditionCheck';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { createOutbox, type Outbox } from './outbox';
import { readsOn, type CtpRepositories } from './repositories';
import { createResourceDeletion, notFound, type DeletableKind } from './resourceDeletion';
import type { TriggerEvaluation } from './triggerEvaluation';

/**
 * The provider's back office (what ctpd's offers, and more): deletes that cascade to
 * triggers and their logs, objectives, the result history and the notification outbox.
 * Creation and update go through the provider import (create or update by id).
 */
export interface AdminService extends Outbox {
  /** Deletes a resource and everything under it; 409 for a metric still in use. */
  delete(kind: DeletableKind, id: string): Promise<void>;
  /** Sets (or removes, with null) a measurement's objective and evaluates it (CTP 5.3.1). */
  setObjective(measurementId: string, condition: string | null): Promise<MeasurementRecord>;
  history(
    measurementId: string,
    limit: number,
  ): Promise<Array<{ result: unknown; receivedAt: string }>>;
}

const SQL = {
  setObjective:
    'UPDATE measurements SET objective_condition = $1, objective_status = $2, objective_status_time = $3 WHERE id = $4',
  history:
    'SELECT result, received_at FROM result_history WHERE measurement_id = $1 ORDER BY seq DESC LIMIT $2',
};

export function createAdminService(deps: {
  store: SqlStore;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  evaluation: TriggerEvaluation;
}): AdminService {
  const { store, clock, repositories, evaluation } = deps;
  const outbox = createOutbox(store, clock);

  return {
    delete: createResourceDeletion(store),
    async setObjective(measurementId, condition) {
      const measurement = await repositories.measurement(measurementId);
      if (measurement === undefined) throw notFound('measurement', measurementId);
      if (condition !== null) {
        const format = (await repositories.metric(measurement.metricId))?.resultFormat;
        const problem = checkCondition(condition, format);
        if (problem !== null) throw new AppError('CTP_BAD_REQUEST', `condition: ${problem}`);
      }
      return writeAfterEvaluating(deps, {
        async predict() {
          const resultText = (await repositories.measurement(measurementId))?.resultText ?? null;
          return condition === null || resultText === null
            ? []
            : [{ source: condition, resultText }];
        },
        async write(tx, outcomeOf, nowMs) {
          const reads = readsOn(tx);
          if ((await reads.measurement(measurementId)) === undefined)
            throw notFound('measurement', measurementId);
          await tx.run(SQL.setObjective, [
            condition,
            condition === null ? null : 'false',
            condition === null ? null : formatRfc3339(nowMs),
            measurementId,
          ]);
          await evaluation.evaluateObjective(tx, measurementId, nowMs, outcomeOf);
          await changeIdsOn(tx).measurement(measurementId);
          return (await reads.measurement(measurementId))!;
        },
      });
    },
    async history(measurementId, limit) {
      if ((await repositories.measurement(measurementId)) === undefined)
        throw notFound('measurement', measurementId);
      const rows = await store.all<{ result: string; received_at: string }>(SQL.history, [
        measurementId,
        limit,
      ]);
      return rows.map((row) => ({
        result: JSON.parse(row.result) as unknown,
        receivedAt: row.received_at,
      }));
    },
    outbox: outbox.outbox,
    markSent: outbox.markSent,
  };
}
