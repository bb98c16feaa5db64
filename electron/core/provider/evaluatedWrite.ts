import type { SqlQueries, SqlStore } from '../store/sqlStore';
import type { ConditionEvaluator, ConditionOutcome } from './conditionEvaluator';

/** A condition to evaluate against a result given as its stored JSON text. */
export interface OutcomeRequest {
  source: string;
  resultText: string;
}

/** The outcome of `source` against the result `resultText`, as the write needs it. */
export type OutcomeOf = (source: string, resultText: string) => ConditionOutcome;

/**
 * A write whose content depends on evaluating conditions (a publish, a new trigger, an
 * import, an objective). `write` decides what to evaluate from what it reads inside its
 * transaction (CTP 5.3.2 on the trigger states of that moment, at `nowMs`, the time of
 * the write) and takes the outcomes from `outcomeOf`; `predict` names, from a read
 * without the lock, the evaluations the write will probably ask for.
 */
export interface EvaluatedWrite<R> {
  predict(nowMs: number): Promise<OutcomeRequest[]>;
  /** Runs inside the write transaction: every statement through `tx`. */
  write(tx: SqlQueries, outcomeOf: OutcomeOf, nowMs: number): Promise<R>;
}

/** Optimistic attempts before the write evaluates under the lock (decisions.md). */
export const OPTIMISTIC_ATTEMPTS = 3;

/** Thrown by `outcomeOf` when the prediction missed: the attempt is rolled back. */
class MissedPrediction extends Error {}

/**
 * Runs `work` so that no condition is evaluated while the write lock is held: predict,
 * evaluate the predictions (no lock, other requests served in between), then write in a
 * short write transaction. An outcome depends only on the condition and the result
 * (and, through `timeUTC("now")`, on when it was evaluated: just before the write), so a
 * predicted outcome is as good as one computed inside the transaction. When the write
 * needs one that was not predicted (a trigger created or an objective changed in
 * between), the attempt is rolled back and made again; after {@link OPTIMISTIC_ATTEMPTS}
 * such misses, the write evaluates inside its transaction.
 */
export async function writeAfterEvaluating<R>(
  deps: { store: SqlStore; clock: () => Date; conditions: ConditionEvaluator },
  work: EvaluatedWrite<R>,
): Promise<R> {
  const { store, clock, conditions } = deps;
  // The write's time is read once it holds the lock: the order of the writes' times is
  // the order of the writes, whatever the evaluations before them took.
  const write = (outcomeOf: OutcomeOf) =>
    store.write((tx) => work.write(tx, outcomeOf, clock().getTime()));
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const nowMs = clock().getTime();
    const known = await evaluateAll(conditions, await work.predict(nowMs), nowMs);
    try {
      return await write((source, resultText) => {
        const outcome = known.get(resultText)?.get(source);
        if (outcome === undefined) throw new MissedPrediction();
        return outcome;
      });
    } catch (error) {
      if (!(error instanceof MissedPrediction)) throw error;
    }
  }
  const parsed = parsedResults();
  return write(
    (source, resultText) =>
      conditions.evaluateNow([{ source, result: parsed(resultText) }], clock().getTime())[0]!,
  );
}

/** Outcomes by result text, then by condition source; each result parsed once. */
async function evaluateAll(
  conditions: ConditionEvaluator,
  requests: readonly OutcomeRequest[],
  nowMs: number,
): Promise<Map<string, Map<string, ConditionOutcome>>> {
  const parsed = parsedResults();
  const unique = new Map<string, Set<string>>();
  for (const { source, resultText } of requests) {
    let sources = unique.get(resultText);
    if (sources === undefined) unique.set(resultText, (sources = new Set()));
    sources.add(source);
  }
  const flat = [...unique].flatMap(([resultText, sources]) =>
    [...sources].map((source) => ({ source, resultText })),
  );
  const outcomes = await conditions.evaluate(
    flat.map(({ source, resultText }) => ({ source, result: parsed(resultText) })),
    nowMs,
  );
  const known = new Map<string, Map<string, ConditionOutcome>>();
  flat.forEach(({ source, resultText }, index) => {
    let bySource = known.get(resultText);
    if (bySource === undefined) known.set(resultText, (bySource = new Map()));
    bySource.set(source, outcomes[index]!);
  });
  return known;
}

function parsedResults(): (resultText: string) => unknown {
  const parsed = new Map<string, unknown>();
  return (resultText) => {
    if (!parsed.has(resultText)) parsed.set(resultText, JSON.parse(resultText) as unknown);
    return parsed.get(resultText);
  };
}
