import { compileCondition, evaluateCondition } from '../../../../shared/ctpscript/index';
import type { EvaluationOptions, EvaluationResult } from '../../../../shared/ctpscript/index';

/** The result of spec example 4.13 (C), plus fields used across the tests. */
export const RESULT = {
  value: [
    { date: '2013-01-01', code: 1, level: 2, country: 'UK', percentage: 99.95 },
    { date: '2013-01-02', code: 1, level: 3, country: 'UK', percentage: 98 },
    { date: '2013-01-03', code: 7, level: 1, country: 'FR', percentage: 99.5 },
  ],
  updateTime: '2015-07-20T12:34:56Z',
  authorityId: 'authority.example',
  signature: null,
};

/** A fixed clock: 2015-07-20T13:00:00Z. */
export const NOW = Date.UTC(2015, 6, 20, 13, 0, 0);

/** Compiles (which must succeed) and evaluates against `result`. */
export function run(
  source: string,
  result: unknown = RESULT,
  options: EvaluationOptions = {},
): EvaluationResult {
  const compiled = compileCondition(source);
  if (!compiled.ok) {
    throw new Error(
      `${source} does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`,
    );
  }
  return evaluateCondition(compiled.condition, result, { now: () => NOW, ...options });
}

/** The raw value of an expression that must evaluate without error. */
export function valueOf(source: string, result: unknown = RESULT): unknown {
  const evaluation = run(source, result);
  if (evaluation.outcome === 'error') throw new Error(`${source}: ${evaluation.error?.message}`);
  return evaluation.value;
}
