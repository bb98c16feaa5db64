/**
 * CTPScript, the condition language of objectives and triggers (CTP 5.4), as the CTP
 * server, the offline client and the editor use it: parse and check once, compile to
 * closures, evaluate many times against measurement results.
 *
 * ```ts
 * const compiled = compileCondition('value[0].percentage >= 99.9');
 * if (compiled.ok) evaluateCondition(compiled.condition, result).outcome; // 'true'
 * ```
 */
import { AppError } from '../errors';
import { analyze } from './check';
import { compileTree } from './compile';
import type { Diagnostic } from './diagnostics';
import { formatDiagnostic } from './diagnostics';
import { createRunner } from './evaluate';
import type { EvaluationOptions, EvaluationResult } from './evaluate';
import { resolveLimits } from './limits';
import type { CtpScriptLimits } from './limits';

export type { CtpScriptErrorCode, Diagnostic, EvaluationError, SourceRange } from './diagnostics';
export { formatDiagnostic, lineColumn } from './diagnostics';
export type { EvaluationOptions, EvaluationResult, MeasurementResult, Outcome } from './evaluate';
export type { CtpScriptLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export type { CtpArray, CtpObject, CtpType, CtpValue, FunctionName } from './values';
export { CtpFunction, describeValue, toJsonValue, typeOf } from './values';
export { VARIABLES } from './check';
export { ARRAY_METHODS, GLOBAL_FUNCTIONS } from './functions';
/** The lezer parser generated from `ctpscript.grammar` (node names are public API). */
export { parser } from './parser.generated';
/** `styleTags` for the editor's highlighting (already attached to {@link parser}). */
export { ctpscriptHighlighting } from './highlight';

/** A condition parsed, checked and compiled: evaluate it with {@link evaluateCondition}. */
export interface CompiledCondition {
  /** The source it was compiled from. */
  readonly source: string;
  /** Warnings of the static check (a regular expression literal that cannot compile). */
  readonly warnings: readonly Diagnostic[];
  /** @internal Runs the compiled closures; use {@link evaluateCondition}. */
  readonly run: (result: unknown, options?: EvaluationOptions) => EvaluationResult;
}

/** Options of {@link compileCondition} and {@link checkCondition}. */
export interface CompileOptions {
  /** Bounds on the source (size, nesting); default {@link DEFAULT_LIMITS}. */
  limits?: Partial<CtpScriptLimits>;
}

export type CompileResult =
  { ok: true; condition: CompiledCondition } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Parses, statically checks and compiles a condition. Fails with every error found:
 * syntax, unknown identifiers, unknown functions, wrong numbers of arguments, limits;
 * each has a position and, for near misses, a suggestion. Never throws.
 */
export function compileCondition(source: string, options?: CompileOptions): CompileResult {
  const limits = resolveLimits(options?.limits);
  const { tree, diagnostics, patterns } = analyze(source, limits);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (tree === undefined || errors.length > 0) return { ok: false, diagnostics: errors };
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  try {
    const { evaluator, variables } = compileTree(source, tree, patterns);
    return { ok: true, condition: { source, warnings, run: createRunner(evaluator, variables) } };
  } catch (error) {
    // The static check admits only trees the compiler knows; this is a bug, reported
    // as a diagnostic rather than thrown, so that callers can rely on "never throws".
    return {
      ok: false,
      diagnostics: [
        {
          from: 0,
          to: source.length,
          severity: 'error',
          code: 'CTPSCRIPT_SYNTAX',
          message: `the condition could not be compiled: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}

/**
 * The static check alone (for creation time and the editor): errors and warnings, in
 * source order; an empty list means the condition compiles.
 */
export function checkCondition(source: string, options?: CompileOptions): Diagnostic[] {
  return analyze(source, resolveLimits(options?.limits)).diagnostics;
}

/**
 * Evaluates a compiled condition against a measurement result (`{value, updateTime,
 * authorityId, signature}`, parsed JSON). The outcome is `true`, `false` or `error`
 * (CTP 5.4.9); it never throws and never runs unbounded.
 */
export function evaluateCondition(
  condition: CompiledCondition,
  result: unknown,
  options?: EvaluationOptions,
): EvaluationResult {
  return condition.run(result, options);
}

/**
 * Evaluates what {@link compileCondition} returned: a condition that did not compile gives
 * an `error` outcome with its first diagnostic (CTP 5.4.9: "the CTPScript contains a
 * syntax error"). Lets a caller compile once and evaluate many results.
 */
export function evaluateCompiled(
  compiled: CompileResult,
  result: unknown,
  options?: EvaluationOptions,
): EvaluationResult {
  if (compiled.ok) return evaluateCondition(compiled.condition, result, options);
  const [first] = compiled.diagnostics;
  return {
    outcome: 'error',
    error:
      first === undefined
        ? { code: 'CTPSCRIPT_SYNTAX', message: 'the condition does not compile' }
        : { code: first.code, message: first.message, from: first.from, to: first.to },
    steps: 0,
  };
}

/** Compiles and evaluates in one call (see {@link evaluateCompiled}). */
export function evaluateSource(
  source: string,
  result: unknown,
  options?: EvaluationOptions,
): EvaluationResult {
  return evaluateCompiled(compileCondition(source, options), result, options);
}

/**
 * For callers that must reject a bad condition (trigger creation, provider import):
 * compiles, or throws an {@link AppError} (HTTP 400) whose message points at the first
 * problem, e.g. `1:1: unknown function "matchRegex"; did you mean matchRegexp?`.
 */
export function compileConditionOrThrow(
  source: string,
  options?: CompileOptions,
): CompiledCondition {
  const compiled = compileCondition(source, options);
  if (compiled.ok) return compiled.condition;
  const [first] = compiled.diagnostics;
  if (first === undefined) throw new AppError('CTPSCRIPT_SYNTAX', 'the condition does not compile');
  throw new AppError(first.code, formatDiagnostic(source, first), {
    details: { diagnostics: compiled.diagnostics.map((d) => ({ ...d })) },
  });
}
