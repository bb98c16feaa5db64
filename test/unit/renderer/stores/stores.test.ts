import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';

import { AppError } from '../../../../shared/errors';
import { createAuditorApiPlugin } from '../../../../renderer/src/api/auditor';
import { useAppStore } from '../../../../renderer/src/stores/app';
import { useServerStore } from '../../../../renderer/src/stores/server';
import { useSessionStore } from '../../../../renderer/src/stores/session';
import { createTestApi, deferred, sampleInfo, sampleStatus, type TestApi } from '../helpers';

let testApi: TestApi;

beforeEach(() => {
  testApi = createTestApi();
  const pinia = createPinia();
  // Stores reach the API through the app's provide, as in the real app.
  createApp({}).use(pinia).use(createAuditorApiPlugin(testApi.api));
  setActivePinia(pinia);
});

describe('useAppStore', () => {
  it('loads the application information', async () => {
    const store = useAppStore();
    const loading = store.load();
    expect(store.loading).toBe(true);
    await loading;
    expect(store.loading).toBe(false);
    expect(store.info).toEqual(sampleInfo());
    expect(store.error).toBeNull();
  });

  it('shares one request between concurrent loads, and loads once with ensureLoaded', async () => {
    const store = useAppStore();
    await Promise.all([store.load(), store.load(), store.ensureLoaded()]);
    await store.ensureLoaded();
    expect(testApi.calls).toEqual(['app.info']);
  });

  it('keeps the error as an AppError, and clears it on a successful retry', async () => {
    testApi.handlers.info = () => Promise.reject(new AppError('APP_DISPOSED', 'Shutting down.'));
    const store = useAppStore();
    await store.load();
    expect(store.error).toMatchObject({ code: 'APP_DISPOSED', message: 'Shutting down.' });
    testApi.handlers.info = async () => sampleInfo();
    await store.load();
    expect(store.error).toBeNull();
    expect(store.info?.name).toBe('Trust Auditor');
  });

  it('turns an error that lost its class (Electron context bridge) into an AppError', async () => {
    testApi.handlers.info = () => Promise.reject(new Error('Error invoking remote method'));
    const store = useAppStore();
    await store.load();
    expect(store.error).toBeInstanceOf(AppError);
    expect(store.error?.message).toBe('Error invoking remote method');
  });
});

describe('useServerStore', () => {
  it('loads the status and tells whether anything is published', async () => {
    const store = useServerStore();
    await store.load();
    expect(store.status).toEqual(sampleStatus());
    expect(store.hasPublishedData).toBe(true);
    testApi.handlers.status = async () =>
      sampleStatus({
        counts: { serviceViews: 0, assets: 0, measurements: 0, triggers: 0, accounts: 0 },
      });
    await store.load();
    expect(store.hasPublishedData).toBe(false);
  });

  it('follows live updates while followed, with one subscription for all followers', async () => {
    const store = useServerStore();
    const stopA = store.follow();
    const stopB = store.follow();
    expect(testApi.statusListenerCount()).toBe(1);
    const stopped = sampleStatus({ listening: false, ctpBase: null });
    testApi.emitStatus(stopped);
    expect(store.status).toEqual(stopped);
    expect(store.liveUpdatedAt).toBeInstanceOf(Date);
    stopA();
    stopA();
    expect(testApi.statusListenerCount()).toBe(1);
    stopB();
    expect(testApi.statusListenerCount()).toBe(0);
  });

  it('never lets a slow answer overwrite a newer live update', async () => {
    const answer = deferred<ReturnType<typeof sampleStatus>>();
    testApi.handlers.status = () => answer.promise;
    const store = useServerStore();
    store.follow();
    const loading = store.load();
    const pushed = sampleStatus({ counts: { ...sampleStatus().counts, assets: 99 } });
    testApi.emitStatus(pushed);
    answer.resolve(sampleStatus());
    await loading;
    expect(store.status?.counts.assets).toBe(99);
    expect(store.loading).toBe(false);
  });

  it('clears an error when a live update arrives', async () => {
    testApi.handlers.status = () =>
      Promise.reject(new AppError('APP_INTERNAL', 'Could not reach the server.'));
    const store = useServerStore();
    store.follow();
    await store.load();
    expect(store.error?.message).toBe('Could not reach the server.');
    testApi.emitStatus(sampleStatus());
    expect(store.error).toBeNull();
    expect(store.status).toEqual(sampleStatus());
  });
});

describe('useSessionStore', () => {
  it('records the transport and a refused token', () => {
    const store = useSessionStore();
    expect(store.unauthorized).toBe(false);
    store.setTransport('http');
    store.markUnauthorized();
    expect(store.transport).toBe('http');
    expect(store.unauthorized).toBe(true);
  });
});
