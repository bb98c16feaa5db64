import type { CtpScriptLimits } from './limits';
import { ConditionError } from './diagnostics';
import type { SourceRange } from './diagnostics';
import type { CtpValue } from './values';

/**
 * What one evaluation sees: the 4 identifiers of CTP 5.4.8 (the fields of the
 * measurement result), the clock for `timeUTC("now")`, the limits and the work spent.
 */
export interface Environment {
  value: CtpValue;
  updateTime: CtpValue;
  authorityId: CtpValue;
  signature: CtpValue;
  /** Milliseconds since the epoch, like `Date.now`. */
  now: () => number;
  limits: CtpScriptLimits;
  /** Work units spent so far (see {@link charge}). */
  steps: number;
}

/** A compiled expression: evaluates to a value, or throws {@link ConditionError}. */
export type Evaluator = (env: Environment) => CtpValue;

/** Spends `units` of the evaluation's budget; exceeding it is an error (limit). */
export function charge(env: Environment, units: number, range: SourceRange): void {
  env.steps += units;
  if (env.steps > env.limits.maxSteps) {
    throw new ConditionError(
      'CTPSCRIPT_LIMIT',
      `evaluation needs more than ${env.limits.maxSteps} steps; simplify the condition`,
      range,
    );
  }
}
