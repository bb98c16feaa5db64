import { formatRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord, MeasurementState, TriggerRecord } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import { checkCondition } from './conditionCheck';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { newCtpId } from './ids';
import type { CtpRepositories } from './repositories';
import type { Alert, TriggerEvaluation } from './triggerEvaluation';
import { isNotificationUri } from './triggerRules';

/** The client's part of a trigger (CTP 5.2.16.3); server-owned fields are not here. */
export interface TriggerInput {
  name?: string;
  annotation?: string;
  /** An absolute URL of a measurement of this service view (any host: the path counts). */
  measurement: string;
  condition: string;
  notification?: string | null;
  guardTime?: number;
  tags?: string[];
}

/** How many triggers the creating account may hold: at most `max` in the views it sees. */
export interface TriggerQuota {
  serviceViews: readonly string[];
  max: number;
}

export interface TriggerService {
  /**
   * CTP 5.2.16: validates, creates, and evaluates at once against the current result.
   * With a quota, refuses (409) a trigger beyond the account's limit.
   */
  create(
    serviceViewId: string,
    input: TriggerInput,
    quota?: TriggerQuota,
  ): Promise<{ trigger: TriggerRecord; alerts: Alert[] }>;
  /** CTP 5.2.17; the view gets a new changeId (a child was deleted). */
  delete(triggerId: string): void;
  /** Admin: the way out of `error` besides DELETE (SPEC-NOTES "Triggers"). */
  reset(triggerId: string): TriggerRecord;
  /** CTP 5.2.11: 409 unless the measurement is user-activated. */
  setState(measurementId: string, state: MeasurementState): MeasurementRecord;
}

const MEASUREMENT_PATH = /\/measurements\/([A-Za-z0-9_=-]{1,96})$/;

function badRequest(message: string): AppError {
  return new AppError('CTP_BAD_REQUEST', message);
}

/** Which measurement a trigger's `measurement` URL names (pure). */
export function measurementIdOf(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  return MEASUREMENT_PATH.exec(path)?.[1] ?? null;
}

/** The checks of a new trigger's fields that need no database (CTP 5.2.16.3). */
function checkInput(input: TriggerInput): { measurementId: string; notification: string } {
  const measurementId = measurementIdOf(input.measurement);
  if (measurementId === null) {
    throw badRequest(
      `measurement must be the URL of a measurement ({CtpBase}measurements/{id}); got "${input.measurement}".`,
    );
  }
  const notification = input.notification ?? '';
  if (!isNotificationUri(notification)) {
    throw badRequest(
      `notification must be empty or an XMPP URI (xmpp:node@server, RFC 5122); got "${notification}".`,
    );
  }
  const guardTime = input.guardTime ?? 0;
  if (!Number.isFinite(guardTime) || guardTime < 0)
    throw badRequest('guardTime must be a number of seconds >= 0.');
  return { measurementId, notification };
}

