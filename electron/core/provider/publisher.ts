import { withoutMember } from '../../../shared/ctp/jsonText';
import { prepareResult, ResultProblem, type PreparedResult } from '../../../shared/ctp/results';
import { formatRfc3339 } from '../../../shared/ctp/time';
import type { TriStatus } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqlStore } from '../store/sqlStore';
import { changeIdsOn } from './changeIds';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { verifyResultSignature } from './jws';
import { readsOn, type CtpRepositories } from './repositories';
import { triggerRequests, type Alert, type TriggerEvaluation } from './triggerEvaluation';

export interface PublisherDependencies {
  store: SqlStore;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  evaluation: TriggerEvaluation;
}

export interface PublishOutcome {
  measurementId: string;
  updateTime: string;
  objectiveStatus: TriStatus | null;
  /** Triggers evaluated (5.3.2 skips those in `error` or within their guard time). */
  evaluated: number;
  alerts: Alert[];
}

/**
 * Writes results and evaluates what depends on them: the objective (CTP 5.3.1, on every
 * result write) and the measurement's triggers (CTP 5.3.2), with their log entries and
 * outbox rows. The conditions are evaluated before the write lock is taken; the result,
 * the statuses and the alerts are then written in one short write transaction that
 * decides on the trigger states of that moment (evaluatedWrite.ts), so concurrent
 * publishers (other processes too) neither lose nor duplicate an alert.
 */
export interface Publisher {
  /** Publishes a result given as JSON text (`server publish`, admin API). */
  publish(measurementId: string, resultText: string): Promise<PublishOutcome>;
}

const SQL = {
  authorityKey: 'SELECT public_key FROM authorities WHERE id = $1',
  setResult: `UPDATE measurements SET result = $1,
    state = CASE state WHEN 'pending' THEN 'activated' ELSE state END
    WHERE id = $2`,
  appendHistory:
    'INSERT INTO result_history (measurement_id, result, update_time, received_at) VALUES ($1, $2, $3, $4)',
};

export function createPublisher(deps: PublisherDependencies): Publisher {
  const { store, repositories, evaluation } = deps;

  /** What the write below will evaluate, read without the lock. */
  const predict = async (measurementId: string, text: string, nowMs: number) => {
    const before = await repositories.measurement(measurementId);
    if (before === undefined) return [];
    // The state and result the write gives the measurement (pending becomes activated).
    const state = before.state === 'pending' ? 'activated' : before.state;
    const after = { state, resultText: text };
    const objective = before.objective?.condition;
    const triggers = await repositories.triggerStatesOfMeasurement(measurementId);
    return [
      ...(objective === undefined ? [] : [{ source: objective, resultText: text }]),
      ...triggerRequests(after, triggers, nowMs),
    ];
  };

  const publishPrepared = (measurementId: string, prepared: PreparedResult) =>
    writeAfterEvaluating(deps, {
      predict: (nowMs) => predict(measurementId, prepared.text, nowMs),
      async write(tx, outcomeOf, nowMs): Promise<PublishOutcome> {
        const reads = readsOn(tx);
        if ((await reads.measurement(measurementId)) === undefined) throw notFound(measurementId);
        await tx.run(SQL.setResult, [prepared.text, measurementId]);
        const { updateTime } = prepared.parsed;
        await tx.run(SQL.appendHistory, [
          measurementId,
          prepared.text,
          updateTime,
          formatRfc3339(nowMs),
        ]);
        const objectiveStatus = await evaluation.evaluateObjective(
          tx,
          measurementId,
          nowMs,
          outcomeOf,
        );
        await changeIdsOn(tx).measurement(measurementId);
        const { evaluated, alerts } = await evaluation.runTriggers(
          tx,
          (await reads.measurement(measurementId))!,
          await reads.triggersOfMeasurement(measurementId),
          nowMs,
          outcomeOf,
        );
        return { measurementId, updateTime, objectiveStatus, evaluated, alerts };
      },
    });

  return {
    async publish(measurementId, resultText) {
      const measurement = await repositories.measurement(measurementId);
      if (measurement === undefined) throw notFound(measurementId);
      const metric = await repositories.metric(measurement.metricId);
      const prepared = prepare(measurementId, resultText, metric?.resultFormat ?? [], deps.clock);
      if (prepared.signature !== null && prepared.authorityId !== null) {
        const key = await store.get<{ public_key: string }>(SQL.authorityKey, [
          prepared.authorityId,
        ]);
        if (key !== undefined) {
          await verifyResultSignature(
            prepared.signature,
            withoutMember(prepared.text, 'signature'),
            key.public_key,
          );
        }
      }
      return publishPrepared(measurementId, prepared);
    },
  };
}

function prepare(
  measurementId: string,
  resultText: string,
  format: Parameters<typeof prepareResult>[1],
  clock: () => Date,
): PreparedResult {
  try {
    return prepareResult(resultText, format, clock().getTime());
  } catch (error) {
    if (error instanceof ResultProblem) {
      throw new AppError(
        'CTP_RESULT_INVALID',
        `The result does not fit measurement ${measurementId}: ${error.message}.`,
        { details: { path: error.path } },
      );
    }
    throw error;
  }
}

function notFound(measurementId: string): AppError {
  return new AppError('CTP_NOT_FOUND', `No measurement with id "${measurementId}".`);
}
