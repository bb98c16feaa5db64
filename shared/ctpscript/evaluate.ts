import { ConditionError } from './diagnostics';
import type { EvaluationError } from './diagnostics';
import type { Environment, Evaluator } from './environment';
import type { CtpScriptLimits } from './limits';
import { DEFAULT_LIMITS } from './limits';
import { fromHost, toBoolean } from './values';
import type { CtpValue } from './values';
import { errorMessage } from '../errors';

/**
 * A measurement result as CTP 4.2.6.2 encodes it (parsed JSON). Anything else is
 * tolerated: missing fields are null, and `dateTime` stands in for `updateTime`
 * (SPEC-NOTES "CTP": accepted on input).
 */
export interface MeasurementResult {
  value: unknown;
  updateTime?: string | null;
  authorityId?: string | null;
  signature?: string | null;
}

/** Options of one evaluation. */
export interface EvaluationOptions {
  /** The clock of `timeUTC("now")`, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Bounds for this evaluation (default {@link DEFAULT_LIMITS}). */
  limits?: Partial<CtpScriptLimits>;
}

/** The 3 outcomes of CTP 5.4.9. */
export type Outcome = 'true' | 'false' | 'error';

/** What an evaluation gives: the outcome, the raw value (for the editor), or the error. */
export interface EvaluationResult {
  outcome: Outcome;
  /** The expression's value before `toBoolean` (absent on error). */
  value?: CtpValue;
  /** Why the outcome is `error`, and where in the condition. */
  error?: EvaluationError;
  /**
   * Steps spent (`work.ts`), at most the budget (`limits.maxSteps`): work that would have
   * crossed it was refused, not done.
   */
  steps: number;
}

// The result envelope is the caller's own data (parsed JSON, or an object the server
// built), read as given: Object.prototype has no field of these names, so only the
// caller's fields are found. Objects inside it are read through their own fields only.
function field(result: unknown, name: string): CtpValue | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const value = (result as Record<string, unknown>)[name];
  return value === undefined ? undefined : fromHost(value);
}

/**
 * Makes the evaluation function of one compiled condition. It keeps one environment
 * and reuses it (evaluations are synchronous), unless an evaluation is already running,
 * as when a `now` clock evaluates the same condition again.
 */
export function createRunner(
  evaluator: Evaluator,
  variables: ReadonlySet<string>,
): (result: unknown, options?: EvaluationOptions) => EvaluationResult {
  let spare: Environment | undefined;
  // Only the identifiers the condition reads are fetched from the result.
  const readValue = variables.has('value');
  const readUpdateTime = variables.has('updateTime');
  const readAuthorityId = variables.has('authorityId');
  const readSignature = variables.has('signature');
  return (result, options) => {
    const env: Environment = spare ?? {
      value: null,
      updateTime: null,
      authorityId: null,
      signature: null,
      now: Date.now,
      limits: DEFAULT_LIMITS,
      steps: 0,
    };
    spare = undefined;
    let evaluation: EvaluationResult;
    try {
      if (readValue) env.value = field(result, 'value') ?? null;
      if (readUpdateTime) {
        env.updateTime = field(result, 'updateTime') ?? field(result, 'dateTime') ?? null;
      }
      if (readAuthorityId) env.authorityId = field(result, 'authorityId') ?? null;
      if (readSignature) env.signature = field(result, 'signature') ?? null;
      env.now = options?.now ?? Date.now;
      env.limits =
        options?.limits === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, ...options.limits };
      env.steps = 0;
      const value = evaluator(env);
      evaluation = { outcome: toBoolean(value) ? 'true' : 'false', value, steps: env.steps };
    } catch (error) {
      // Never throws: every failure, even an exhausted stack, is an `error` (CTP 5.4.9).
      evaluation = { outcome: 'error', error: toEvaluationError(error), steps: env.steps };
    }
    // Drop the references to the result (so that it can be collected); keep env.
    env.value = env.updateTime = env.authorityId = env.signature = null;
    spare = env;
    return evaluation;
  };
}

function toEvaluationError(error: unknown): EvaluationError {
  if (error instanceof ConditionError) {
    const out: EvaluationError = { code: error.code, message: error.message };
    if (error.from !== undefined) out.from = error.from;
    if (error.to !== undefined) out.to = error.to;
    return out;
  }
  if (error instanceof RangeError) {
    // Stack or string-length exhaustion in the engine: a limit, whatever caused it.
    return { code: 'CTPSCRIPT_LIMIT', message: `evaluation exceeded a limit: ${error.message}` };
  }
  return {
    code: 'CTPSCRIPT_RUNTIME',
    message: `evaluation failed: ${errorMessage(error)}`,
  };
}
