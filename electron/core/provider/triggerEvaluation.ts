import { formatRfc3339, parseRfc3339 } from '../../../shared/ctp/time';
import type { MeasurementRecord, TriggerRecord, TriStatus } from '../../../shared/ctp/types';
import type { SqlQueries } from '../store/sqlStore';
import { changeIdsOn } from './changeIds';
import type { OutcomeOf, OutcomeRequest } from './evaluatedWrite';
import { newCtpId } from './ids';
import type { TriggerState } from './repositories';
import { alertKind, shouldEvaluateTrigger } from './triggerRules';

/** One alert written by a trigger evaluation (CTP 5.3.2). */
export interface Alert {
  triggerId: string;
  logId: string;
  kind: 'normal' | 'error';
  /** True when an XMPP notification was queued in the outbox. */
  queued: boolean;
}

/** The measurement fields CTP 5.3.2 looks at. */
type Evaluated = Pick<MeasurementRecord, 'state' | 'resultText'>;

/**
 * The triggers CTP 5.3.2 evaluates now: none unless the measurement is `activated` with
 * a result; else those in `false`, and those in `true` past their guard time. Pure.
 */
export function triggersDue<T extends TriggerState>(
  measurement: Evaluated,
  triggers: readonly T[],
  nowMs: number,
): T[] {
  if (measurement.state !== 'activated' || measurement.resultText === null) return [];
  return triggers.filter((trigger) =>
    shouldEvaluateTrigger(
      trigger.status,
      parseRfc3339(trigger.statusUpdateTime) ?? 0,
      trigger.guardTime,
      nowMs,
    ),
  );
}

/** The evaluations {@link TriggerEvaluation.runTriggers} will ask for (a prediction). */
export function triggerRequests(
  measurement: Evaluated,
  triggers: readonly TriggerState[],
  nowMs: number,
): OutcomeRequest[] {
  const resultText = measurement.resultText;
  if (resultText === null) return [];
  return triggersDue(measurement, triggers, nowMs).map((t) => ({
    source: t.condition,
    resultText,
  }));
}

/**
 * Writes what evaluations decide (CTP 5.3.1, 5.3.2): objective statuses, trigger statuses
 * with their log entries and outbox rows, through the write transaction `tx`, with
 * outcomes evaluated beforehand (evaluatedWrite.ts).
 */
export interface TriggerEvaluation {
  /** Applies CTP 5.3.2 to `triggers` against the measurement's current result. */
  runTriggers(
    tx: SqlQueries,
    measurement: MeasurementRecord,
    triggers: readonly TriggerRecord[],
    nowMs: number,
    outcomeOf: OutcomeOf,
  ): Promise<{ evaluated: number; alerts: Alert[] }>;
  /** Evaluates the objective of a measurement against its current result (CTP 5.3.1). */
  evaluateObjective(
    tx: SqlQueries,
    measurementId: string,
    nowMs: number,
    outcomeOf: OutcomeOf,
  ): Promise<TriStatus | null>;
}

const SQL = {
  objective: 'SELECT objective_condition AS condition, result FROM measurements WHERE id = $1',
  setObjectiveStatus:
    'UPDATE measurements SET objective_status = $1, objective_status_time = $2 WHERE id = $3',
};
const LOG_COLUMNS = [
  'id',
  'service_view_id',
  'trigger_id',
  'creation_time',
  'creation_ms',
  'result',
  'error',
  'tags',
];
const OUTBOX_COLUMNS = ['log_id', 'trigger_id', 'notification', 'created_at'];

type Row = Array<string | number | null>;

/** The log entry of an alert and, with a notification URI, its outbox row (CTP 5.3.2). */
function alertRows(
  trigger: TriggerRecord,
  kind: 'normal' | 'error',
  outcomeError: string | undefined,
  resultText: string,
  nowMs: number,
): { alert: Alert; log: Row; outbox: Row | null } {
  const now = formatRfc3339(nowMs);
  const logId = newCtpId();
  const tags = kind === 'error' ? ['error'] : trigger.tags;
  const error = kind === 'error' ? (outcomeError ?? 'evaluation error') : null;
  const logResult = kind === 'normal' ? resultText : null;
  const { serviceViewId } = trigger;
  const log = [
    logId,
    serviceViewId,
    trigger.id,
    now,
    nowMs,
    logResult,
    error,
    JSON.stringify(tags),
  ];
  const queued = trigger.notification !== '';
  return {
    alert: { triggerId: trigger.id, logId, kind, queued },
    log,
    // The row names its log entry; the notifier reads the entry from there (outboxLogs.ts)
    // and encodes it with the CtpBase it serves (CTP 4.2.7.1).
    outbox: queued ? [logId, trigger.id, trigger.notification, now] : null,
  };
}

/**
 * The new statuses, one statement per status (at most three), the triggers named by a
 * JSON array: a trigger-heavy measurement costs a few round trips on PostgreSQL, not one
 * per trigger.
 */
async function setStatuses(
  tx: SqlQueries,
  byStatus: ReadonlyMap<TriStatus, string[]>,
  nowMs: number,
  changeId: number,
): Promise<void> {
  for (const [status, ids] of byStatus) {
    await tx.run(
      `UPDATE triggers SET status = $1, status_update_time = $2, change_id = $3
       WHERE ${tx.dialect.inJsonArray('id', '$4')}`,
      [status, formatRfc3339(nowMs), changeId, JSON.stringify(ids)],
    );
  }
}

export const triggerEvaluation: TriggerEvaluation = {
  async runTriggers(tx, measurement, triggers, nowMs, outcomeOf) {
    const alerts: Alert[] = [];
    const due = triggersDue(measurement, triggers, nowMs);
    const resultText = measurement.resultText;
    if (due.length === 0 || resultText === null) return { evaluated: 0, alerts };
    const byStatus = new Map<TriStatus, string[]>();
    const logs: Row[] = [];
    const outbox: Row[] = [];
    for (const trigger of due) {
      const outcome = outcomeOf(trigger.condition, resultText);
      const ids = byStatus.get(outcome.status) ?? [];
      byStatus.set(outcome.status, ids);
      ids.push(trigger.id);
      const kind = alertKind(outcome.status);
      if (kind === null) continue;
      const rows = alertRows(trigger, kind, outcome.error, resultText, nowMs);
      alerts.push(rows.alert);
      logs.push(rows.log);
      if (rows.outbox !== null) outbox.push(rows.outbox);
    }
    // One changeId for the batch: each trigger's and its service view's (CTP 4.1.5.5).
    const changeIds = changeIdsOn(tx);
    const value = await changeIds.next();
    await setStatuses(tx, byStatus, nowMs, value);
    await tx.insertMany('logs', LOG_COLUMNS, logs);
    await tx.insertMany('outbox', OUTBOX_COLUMNS, outbox);
    for (const view of new Set(due.map((t) => t.serviceViewId)))
      await changeIds.stampView(value, view);
    return { evaluated: due.length, alerts };
  },
  async evaluateObjective(tx, measurementId, nowMs, outcomeOf) {
    const row = await tx.get<{ condition: string | null; result: string | null }>(SQL.objective, [
      measurementId,
    ]);
    if (row === undefined || row.condition === null) return null;
    // No result: not evaluated (SPEC-NOTES "Objectives": initially "false").
    if (row.result === null) return 'false';
    const { status } = outcomeOf(row.condition, row.result);
    await tx.run(SQL.setObjectiveStatus, [status, formatRfc3339(nowMs), measurementId]);
    return status;
  },
};
