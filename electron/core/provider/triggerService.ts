import { formatRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord, MeasurementState, TriggerRecord } from '../../../shared/ctp/types';
import { AppError } from '../../../shared/errors';
import type { SqlQueries, SqlStore } from '../store/sqlStore';
import { changeIdsOn } from './changeIds';
import { checkCondition } from './conditionCheck';
import type { ConditionEvaluator } from './conditionEvaluator';
import { writeAfterEvaluating } from './evaluatedWrite';
import { newCtpId } from './ids';
import { readsOn, type CtpRepositories } from './repositories';
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
  delete(triggerId: string): Promise<void>;
  /** Admin: the way out of `error` besides DELETE (SPEC-NOTES "Triggers"). */
  reset(triggerId: string): Promise<TriggerRecord>;
  /** CTP 5.2.11: 409 unless the measurement is user-activated. */
  setState(measurementId: string, state: MeasurementState): Promise<MeasurementRecord>;
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

const SQL = {
  insert: `INSERT INTO triggers (id, service_view_id, measurement_id, name, annotation, condition,
      notification, guard_time, tags, status, status_update_time, change_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'false', $10, 0)`,
  remove: 'DELETE FROM triggers WHERE id = $1',
  resetStatus: "UPDATE triggers SET status = 'false', status_update_time = $1 WHERE id = $2",
  setState: 'UPDATE measurements SET state = $1 WHERE id = $2',
};

/** The measurement a trigger is created on, checked. */
async function target(
  reads: CtpRepositories,
  serviceViewId: string,
  input: TriggerInput,
  measurementId: string,
): Promise<MeasurementRecord> {
  const measurement = await reads.measurement(measurementId);
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
}

/**
 * The per-account limit, counted inside the write transaction: writes are serialised
 * across every process sharing the database (sqlStore.ts `write`), so the limit holds
 * however many `serve` instances take requests.
 */
async function checkQuota(tx: SqlQueries, quota: TriggerQuota | undefined): Promise<void> {
  if (quota === undefined) return;
  const row = await tx.get<{ n: number }>(
    `SELECT count(*) AS n FROM triggers WHERE ${tx.dialect.inJsonArray('service_view_id', '$1')}`,
    [JSON.stringify(quota.serviceViews)],
  );
  const held = row?.n ?? 0;
  if (held >= quota.max) {
    throw new AppError(
      'CTP_TRIGGER_LIMIT',
      `This account already holds ${held} triggers, the most this server allows (${quota.max}); delete one before creating another.`,
    );
  }
}

export function createTriggerService(deps: {
  store: SqlStore;
  clock: () => Date;
  conditions: ConditionEvaluator;
  repositories: CtpRepositories;
  evaluation: TriggerEvaluation;
}): TriggerService {
  const { store, clock, repositories, evaluation } = deps;

  return {
    async create(serviceViewId, input, quota) {
      const { measurementId, notification } = checkInput(input);
      const measurement = await target(repositories, serviceViewId, input, measurementId);
      // The static check (SPEC-NOTES "Triggers"): position and suggestion in the message.
      const format = (await repositories.metric(measurement.metricId))?.resultFormat;
      const problem = checkCondition(input.condition, format);
      if (problem !== null) throw badRequest(`condition: ${problem}`);
      const id = newCtpId();
      return writeAfterEvaluating(deps, {
        // A new trigger is in `false`: CTP 5.3.2 evaluates it if the measurement is activated.
        async predict() {
          const current = await repositories.measurement(measurementId);
          return current?.state === 'activated' && current.resultText !== null
            ? [{ source: input.condition, resultText: current.resultText }]
            : [];
        },
        async write(tx, outcomeOf, nowMs) {
          const reads = readsOn(tx);
          const current = await target(reads, serviceViewId, input, measurementId);
          await checkQuota(tx, quota);
          await tx.run(SQL.insert, [
            id,
            serviceViewId,
            measurementId,
            input.name ?? '',
            input.annotation ?? '',
            input.condition,
            notification,
            input.guardTime ?? 0,
            JSON.stringify(input.tags ?? []),
            formatRfc3339(nowMs),
          ]);
          await changeIdsOn(tx).trigger(id);
          // A new trigger is evaluated at once against the current result (SPEC-NOTES).
          const trigger = (await reads.trigger(id))!;
          const { alerts } = await evaluation.runTriggers(tx, current, [trigger], nowMs, outcomeOf);
          return { trigger: (await reads.trigger(id))!, alerts };
        },
      });
    },
    delete: (triggerId) =>
      store.write(async (tx) => {
        const trigger = await readsOn(tx).trigger(triggerId);
        if (trigger === undefined)
          throw new AppError('CTP_NOT_FOUND', `No trigger with id "${triggerId}".`);
        await tx.run(SQL.remove, [triggerId]);
        await changeIdsOn(tx).serviceView(trigger.serviceViewId);
      }),
    reset: (triggerId) =>
      store.write(async (tx) => {
        const reads = readsOn(tx);
        if ((await reads.trigger(triggerId)) === undefined) {
          throw new AppError('CTP_NOT_FOUND', `No trigger with id "${triggerId}".`);
        }
        await tx.run(SQL.resetStatus, [formatRfc3339(clock().getTime()), triggerId]);
        await changeIdsOn(tx).trigger(triggerId);
        return (await reads.trigger(triggerId))!;
      }),
    setState: (measurementId, state) =>
      store.write(async (tx) => {
        const reads = readsOn(tx);
        const measurement = await reads.measurement(measurementId);
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
          await tx.run(SQL.setState, [next, measurementId]);
          await changeIdsOn(tx).measurement(measurementId);
        }
        return (await reads.measurement(measurementId))!;
      }),
  };
}
