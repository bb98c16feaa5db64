import { describe, expect, it } from 'vitest';

import { throttleLatest } from '../../../../electron/core/throttle';

describe('throttleLatest', () => {
  it('passes the first value, then at most one per interval, and the last on flush', () => {
    let time = 0;
    const seen: number[] = [];
    const throttle = throttleLatest(
      (value: number) => seen.push(value),
      100,
      () => time,
    );
    for (let value = 1; value <= 10; value += 1) {
      throttle.push(value);
      time += 30;
    }
    throttle.flush();
    throttle.flush();
    expect(seen).toEqual([1, 5, 9, 10]);
  });

  it('has nothing to flush when the last value went out', () => {
    const seen: string[] = [];
    const throttle = throttleLatest(
      (value: string) => seen.push(value),
      100,
      () => 0,
    );
    throttle.push('only');
    throttle.flush();
    expect(seen).toEqual(['only']);
  });
});
