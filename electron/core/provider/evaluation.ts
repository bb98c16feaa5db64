import type { TriStatus } from '../../../shared/ctp/types';
import {
  compileCondition,
  evaluateCondition,
  formatDiagnostic,
  type CompiledCondition,
} from '../../../shared/ctpscript';

/** Compiled conditions, kept by source (a trigger's condition is evaluated many times). */
export interface ConditionCache {
  evaluate(source: string, result: unknown, nowMs: number): { status: TriStatus; error?: string };
}

export function createConditionCache(maxEntries = 2000): ConditionCache {
  const cache = new Map<string, CompiledCondition | string>();
  const compiled = (source: string): CompiledCondition | string => {
    const hit = cache.get(source);
    if (hit !== undefined) return hit;
    const outcome = compileCondition(source);
    const entry = outcome.ok
      ? outcome.condition
      : outcome.diagnostics[0] === undefined
        ? 'the condition does not compile'
        : formatDiagnostic(source, outcome.diagnostics[0]);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(source, entry);
    return entry;
  };
  return {
    evaluate(source, result, nowMs) {
      const condition = compiled(source);
      // A condition that no longer compiles is an evaluation error (CTP 5.4.9).
      if (typeof condition === 'string') {
        return { status: 'error', error: `CTPScript evaluation error: ${condition}` };
      }
      const evaluation = evaluateCondition(condition, result, { now: () => nowMs });
      if (evaluation.outcome === 'error') {
        const error = evaluation.error;
        return {
          status: 'error',
          error: `CTPScript evaluation error: ${error === undefined ? 'unknown' : formatDiagnostic(source, error)}`,
        };
      }
      return { status: evaluation.outcome };
    },
  };
}
