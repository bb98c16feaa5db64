import type { TriStatus } from '../../../shared/ctp/types';
import {
  compileCondition,
  evaluateCondition,
  formatDiagnostic,
  type CompiledCondition,
} from '../../../shared/ctpscript';

/** What one evaluation of an objective or a trigger gives (CTP 5.3.1, 5.3.2, 5.4.9). */
export interface ConditionOutcome {
  status: TriStatus;
  /** Why the status is `error` (written to the error log entry). */
  error?: string;
}

/** One condition to evaluate against one parsed measurement result. */
export interface ConditionRequest {
  source: string;
  result: unknown;
}

/**
 * Evaluates the conditions of objectives and triggers, compiled once per source. The
 * server evaluates outside any write transaction (decisions.md "CTP server"): `evaluate`
 * lets the event loop run between conditions, so other requests are answered while a
 * publish evaluates many triggers; `evaluateNow` is the synchronous form, for the rare
 * evaluation that must happen inside a transaction.
 */
export interface ConditionEvaluator {
  evaluate(requests: readonly ConditionRequest[], nowMs: number): Promise<ConditionOutcome[]>;
  evaluateNow(requests: readonly ConditionRequest[], nowMs: number): ConditionOutcome[];
}

export interface ConditionEvaluatorOptions {
  /** Compiled conditions kept (the least recent go when full). */
  maxEntries?: number;
  /** Longest stretch of evaluation, in ms, before the event loop gets a turn. */
  sliceMs?: number;
}

export function createConditionEvaluator(
  options: ConditionEvaluatorOptions = {},
): ConditionEvaluator {
  const maxEntries = options.maxEntries ?? 2000;
  const sliceMs = options.sliceMs ?? 10;
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
  const one = ({ source, result }: ConditionRequest, nowMs: number): ConditionOutcome => {
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
  };
  return {
    async evaluate(requests, nowMs) {
      const outcomes: ConditionOutcome[] = [];
      let sliceStart = performance.now();
      for (const request of requests) {
        if (performance.now() - sliceStart >= sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
        outcomes.push(one(request, nowMs));
      }
      return outcomes;
    },
    evaluateNow: (requests, nowMs) => requests.map((request) => one(request, nowMs)),
  };
}
