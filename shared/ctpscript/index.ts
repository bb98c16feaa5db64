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
import type { Tree } from '@lezer/common';

import type { ResultColumn } from '../ctp/types';
import { AppError, errorMessage } from '../errors';
import { analyze } from './check';
import type { Analysis } from './check';
import { compileTree } from './compile';
import type { Diagnostic } from './diagnostics';
import { formatDiagnostic } from './diagnostics';
import { createRunner } from './evaluate';
import { parser } from './parser.generated';
import type { EvaluationOptions, EvaluationResult } from './evaluate';
import { resolveLimits } from './limits';
import type { CtpScriptLimits } from './limits';
import type { CompiledRegexp } from './regexp';
import { boundWork } from './workBound';

export type { CtpScriptErrorCode, Diagnostic, EvaluationError, SourceRange } from './diagnostics';
export { formatDiagnostic, lineColumn } from './diagnostics';
export type { EvaluationOptions, EvaluationResult, MeasurementResult, Outcome } from './evaluate';
export type { CtpScriptLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export { LARGEST_RESULT_ROWS } from './workBound';
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
  /** @internal The compiled pattern literals (by pattern), for {@link checkWorkBound}. */
  readonly patterns: ReadonlyMap<string, CompiledRegexp>;
}

/** Options of {@link compileCondition}, {@link checkCondition} and {@link checkWorkBound}. */
export interface CompileOptions {
  /** Bounds on the source (size, nesting) and the step budget; default {@link DEFAULT_LIMITS}. */
  limits?: Partial<CtpScriptLimits>;
  /**
   * The result format (CTP 4.4 `resultFormat`) of the measurement the condition will
   * judge. When given, a condition whose worst case cannot fit the step budget on the
   * largest result of that format is refused as well ({@link checkWorkBound}).
   */
  resultFormat?: readonly ResultColumn[];
}

export type CompileResult =
  { ok: true; condition: CompiledCondition } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Parses, statically checks and compiles a condition. Fails with every error found:
 * syntax, unknown identifiers, unknown functions, wrong numbers of arguments, limits;
 * each has a position and, for near misses, a suggestion. Never throws.
 */
export function compileCondition(source: string, options?: CompileOptions): CompileResult {
  const { tree, diagnostics, patterns } = check(source, options);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (tree === undefined || errors.length > 0) return { ok: false, diagnostics: errors };
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  try {
    const { evaluator, variables } = compileTree(source, tree, patterns);
    const run = createRunner(evaluator, variables);
    return { ok: true, condition: { source, warnings, run, patterns } };
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
          message: `the condition could not be compiled: ${errorMessage(error)}`,
        },
      ],
    };
  }
}

/**
 * The static check alone (for creation time and the editor): errors and warnings, in
 * source order, each with its position; an empty list means the condition compiles (and,
 * given a `resultFormat`, fits the step budget on the largest result).
 */
export function checkCondition(source: string, options?: CompileOptions): Diagnostic[] {
  return check(source, options).diagnostics;
}

// The analysis, plus the work bound when a result format is given and nothing else is
// wrong (a bound of a broken condition would only repeat its errors).
function check(source: string, options: CompileOptions | undefined): Analysis {
  const limits = resolveLimits(options?.limits);
  const analysis = analyze(source, limits);
  const { tree, diagnostics, patterns } = analysis;
  if (options?.resultFormat === undefined || tree === undefined) return analysis;
  if (diagnostics.some((d) => d.severity === 'error')) return analysis;
  const bound = boundWork(source, tree, patterns, options.resultFormat, limits);
  if (bound.diagnostics.length === 0) return analysis;
  const all = [...diagnostics, ...bound.diagnostics].sort((a, b) => a.from - b.from || a.to - b.to);
  return { tree, patterns, diagnostics: all };
}

/** What {@link checkWorkBound} says of a condition. */
export interface WorkBound {
  /** True when the condition compiles and its worst case fits the step budget. */
  ok: boolean;
  /**
   * Steps the condition needs at least on the largest result of the format
   * ({@link LARGEST_RESULT_ROWS} rows); 0 when it does not compile.
   */
  steps: number;
  /** The budget it was checked against (`limits.maxSteps`). */
  budget: number;
  /** Why it is refused (errors with positions, first the costliest part); empty when ok. */
  diagnostics: Diagnostic[];
  /** The first diagnostic in one line, with its position: for a 400 answer. */
  message?: string;
}

/**
 * The static worst-case check, for creation time (a trigger's condition, objectives of
 * imported provider data): refuses a condition whose work cannot fit the step budget on
 * the largest result the server accepts for `resultFormat` ({@link LARGEST_RESULT_ROWS}
 * rows of those columns, data strings as short as can be), and one that does not compile.
 * Never throws.
 *
 * ```ts
 * const bound = checkWorkBound('matchRegexp("^(UK|FR)$", select("country", value))', format);
 * if (!bound.ok) reply.code(400).send({ message: bound.message });
 * ```
 */
export function checkWorkBound(
  condition: string | CompiledCondition,
  resultFormat: readonly ResultColumn[],
  options?: Pick<CompileOptions, 'limits'>,
): WorkBound {
  const limits = resolveLimits(options?.limits);
  const source = typeof condition === 'string' ? condition : condition.source;
  let analysis: { tree: Tree; patterns: ReadonlyMap<string, CompiledRegexp> };
  if (typeof condition === 'string') {
    const { tree, diagnostics, patterns } = analyze(condition, limits);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (tree === undefined || errors.length > 0) return refused(source, 0, limits, errors);
    analysis = { tree, patterns };
  } else {
    // Parsing again is cheap; keeping every compiled condition's tree would not be.
    analysis = { tree: parser.parse(source), patterns: condition.patterns };
  }
  const bound = boundWork(source, analysis.tree, analysis.patterns, resultFormat, limits);
  if (bound.diagnostics.length > 0) return refused(source, bound.steps, limits, bound.diagnostics);
  return { ok: true, steps: bound.steps, budget: limits.maxSteps, diagnostics: [] };
}

function refused(
  source: string,
  steps: number,
  limits: CtpScriptLimits,
  diagnostics: Diagnostic[],
): WorkBound {
  const [first] = diagnostics;
  const message =
    first === undefined ? 'the condition does not compile' : formatDiagnostic(source, first);
  return { ok: false, steps, budget: limits.maxSteps, diagnostics, message };
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
 * problem, e.g. `1:1: unknown function "matchRegex"; did you mean matchRegexp?`. Given
 * `options.resultFormat`, a condition whose worst case cannot fit the step budget is
 * refused too (`CTPSCRIPT_LIMIT`, see {@link checkWorkBound}).
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
