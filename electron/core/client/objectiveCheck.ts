/**
 * Independent check of a vendor's claim (issue 6 §5): re-evaluate each measurement's
 * objective (CTP 4.2.6.2, 5.4) with our own CTPScript engine and flag where our outcome
 * differs from the status the vendor reports. Pure.
 */
import type { ObjectiveCheck } from '../../../shared/client';
import { compileCondition, evaluateCompiled, type CompileResult } from '../../../shared/ctpscript';
import type { Measurement } from './responseShapes';

/**
 * `timeUTC("now")` is read at the vendor's `statusUpdateTime` when it is a valid date (the
 * moment the vendor evaluated), so time-dependent conditions are judged at the same instant.
 */
export function checkObjective(
  measurement: Measurement,
  clock: () => Date,
  /** Compiles a condition; a workspace check shares one cache (vendors repeat conditions). */
  compile: (source: string) => CompileResult = compileCondition,
): ObjectiveCheck | null {
  const objective = measurement.objective;
  if (objective === null) return null;
  const claimed = objective.status;
  const base = { measurementUrl: measurement.self, condition: objective.condition, claimed };
  if (measurement.result === null) {
    return { ...base, ours: 'no_result', disagrees: false, message: null };
  }
  const statusTime =
    objective.statusUpdateTime === null ? NaN : Date.parse(objective.statusUpdateTime);
  const now = Number.isNaN(statusTime) ? clock().getTime() : statusTime;
  // The evaluator reads the parsed result (CTP 5.4.8 variables value, updateTime, ...).
  const result = JSON.parse(measurement.result.text) as unknown;
  const evaluation = evaluateCompiled(compile(objective.condition), result, { now: () => now });
  return {
    ...base,
    ours: evaluation.outcome,
    disagrees: claimed !== null && claimed !== evaluation.outcome,
    message: evaluation.error?.message ?? null,
  };
}
