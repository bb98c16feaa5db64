import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';

import type { SyncReport } from '../../../../shared/client';
import { AppError } from '../../../../shared/errors';
import { createAuditorApiPlugin } from '../../../../renderer/src/api/auditor';
import { useVendorSyncsStore } from '../../../../renderer/src/stores/vendorSyncs';
import { useVendorsStore } from '../../../../renderer/src/stores/vendors';
import { createTestApi, deferred, type TestApi } from '../helpers';
import { sampleOverview } from '../vendorsApi';

let testApi: TestApi;
beforeEach(() => {
  testApi = createTestApi();
  const pinia = createPinia();
  createApp({}).use(pinia).use(createAuditorApiPlugin(testApi.api));
  setActivePinia(pinia);
});

const done = (vendor: string): SyncReport => ({
  vendor,
  requests: 1,
  resources: 1,
  newResults: 0,
  skippedUnchanged: 0,
  newLogs: 0,
  errors: [],
  durationMs: 1,
  status: 'ok',
});

describe('useVendorsStore', () => {
  it('runs a load asked for during another once more after it, and follows changes while followed', async () => {
    const answers = [
      deferred<ReturnType<typeof sampleOverview>[]>(),
      deferred<ReturnType<typeof sampleOverview>[]>(),
    ];
    let call = 0;
    testApi.vendors.handlers.list = () => answers[call++]!.promise;
    const store = useVendorsStore();
    const first = store.load();
    const second = store.load();
    answers[0]!.resolve([]);
    answers[1]!.resolve([sampleOverview()]);
    await Promise.all([first, second]);
    expect(call).toBe(2);
    expect(store.vendors).toHaveLength(1);

    testApi.vendors.handlers.list = async () => [];
    const stop = store.follow();
    const stopToo = store.follow();
    testApi.vendors.emitChange({ vendor: 'acme', reason: 'removed' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.vendors).toEqual([]);
    stop();
    expect(testApi.vendors.listenerCount()).toBe(1);
    stopToo();
    expect(testApi.vendors.listenerCount()).toBe(0);
  });
});

describe('useVendorSyncsStore', () => {
  it('routes progress to its vendor, keeps the report, and listens only while a sync runs', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<SyncReport>>>();
    testApi.vendors.handlers.sync = ({ name }) => {
      answers.set(name, deferred<SyncReport>());
      return answers.get(name)!.promise;
    };
    const store = useVendorSyncsStore();
    const a = store.sync('a');
    const b = store.sync('b');
    expect(await store.sync('a')).toBeNull(); // already running: not started twice
    testApi.vendors.emitProgress({ vendor: 'b', done: 1, total: 4, current: 'u' });
    expect(store.runs.b!.progress).toMatchObject({ done: 1 });
    expect(store.runs.a!.progress).toBeNull();
    answers.get('a')!.resolve(done('a'));
    answers.get('b')!.reject(new AppError('VENDOR_NOT_FOUND', 'gone'));
    await Promise.all([a, b]);
    expect(store.runs.a).toMatchObject({ running: false, report: { status: 'ok' } });
    expect(store.runs.b!.error!.code).toBe('VENDOR_NOT_FOUND');
    expect(testApi.vendors.listenerCount()).toBe(0);
    store.dismiss('a');
    expect(store.runs.a).toBeUndefined();
  });
});
