/**
 * Passes on at most one value per interval (the latest), and always the last one when
 * `flush` is called, so that a UI sees steady progress without thousands of events.
 */
export function throttleLatest<T>(
  emit: (value: T) => void,
  intervalMs: number,
  now: () => number = () => Date.now(),
): { push(value: T): void; flush(): void } {
  let last = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | null = null;
  return {
    push(value) {
      const time = now();
      if (time - last >= intervalMs) {
        last = time;
        pending = null;
        emit(value);
      } else {
        pending = { value };
      }
    },
    flush() {
      if (pending !== null) emit(pending.value);
      pending = null;
    },
  };
}

/** Progress events are passed on at most this often (the last one always). */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Runs long work whose progress becomes events: at most one per PROGRESS_INTERVAL_MS, and
 * the last one always (even when the work fails), so the UI ends on the final state.
 */
export async function withThrottledProgress<P, R>(
  emit: (progress: P) => void,
  run: (onProgress: (progress: P) => void) => Promise<R>,
): Promise<R> {
  const progress = throttleLatest(emit, PROGRESS_INTERVAL_MS);
  try {
    return await run((value) => progress.push(value));
  } finally {
    progress.flush();
  }
}
