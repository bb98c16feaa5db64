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
