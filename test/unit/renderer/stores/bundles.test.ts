import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';

import type { BundleReport } from '../../../../shared/bundles';
import { AppError } from '../../../../shared/errors';
import { createAuditorApiPlugin } from '../../../../renderer/src/api/auditor';
import {
  formatBytes,
  formatDuration,
  HISTORY_LIMIT,
  useBundlesStore,
} from '../../../../renderer/src/stores/bundles';
import { shellQuote } from '../../../../shared/shellQuote';
import { createTestApi, deferred, sampleReport, type TestApi } from '../helpers';

let testApi: TestApi;

beforeEach(() => {
  testApi = createTestApi();
  const pinia = createPinia();
  createApp({}).use(pinia).use(createAuditorApiPlugin(testApi.api));
  setActivePinia(pinia);
});

describe('useBundlesStore', () => {
  it('verifies, follows progress of its own path only, and unsubscribes after', async () => {
    const answer = deferred<BundleReport>();
    testApi.handlers.verify = () => answer.promise;
    const store = useBundlesStore();
    const running = store.verify({ path: ' /tmp/a.tar.gz ', lenient: false });

    expect(store.running).toBe(true);
    expect(store.request).toEqual({ path: '/tmp/a.tar.gz' });
    expect(testApi.verifyRequests).toEqual([{ path: '/tmp/a.tar.gz' }]);
    expect(testApi.progressListenerCount()).toBe(1);

    testApi.emitProgress({
      path: '/tmp/other.tar.gz',
      phase: 'read',
      done: 1,
      total: 2,
      current: null,
    });
    expect(store.progress).toBeNull();
    const mine = {
      path: '/tmp/a.tar.gz',
      phase: 'validate',
      done: 3,
      total: 9,
      current: 'rules/ow-x.json',
    } as const;
    testApi.emitProgress(mine);
    expect(store.progress).toEqual(mine);

    answer.resolve(sampleReport({ verdict: 'verified' }));
    await running;
    expect(store.running).toBe(false);
    expect(store.progress).toBeNull();
    expect(store.report?.verdict).toBe('verified');
    expect(store.error).toBeNull();
    expect(testApi.progressListenerCount()).toBe(0);
  });

  it('passes lenient only when asked, and ignores an empty path', async () => {
    const store = useBundlesStore();
    await store.verify({ path: '   ' });
    expect(testApi.calls).toEqual([]);
    await store.verify({ path: '/b.tar.gz', lenient: true });
    expect(testApi.verifyRequests).toEqual([{ path: '/b.tar.gz', lenient: true }]);
  });

  it('keeps the error as an AppError, records it, and retries the same request', async () => {
    testApi.handlers.verify = () =>
      Promise.reject(new AppError('BUNDLE_FILE_UNREADABLE', 'No such file: /missing.tar.gz'));
    const store = useBundlesStore();
    await store.verify({ path: '/missing.tar.gz' });
    expect(store.error).toBeInstanceOf(AppError);
    expect(store.error).toMatchObject({ code: 'BUNDLE_FILE_UNREADABLE' });
    expect(store.report).toBeNull();
    expect(store.running).toBe(false);
    expect(store.history[0]).toMatchObject({
      path: '/missing.tar.gz',
      verdict: null,
      errorCode: 'BUNDLE_FILE_UNREADABLE',
    });
    expect(testApi.progressListenerCount()).toBe(0);

    testApi.handlers.verify = async () => sampleReport();
    await store.retry();
    expect(store.error).toBeNull();
    expect(store.report?.verdict).toBe('valid-unsigned');
    expect(testApi.verifyRequests).toEqual([
      { path: '/missing.tar.gz' },
      { path: '/missing.tar.gz' },
    ]);
  });

  it('turns a bare Error (context bridge) into an AppError', async () => {
    testApi.handlers.verify = () => Promise.reject(new Error('Error invoking remote method'));
    const store = useBundlesStore();
    await store.verify({ path: '/x.tar.gz' });
    expect(store.error).toBeInstanceOf(AppError);
    expect(store.error?.message).toBe('Error invoking remote method');
  });

  it('keeps a short history of the session, newest first', async () => {
    const store = useBundlesStore();
    const verdicts = ['verified', 'invalid', 'untrusted'] as const;
    for (const [index, verdict] of verdicts.entries()) {
      testApi.handlers.verify = async () => sampleReport({ verdict });
      await store.verify({ path: `/b${index}.tar.gz`, lenient: index === 1 });
    }
    expect(store.history.map((record) => [record.path, record.verdict, record.lenient])).toEqual([
      ['/b2.tar.gz', 'untrusted', false],
      ['/b1.tar.gz', 'invalid', true],
      ['/b0.tar.gz', 'verified', false],
    ]);
    expect(Number.isNaN(Date.parse(store.history[0]!.finishedAt))).toBe(false);

    for (let index = 0; index < HISTORY_LIMIT + 3; index++)
      await store.verify({ path: `/n${index}` });
    expect(store.history).toHaveLength(HISTORY_LIMIT);
    expect(store.history[0]!.path).toBe(`/n${HISTORY_LIMIT + 2}`);
  });

  it('a late answer of an earlier verification does not overwrite the current one', async () => {
    const first = deferred<BundleReport>();
    const second = deferred<BundleReport>();
    const answers = [first, second];
    testApi.handlers.verify = () => answers.shift()!.promise;
    const store = useBundlesStore();
    const one = store.verify({ path: '/one' });
    const two = store.verify({ path: '/two' });
    second.resolve(sampleReport({ verdict: 'verified' }));
    await two;
    first.resolve(sampleReport({ verdict: 'invalid' }));
    await one;
    expect(store.report?.verdict).toBe('verified');
    expect(store.request).toEqual({ path: '/two' });
    expect(store.running).toBe(false);
  });
});

describe('bundle formatting helpers', () => {
  it('formats sizes, durations and shell paths', () => {
    expect(formatBytes(912, 'en')).toBe('912 bytes');
    expect(formatBytes(14_540, 'en')).toBe('14.2 KB');
    expect(formatBytes(3 * 1024 * 1024, 'en')).toBe('3 MB');
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(3_420)).toBe('3.4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(shellQuote('/tmp/a.tar.gz')).toBe('/tmp/a.tar.gz');
    expect(shellQuote("/tmp/it's here.tar.gz")).toBe("'/tmp/it'\\''s here.tar.gz'");
  });
});
