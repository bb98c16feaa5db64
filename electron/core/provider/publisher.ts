import { withoutMember } from '../../../shared/ctp/jsonText';
import { prepareResult, ResultProblem, type PreparedResult } from '../../../shared/ctp/results';
import { formatRfc3339 } from '../../../shared/ctp/time';
import type { TriStatus } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating, type OutcomeRequest } from './evaluatedWrite';
import { verifyResultSignature } from './jws';
import type { CtpRepositories } from './repositories';
import { triggerRequests, type Alert, type TriggerEvaluation } from './triggerEvaluation';

export interface PublisherDependencies {
  db: SqliteDatabase;
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
 * the statuses and the alerts are then written in one short IMMEDIATE transaction that
 * decides on the trigger states of that moment (evaluatedWrite.ts), so concurrent
 * publishers (other processes too) neither lose nor duplicate an alert.
 */
export interface Publisher {
  /** Publishes a result given as JSON text (`server publish`, admin API). */
  publish(measurementId: string, resultText: string): Promise<PublishOutcome>;
}

export function createPublisher(deps: PublisherDependencies): Publisher {
  const { db, repositories, evaluation } = deps;
  const changeIds = createChangeIds(db);
  const authorityKey = db.prepare<[string], { public_key: string }>(
    'SELECT public_key FROM authorities WHERE id = ?',
  );
  const setResult = db.prepare<[string, string]>(`
    UPDATE measurements SET result = ?,
      state = CASE state WHEN 'pending' THEN 'activated' ELSE state END
    WHERE id = ?`);
  const appendHistory = db.prepare<[string, string, string, string]>(
    'INSERT INTO result_history (measurement_id, result, update_time, received_at) VALUES (?, ?, ?, ?)',
  );

  /** What the write below will evaluate, read without the lock. */
  const predict = (measurementId: string, text: string, nowMs: number): OutcomeRequest[] => {
    const before = repositories.measurement(measurementId);
    if (before === undefined) return [];
    // The state and result the write gives the measurement (pending becomes activated).
    const state = before.state === 'pending' ? 'activated' : before.state;
    const after = { state, resultText: text };
    const objective = before.objective?.condition;
    return [
      ...(objective === undefined ? [] : [{ source: objective, resultText: text }]),
      ...triggerRequests(after, repositories.triggerStatesOfMeasurement(measurementId), nowMs),
    ];
  };

  const publishPrepared = (measurementId: string, prepared: PreparedResult) =>
    writeAfterEvaluating(deps, {
      predict: (nowMs) => predict(measurementId, prepared.text, nowMs),
      write(outcomeOf, nowMs): PublishOutcome {
        if (repositories.measurement(measurementId) === undefined) throw notFound(measurementId);
        setResult.run(prepared.text, measurementId);
        const { updateTime } = prepared.parsed;
        appendHistory.run(measurementId, prepared.text, updateTime, formatRfc3339(nowMs));
        const objectiveStatus = evaluation.evaluateObjective(measurementId, nowMs, outcomeOf);
        changeIds.measurement(measurementId);
        const { evaluated, alerts } = evaluation.runTriggers(
          repositories.measurement(measurementId)!,
          repositories.triggersOfMeasurement(measurementId),
          nowMs,
          outcomeOf,
        );
        return { measurementId, updateTime, objectiveStatus, evaluated, alerts };
      },
    });

  return {
    async publish(measurementId, resultText) {
      const measurement = repositories.measurement(measurementId);
      if (measurement === undefined) throw notFound(measurementId);
      const metric = repositories.metric(measurement.metricId);
      const prepared = prepare(measurementId, resultText, metric?.resultFormat ?? [], deps.clock);
      if (prepared.signature !== null && prepared.authorityId !== null) {
        const key = authorityKey.get(prepared.authorityId);
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
