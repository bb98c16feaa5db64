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
  /** Steps spent so far (see {@link charge}); never more than `limits.maxSteps`. */
  steps: number;
}

/** A compiled expression: evaluates to a value, or throws {@link ConditionError}. */
export type Evaluator = (env: Environment) => CtpValue;

/**
 * Spends `steps` of the evaluation's budget before the work they pay for; work that
 * would cross the budget is refused, undone, as an error (limit).
 */
export function charge(env: Environment, steps: number, range: SourceRange): void {
  const spent = env.steps + steps;
  // Written so that a NaN count is refused too.
  if (!(spent <= env.limits.maxSteps)) {
    throw new ConditionError(
      'CTPSCRIPT_LIMIT',
      `evaluation needs more than ${env.limits.maxSteps} steps (this part asks for ${steps} after ${env.steps}); simplify the condition`,
      range,
    );
  }
  env.steps = spent;
}
