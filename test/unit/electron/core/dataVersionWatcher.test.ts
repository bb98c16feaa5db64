import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { watchDataVersion } from '../../../../electron/core/dataVersionWatcher';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(options: { fireOnFirstLook?: boolean } = {}) {
  const state = { version: 'v1', listeners: 1, reads: 0, failing: false };
  const emitted: string[] = [];
  const errors: unknown[] = [];
  const watcher = watchDataVersion({
    dataVersion: () => {
      state.reads++;
      if (state.failing) throw new Error('database closed');
      return state.version;
    },
    listeners: () => state.listeners,
    onChange: () => emitted.push(state.version),
    onError: (error) => errors.push(error),
    ...options,
  });
  return { state, emitted, errors, watcher };
}

describe('watchDataVersion', () => {
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

  it('told not to, takes the first look as the baseline and fires on changes only', () => {
    const { state, emitted, watcher } = setup({ fireOnFirstLook: false });
    vi.advanceTimersByTime(3000);
    expect(emitted).toEqual([]);
    state.version = 'v2';
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v2']);
    // A new listener after nobody listened: a new baseline, no event.
    state.listeners = 0;
    vi.advanceTimersByTime(1000);
    state.version = 'v3';
    state.listeners = 1;
    vi.advanceTimersByTime(2000);
    expect(emitted).toEqual(['v2']);
    watcher.dispose();
  });

  it('does not fire for a change marked seen (made and announced by this process)', () => {
    const { state, emitted, watcher } = setup({ fireOnFirstLook: false });
    vi.advanceTimersByTime(1000);
    state.version = 'mine';
    watcher.markSeen();
    vi.advanceTimersByTime(2000);
    expect(emitted).toEqual([]);
    state.version = 'theirs';
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['theirs']);
    watcher.dispose();
  });

  it('takes a baseline when a listener reads before the first look, once', () => {
    const { state, emitted, watcher } = setup({ fireOnFirstLook: false });
    watcher.baseline();
    state.version = 'v2';
    // Another listener reading now must not hide v2 from the first one.
    watcher.baseline();
    vi.advanceTimersByTime(1000);
    expect(emitted).toEqual(['v2']);
    watcher.dispose();
  });
});
