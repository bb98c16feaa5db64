import { formatRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord, MeasurementState, TriggerRecord } from '../../../shared/ctp/types';
import { compileConditionOrThrow } from '../../../shared/ctpscript';
import { AppError } from '../../../shared/errors';
import type { SqliteDatabase } from '../store/database';
import { createChangeIds } from './changeIds';
import { newCtpId } from './ids';
import type { Alert, Publisher } from './publisher';
import type { CtpRepositories } from './repositories';
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

export interface TriggerService {
  /** CTP 5.2.16: validates, creates, and evaluates at once against the current result. */
  create(serviceViewId: string, input: TriggerInput): { trigger: TriggerRecord; alerts: Alert[] };
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

export function createTriggerService(deps: {
  db: SqliteDatabase;
  clock: () => Date;
  repositories: CtpRepositories;
  publisher: Publisher;
}): TriggerService {
  const { db, clock, repositories, publisher } = deps;
  const changeIds = createChangeIds(db);
  const insert = db.prepare(`
    INSERT INTO triggers (id, service_view_id, measurement_id, name, annotation, condition,
      notification, guard_time, tags, status, status_update_time, change_id)
    VALUES (@id, @view, @measurement, @name, @annotation, @condition, @notification, @guardTime,
      @tags, 'false', @now, 0)`);
  const remove = db.prepare<[string]>('DELETE FROM triggers WHERE id = ?');
  const resetStatus = db.prepare<[string, string]>(
    "UPDATE triggers SET status = 'false', status_update_time = ? WHERE id = ?",
  );
  const setStateStatement = db.prepare<[string, string]>(
    'UPDATE measurements SET state = ? WHERE id = ?',
  );

  const create = db.transaction((serviceViewId: string, input: TriggerInput) => {
    const measurementId = measurementIdOf(input.measurement);
    if (measurementId === null) {
      throw badRequest(
        `measurement must be the URL of a measurement ({CtpBase}measurements/{id}); got "${input.measurement}".`,
      );
    }
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
    const notification = input.notification ?? '';
    if (!isNotificationUri(notification)) {
      throw badRequest(
        `notification must be empty or an XMPP URI (xmpp:node@server, RFC 5122); got "${notification}".`,
      );
    }
    const guardTime = input.guardTime ?? 0;
    if (!Number.isFinite(guardTime) || guardTime < 0)
      throw badRequest('guardTime must be a number of seconds >= 0.');
    // The static check (SPEC-NOTES "Triggers"): position and suggestion in the message.
    try {
      compileConditionOrThrow(input.condition);
    } catch (error) {
      if (error instanceof AppError) throw badRequest(`condition: ${error.message}`);
      throw error;
    }
    const nowMs = clock().getTime();
    const id = newCtpId();
    insert.run({
      id,
      view: serviceViewId,
      measurement: measurementId,
      name: input.name ?? '',
      annotation: input.annotation ?? '',
      condition: input.condition,
      notification,
      guardTime,
      tags: JSON.stringify(input.tags ?? []),
      now: formatRfc3339(nowMs),
    });
    changeIds.trigger(id);
    // A new trigger is evaluated at once against the current result (SPEC-NOTES).
    const { alerts } = publisher.runTriggers(measurement, [repositories.trigger(id)!], nowMs);
    return { trigger: repositories.trigger(id)!, alerts };
  });

  return {
    create: (serviceViewId, input) => create.immediate(serviceViewId, input),
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
