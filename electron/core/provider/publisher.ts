import { withoutMember } from '../../../shared/ctp/jsonText';
import { prepareResult, ResultProblem, type PreparedResult } from '../../../shared/ctp/results';
import { formatRfc3339, parseRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord, TriggerRecord, TriStatus } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import type { ConditionCache } from './evaluation';
import { newCtpId } from './ids';
import { verifyResultSignature } from './jws';
import type { CtpRepositories } from './repositories';
import { alertKind, shouldEvaluateTrigger } from './triggerRules';

export interface PublisherDependencies {
  db: SqliteDatabase;
  clock: () => Date;
  conditions: ConditionCache;
  repositories: CtpRepositories;
}

/** One alert written by a trigger evaluation (CTP 5.3.2). */
export interface Alert {
  triggerId: string;
  logId: string;
  kind: 'normal' | 'error';
  /** True when an XMPP notification was queued in the outbox. */
  queued: boolean;
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
 * outbox rows, in one IMMEDIATE transaction, so concurrent publishers (other processes
 * too) neither lose nor duplicate an alert.
 */
export interface Publisher {
  /** Publishes a result given as JSON text (`server publish`, admin API). */
  publish(measurementId: string, resultText: string): Promise<PublishOutcome>;
  /**
   * Applies CTP 5.3.2 to `triggers` against the measurement's current result. Call inside
   * a write transaction. Only `activated` measurements with a result are evaluated.
   */
  runTriggers(
    measurement: MeasurementRecord,
    triggers: readonly TriggerRecord[],
    nowMs: number,
  ): {
    evaluated: number;
    alerts: Alert[];
  };
  /** Re-evaluates the objective of a measurement (inside a write transaction). */
  evaluateObjective(measurementId: string, nowMs: number): TriStatus | null;
}

export function createPublisher(deps: PublisherDependencies): Publisher {
  const { db, clock, repositories, conditions } = deps;
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
  const objectiveRow = db.prepare<[string], { condition: string | null; result: string | null }>(
    'SELECT objective_condition AS condition, result FROM measurements WHERE id = ?',
  );
  const setObjectiveStatus = db.prepare<[string, string, string]>(
    'UPDATE measurements SET objective_status = ?, objective_status_time = ? WHERE id = ?',
  );
  const setTriggerStatus = db.prepare<[string, string, number, string]>(
    'UPDATE triggers SET status = ?, status_update_time = ?, change_id = ? WHERE id = ?',
  );
  const insertLog = db.prepare<
    [string, string, string, string, number, string | null, string | null, string]
  >(`
    INSERT INTO logs (id, service_view_id, trigger_id, creation_time, creation_ms, result, error, tags)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertOutbox = db.prepare<[string, string, string, string]>(
    'INSERT INTO outbox (log_id, notification, payload, created_at) VALUES (?, ?, ?, ?)',
  );

  const evaluateObjective = (measurementId: string, nowMs: number): TriStatus | null => {
    const row = objectiveRow.get(measurementId);
    if (row === undefined || row.condition === null) return null;
    // No result: not evaluated (SPEC-NOTES "Objectives": initially "false").
    if (row.result === null) return 'false';
    const { status } = conditions.evaluate(row.condition, JSON.parse(row.result), nowMs);
    setObjectiveStatus.run(status, formatRfc3339(nowMs), measurementId);
    return status;
  };

  const runTriggers: Publisher['runTriggers'] = (measurement, triggers, nowMs) => {
    const alerts: Alert[] = [];
    if (measurement.state !== 'activated' || measurement.resultText === null) {
      return { evaluated: 0, alerts };
    }
    const result = JSON.parse(measurement.resultText) as unknown;
    const now = formatRfc3339(nowMs);
    let evaluated = 0;
    let value = 0;
    for (const trigger of triggers) {
      const since = parseRfc3339(trigger.statusUpdateTime) ?? 0;
      if (!shouldEvaluateTrigger(trigger.status, since, trigger.guardTime, nowMs)) continue;
      evaluated++;
      if (value === 0) value = changeIds.next();
      const outcome = conditions.evaluate(trigger.condition, result, nowMs);
      // The trigger's changeId is stamped with its new status (CTP 4.1.5.5).
      setTriggerStatus.run(outcome.status, now, value, trigger.id);
      const kind = alertKind(outcome.status);
      if (kind === null) continue;
      const logId = newCtpId();
      const tags = kind === 'error' ? ['error'] : trigger.tags;
      const error = kind === 'error' ? (outcome.error ?? 'evaluation error') : null;
      const logResult = kind === 'normal' ? measurement.resultText : null;
      insertLog.run(
        logId,
        trigger.serviceViewId,
        trigger.id,
        now,
        nowMs,
        logResult,
        error,
        JSON.stringify(tags),
      );
      const queued = trigger.notification !== '';
      if (queued) {
        // The notifier encodes the entry with the CtpBase it serves (CTP 4.2.7.1).
        const payload = JSON.stringify({
          id: logId,
          serviceViewId: trigger.serviceViewId,
          triggerId: trigger.id,
          creationTime: now,
          // The result as text: a signature over it must still verify at the other end.
          resultText: logResult,
          error,
          tags,
        });
        insertOutbox.run(logId, trigger.notification, payload, now);
      }
      alerts.push({ triggerId: trigger.id, logId, kind, queued });
    }
    // Trigger status changes give the service view a new changeId (CTP 4.1.5.5).
    const views = new Set(triggers.map((t) => t.serviceViewId));
    if (value !== 0) for (const view of views) changeIds.stampView(value, view);
    return { evaluated, alerts };
  };

  const write = db.transaction(
    (measurementId: string, prepared: PreparedResult, nowMs: number): PublishOutcome => {
      const before = repositories.measurement(measurementId);
      if (before === undefined) throw notFound(measurementId);
      setResult.run(prepared.text, measurementId);
      appendHistory.run(
        measurementId,
        prepared.text,
        prepared.parsed.updateTime,
        formatRfc3339(nowMs),
      );
      const objectiveStatus = evaluateObjective(measurementId, nowMs);
      changeIds.measurement(measurementId);
      const measurement = repositories.measurement(measurementId)!;
      const { evaluated, alerts } = runTriggers(
        measurement,
        repositories.triggersOfMeasurement(measurementId),
        nowMs,
      );
      return {
        measurementId,
        updateTime: prepared.parsed.updateTime,
        objectiveStatus,
        evaluated,
        alerts,
      };
    },
  );

  return {
    async publish(measurementId, resultText) {
      const measurement = repositories.measurement(measurementId);
      if (measurement === undefined) throw notFound(measurementId);
      const metric = repositories.metric(measurement.metricId);
      const nowMs = clock().getTime();
      let prepared: PreparedResult;
      try {
        prepared = prepareResult(resultText, metric?.resultFormat ?? [], nowMs);
      } catch (error) {
        if (error instanceof ResultProblem) {
          throw new AppError(
            'CTP_RESULT_INVALID',
            `The result does not fit measurement ${measurementId}: ${error.message}.`,
            {
              details: { path: error.path },
            },
          );
        }
        throw error;
      }
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
      // IMMEDIATE: take the write lock before reading trigger states (CTP 5.3.2).
      return write.immediate(measurementId, prepared, clock().getTime());
    },
    runTriggers,
    evaluateObjective,
  };
}

function notFound(measurementId: string): AppError {
  return new AppError('CTP_NOT_FOUND', `No measurement with id "${measurementId}".`);
}
