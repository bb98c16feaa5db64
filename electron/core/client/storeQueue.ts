/**
 * The store calls of one sync, run in the order they are made and committed in batches.
 * A commit costs far more than the writes it holds (every commit rewrites the pages it
 * touched into the WAL; measured in decisions.md "CTP client"), so while the crawl has
 * requests in flight the calls wait for the next commit: at most one per `intervalMs`, or
 * sooner once `maxBatch` calls wait. When the crawl has nothing else to do (`idle`), a call
 * is committed at once, so a small sync is not slowed down.
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
  /** The crawl became idle: commit what waits without waiting for the interval. */
  nudge(): void;
}

export interface StoreQueueOptions {
  /** Least time between two commits while the crawl is busy, in ms. */
  intervalMs: number;
  /** A batch this large is committed at once. */
  maxBatch: number;
  /** True while the crawl waits for nothing but the store. */
  idle: () => boolean;
}

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** `transaction` runs its argument in one transaction (HistoryRepository.transaction). */
export function createStoreQueue(
  transaction: <T>(work: () => T) => T,
  options: StoreQueueOptions,
): StoreQueue {
  let queued: Queued[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let immediate: ReturnType<typeof setImmediate> | null = null;
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
    if (timer !== null) clearTimeout(timer);
    if (immediate !== null) clearImmediate(immediate);
    timer = null;
    immediate = null;
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

  /** After the calls of this turn of the event loop. */
  const flushSoon = (): void => {
    immediate ??= setImmediate(flush);
  };

  const schedule = (): void => {
    if (timer !== null || immediate !== null) return;
    const wait = lastCommit + options.intervalMs - performance.now();
    if (wait <= 0 || options.idle()) flushSoon();
    else timer = setTimeout(flush, wait);
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queued.length >= options.maxBatch) flush();
        else schedule();
      });
    },
    nudge() {
      if (queued.length > 0) flushSoon();
    },
  };
}
