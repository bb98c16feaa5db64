/**
 * "Would have fired N times" (pure): a trigger's condition replayed over a measurement's
 * kept history with the rules of CTP 5.3.2 (SPEC-NOTES "Triggers"): it starts `false`;
 * from `false` every result is evaluated; from `true` only when more than `guardTime`
 * seconds passed since its last evaluation; from `error` never again (the error alert is
 * sent once). Each evaluation to `true` or `error` is one alert. The latest result's
 * outcome is given on its own, as the editor shows it.
 */
import type { TriggerPreview } from '../../../../shared/alerts';
import { compileCondition, evaluateCompiled, formatDiagnostic } from '../../../../shared/ctpscript';
import type { TriStatus } from '../../../../shared/ctp/types';
import { alertKind, shouldEvaluateTrigger } from '../../provider/triggerRules';

export interface HistoryPoint {
  /** The parsed result object (`{value, updateTime, …}`). */
  result: unknown;
  /** When the result was published (its updateTime, else when it was first seen), in ms. */
  atMs: number;
  updateTime: string | null;
}

export function previewTrigger(
  condition: string,
  guardTimeSeconds: number,
  history: readonly HistoryPoint[],
): TriggerPreview {
  const compiled = compileCondition(condition);
  const evaluate = (point: HistoryPoint): { status: TriStatus; error: string | null } => {
    const outcome = evaluateCompiled(compiled, point.result, { now: () => point.atMs });
    if (outcome.outcome !== 'error') return { status: outcome.outcome, error: null };
    const error = outcome.error;
    return {
      status: 'error',
      error: error === undefined ? 'evaluation error' : formatDiagnostic(condition, error),
    };
  };

  let status: TriStatus = 'false';
  let statusMs = Number.NEGATIVE_INFINITY;
  let wouldHaveFired = 0;
  let errors = 0;
  let evaluated = 0;
  for (const point of history) {
    if (!shouldEvaluateTrigger(status, statusMs, guardTimeSeconds, point.atMs)) continue;
    evaluated++;
    status = evaluate(point).status;
    statusMs = point.atMs;
    const kind = alertKind(status);
    if (kind !== null) wouldHaveFired++;
    if (kind === 'error') errors++;
  }
  const last = history.at(-1);
  const latest =
    last === undefined
      ? null
      : (() => {
          const outcome = evaluate(last);
          return { outcome: outcome.status, error: outcome.error, updateTime: last.updateTime };
        })();
  return { latest, wouldHaveFired, errors, evaluated };
}
