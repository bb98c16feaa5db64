import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { watchServerStatus } from '../../../../../electron/core/http/statusWatcher';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const state = { version: 'v1', listeners: 1, reads: 0, failing: false };
  const emitted: string[] = [];
  const errors: unknown[] = [];
  const watcher = watchServerStatus({
    dataVersion: () => {
      state.reads++;
      if (state.failing) throw new Error('database closed');
      return state.version;
    },
    listeners: () => state.listeners,
    emitStatus: () => emitted.push(state.version),
    onError: (error) => errors.push(error),
  });
  return { state, emitted, errors, watcher };
}

describe('watchServerStatus', () => {
  it('sends the status once when someone starts listening, then only when the data moved', () => {
    const { state, emitted, watcher } = setup();
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1']);
    vi.advanceTimersByTime(5000);
    expect(emitted).toEqual(['v1']);
    state.version = 'v2';
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1', 'v2']);
    watcher.dispose();
  });

  it('reads nothing while nobody listens, and sends the status again to the next listener', () => {
    const { state, emitted, watcher } = setup();
    vi.advanceTimersByTime(1000);
    state.listeners = 0;
    const reads = state.reads;
    state.version = 'v2';
    vi.advanceTimersByTime(10_000);
    expect(state.reads).toBe(reads);
    expect(emitted).toEqual(['v1']);
    state.listeners = 1;
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1', 'v2']);
    watcher.dispose();
  });

  it('sends the status to a new listener while another listens all along', () => {
    const { state, emitted, watcher } = setup();
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1']);
    state.listeners = 2;
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1', 'v1']);
    state.listeners = 1;
    vi.advanceTimersByTime(5000);
    expect(emitted).toEqual(['v1', 'v1']);
    watcher.dispose();
  });

  it('reports a failed look and keeps going; stops on dispose', () => {
    const { state, emitted, errors, watcher } = setup();
    state.failing = true;
    vi.advanceTimersByTime(2000);
    expect(errors).toHaveLength(2);
    state.failing = false;
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v1']);
    expect(vi.getTimerCount()).toBe(1);
    watcher.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