export function createTriggerService(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  evaluation: TriggerEvaluation;
}): TriggerService {
  const { db, clock, repositories, evaluation } = deps;
  const changeIds = createChangeIds(db);
  const insert = db.prepare(`
    INSERT INTO triggers (id, service_view_id, measurement_id, name, annotation, condition,
      notification, guard_time, tags, status, status_update_time, change_id)
    VALUES (@id, @view, @measurement, @name, @annotation, @condition, @notification, @guardTime,
      @tags, 'false', @now, 0)`);
  const countInViews = db.prepare<[string], number>(
    'SELECT count(*) FROM triggers WHERE service_view_id IN (SELECT value FROM json_each(?))',
  );
  const remove = db.prepare<[string]>('DELETE FROM triggers WHERE id = ?');
  const resetStatus = db.prepare<[string, string]>(
    "UPDATE triggers SET status = 'false', status_update_time = ? WHERE id = ?",
  );
  const setStateStatement = db.prepare<[string, string]>(
    'UPDATE measurements SET state = ? WHERE id = ?',
  );

  /** The measurement a trigger is created on, checked (inside the write transaction). */
  const target = (serviceViewId: string, input: TriggerInput, measurementId: string) => {
    const measurement = repositories.measurement(measurementId);
    if (measurement === undefined || measurement.serviceViewId !== serviceViewId) {
      throw badRequest(
        `measurement ${input.measurement} is not a measurement of service view ${serviceViewId}.`,
      );
    }
    if (!measurement.triggersAllowed) {
      throw badRequest(
        `measurement ${input.measurement} does not allow triggers (its createTrigger is null).`,
      );
    }
    return measurement;
  };

  const checkQuota = (quota: TriggerQuota | undefined): void => {
    if (quota === undefined) return;
    const held = countInViews.pluck().get(JSON.stringify(quota.serviceViews)) ?? 0;
    if (held >= quota.max) {
      throw new AppError(
        'CTP_TRIGGER_LIMIT',
        `This account already holds ${held} triggers, the most this server allows (${quota.max}); delete one before creating another.`,
      );
    }
  };

  return {
    async create(serviceViewId, input, quota) {
      const { measurementId, notification } = checkInput(input);
      const measurement = target(serviceViewId, input, measurementId);
      // The static check (SPEC-NOTES "Triggers"): position and suggestion in the message.
      const format = repositories.metric(measurement.metricId)?.resultFormat;
      const problem = checkCondition(input.condition, format);
      if (problem !== null) throw badRequest(`condition: ${problem}`);
      const id = newCtpId();
      return writeAfterEvaluating(deps, {
        // A new trigger is in `false`: CTP 5.3.2 evaluates it if the measurement is activated.
        predict: () => {
          const current = repositories.measurement(measurementId);
          return current?.state === 'activated' && current.resultText !== null
            ? [{ source: input.condition, resultText: current.resultText }]
            : [];
        },
        write(outcomeOf, nowMs) {
          const current = target(serviceViewId, input, measurementId);
          checkQuota(quota);
          insert.run({
            id,
            view: serviceViewId,
            measurement: measurementId,
            name: input.name ?? '',
            annotation: input.annotation ?? '',
            condition: input.condition,
            notification,
            guardTime: input.guardTime ?? 0,
            tags: JSON.stringify(input.tags ?? []),
            now: formatRfc3339(nowMs),
          });
          changeIds.trigger(id);
          // A new trigger is evaluated at once against the current result (SPEC-NOTES).
          const trigger = repositories.trigger(id)!;
          const { alerts } = evaluation.runTriggers(current, [trigger], nowMs, outcomeOf);
          return { trigger: repositories.trigger(id)!, alerts };
        },
      });
    },
    delete: db.transaction((triggerId: string) => {
      const trigger = repositories.trigger(triggerId);
      if (trigger === undefined)
        throw new AppError('CTP_NOT_FOUND', `No trigger with id "${triggerId}".`);
      remove.run(triggerId);
      changeIds.serviceView(trigger.serviceViewId);
    }),
    reset: db.transaction((triggerId: string) => {
      if (repositories.trigger(triggerId) === undefined) {
        throw new AppError('CTP_NOT_FOUND', `No trigger with id "${triggerId}".`);
      }
      resetStatus.run(formatRfc3339(clock().getTime()), triggerId);
      changeIds.trigger(triggerId);
      return repositories.trigger(triggerId)!;
    }),
    setState: db.transaction((measurementId: string, state: MeasurementState) => {
      const measurement = repositories.measurement(measurementId);
      if (measurement === undefined)
        throw new AppError('CTP_NOT_FOUND', `No measurement with id "${measurementId}".`);
      if (!measurement.userActivated) {
        throw new AppError(
          'CTP_CONFLICT',
          `Measurement ${measurementId} is not user-activated: its state cannot be changed (CTP 5.2.11).`,
        );
      }
      // Activated without a result yet, it is pending until the provider publishes one.
      const next: MeasurementState =
        state === 'activated' && measurement.resultText === null ? 'pending' : state;
      if (next !== measurement.state) {
        setStateStatement.run(next, measurementId);
        changeIds.measurement(measurementId);
      }
      return repositories.measurement(measurementId)!;
    }),
  };
}
