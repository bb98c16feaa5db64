/**
 * The store calls of one sync, run in the order they are made and committed in batches.
 * A commit costs more than the writes it holds (measured in decisions.md "CTP client"), so
 * the calls made while the last commit is recent wait for the next one: at most one commit
 * per `intervalMs`, none delayed when the queue was idle.
 *
 * A call's promise settles once its batch is committed: a caller that waits for it knows
 * the write is stored before it goes on (a parent is marked complete only after its
 * children's writes are committed). When a call throws, the batch is rolled back and each
 * of its calls runs again in a transaction of its own, so only the calls that fail reject,
 * each with its own error. Calls are therefore synchronous store work with no other effect.
 */
export interface StoreQueue {
  /** Runs `work` (synchronous store calls) in the next batch. */
  run<T>(work: () => T): Promise<T>;
}

export interface StoreQueueOptions {
  /** Least time between two commits, in ms. */
  intervalMs: number;
  /** A batch this large is committed at once. */
  maxBatch: number;
}

export const DEFAULT_STORE_QUEUE_OPTIONS: StoreQueueOptions = { intervalMs: 10, maxBatch: 1000 };

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** `transaction` runs its argument in one transaction (HistoryRepository.transaction). */
export function createStoreQueue(
  transaction: <T>(work: () => T) => T,
  options: StoreQueueOptions = DEFAULT_STORE_QUEUE_OPTIONS,
): StoreQueue {
  let queued: Queued[] = [];
  let scheduled = false;
  let lastCommit = -Infinity;

  /** Each call alone: the failing ones reject, the others are kept. */
  const runEach = (batch: Queued[]): void => {
    for (const item of batch) {
      try {
        item.resolve(transaction(item.work));
      } catch (error) {
        item.reject(error);
      }
    }
  };

  const flush = (): void => {
    scheduled = false;
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    lastCommit = performance.now();
    let results: unknown[];
    try {
      results = transaction(() => batch.map((item) => item.work()));
    } catch {
      runEach(batch);
      return;
    }
    batch.forEach((item, index) => item.resolve(results[index]));
  };

  const schedule = (): void => {
    scheduled = true;
    const wait = lastCommit + options.intervalMs - performance.now();
    if (wait > 0) setTimeout(flush, wait);
    else setImmediate(flush);
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queued.length >= options.maxBatch) flush();
        else if (!scheduled) schedule();
      });
    },
  };
}
