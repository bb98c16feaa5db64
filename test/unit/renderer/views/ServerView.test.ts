import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import { AppError } from '../../../../shared/errors';
import ServerView from '../../../../renderer/src/views/ServerView.vue';
import { createTestApi, deferred, mountWithApp, sampleStatus, settle } from '../helpers';
import type { ServerStatus } from '../../../../shared/api';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

async function mountServer(testApi = createTestApi()) {
  const mounted = await mountWithApp(ServerView, testApi, { path: '/server' });
  wrapper = mounted.wrapper;
  return { wrapper: mounted.wrapper, testApi };
}

describe('ServerView', () => {
  it('shows a loading state, then the status', async () => {
    const testApi = createTestApi();
    const answer = deferred<ServerStatus>();
    testApi.handlers.status = () => answer.promise;
    const { wrapper } = await mountServer(testApi);
    expect(wrapper.find('h1').text()).toBe('Server');
    expect(wrapper.find('[role="status"]').text()).toContain('Loading the server status');

    answer.resolve(sampleStatus());
    await settle();
    const text = wrapper.text();
    expect(text).toContain('Listening');
    expect(text).toContain('https://127.0.0.1:8443/ctp/');
    expect(text).toContain('Self-signed certificate');
    expect(wrapper.findAll('.fingerprint__row').map((row) => row.text())).toEqual([
      'AB:CD:EF:01:23:45:67:89',
      'AB:CD:EF:01:23:45:67:89',
      'AB:CD:EF:01:23:45:67:89',
      'AB:CD:EF:01:23:45:67:89',
    ]);
    const stats = wrapper.findAll('.stat').map((card) => card.text());
    expect(stats).toEqual([
      'Service views2',
      'Assets5',
      'Measurements12',
      'Triggers3',
      'Accounts4',
    ]);
    expect(wrapper.find('button[aria-label="Copy CtpBase URL"]').exists()).toBe(true);
    expect(wrapper.find('button[aria-label="Copy fingerprint"]').exists()).toBe(true);
    expect(text).not.toContain('Nothing published yet');
  });

  it('shows the error with its message and retries', async () => {
    const testApi = createTestApi();
    testApi.handlers.status = () =>
      Promise.reject(new AppError('APP_INTERNAL', 'Could not reach the Trust Auditor server.'));
    const { wrapper } = await mountServer(testApi);
    await settle();
    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('Could not load the server status');
    expect(alert.text()).toContain('Could not reach the Trust Auditor server.');
    expect(alert.text()).toContain('APP_INTERNAL');

    testApi.handlers.status = async () => sampleStatus();
    const retry = wrapper.findAll('button').find((button) => button.text().includes('Retry'));
    await retry!.trigger('click');
    await settle();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('https://127.0.0.1:8443/ctp/');
    expect(testApi.calls.filter((call) => call === 'server.status')).toHaveLength(2);
  });

  it('guides the first import when nothing is published', async () => {
    const testApi = createTestApi();
    testApi.handlers.status = async () =>
      sampleStatus({
        counts: { serviceViews: 0, assets: 0, measurements: 0, triggers: 0, accounts: 0 },
      });
    const { wrapper } = await mountServer(testApi);
    await settle();
    expect(wrapper.text()).toContain('Nothing published yet');
    expect(wrapper.text()).toContain('trust-auditor server import PROVIDER.json');
    expect(wrapper.text()).toContain('trust-auditor serve --demo');
  });

  it('says how to start the server when it is not listening, and hides TLS details', async () => {
    const testApi = createTestApi();
    testApi.handlers.status = async () =>
      sampleStatus({
        listening: false,
        ctpBase: null,
        startedAt: null,
        tls: { mode: 'off', fingerprint256: null },
      });
    const { wrapper } = await mountServer(testApi);
    await settle();
    expect(wrapper.text()).toContain('Not listening');
    expect(wrapper.text()).toContain('The server is not running');
    expect(wrapper.text()).toContain('trust-auditor serve');
    expect(wrapper.find('.fingerprint').exists()).toBe(false);
  });

  it('updates live from the status event, and unsubscribes when it leaves', async () => {
    const { wrapper, testApi } = await mountServer();
    await settle();
    // The status, and the notifier's outbox (a terminal's `server outbox retry`).
    expect(testApi.statusListenerCount()).toBe(2);
    testApi.emitStatus(
      sampleStatus({
        counts: { serviceViews: 7, assets: 1, measurements: 1, triggers: 0, accounts: 1 },
      }),
    );
    await settle();
    expect(wrapper.findAll('.stat')[0]!.text()).toBe('Service views7');
    expect(wrapper.text()).toContain('Updated live just now');
    wrapper.unmount();
    expect(testApi.statusListenerCount()).toBe(0);
  });

  it('shows plain HTTP with a warning and without a fingerprint', async () => {
    const testApi = createTestApi();
    testApi.handlers.status = async () =>
      sampleStatus({
        ctpBase: 'http://127.0.0.1:8443/ctp/',
        tls: { mode: 'off', fingerprint256: null },
      });
    const { wrapper } = await mountServer(testApi);
    await settle();
    expect(wrapper.text()).toContain('Off: plain HTTP');
    expect(wrapper.find('.field__tls--off').exists()).toBe(true);
    expect(wrapper.text()).not.toContain('Certificate SHA-256');
  });
});
