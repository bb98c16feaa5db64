import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { AppInfo } from '../../../../shared/api';
import { AppError } from '../../../../shared/errors';
import AboutView from '../../../../renderer/src/views/AboutView.vue';
import { createTestApi, deferred, mountWithApp, sampleInfo, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

describe('AboutView', () => {
  it('shows a loading state, then name, version, mode, data folder and versions', async () => {
    const testApi = createTestApi();
    const answer = deferred<AppInfo>();
    testApi.handlers.info = () => answer.promise;
    ({ wrapper } = await mountWithApp(AboutView, testApi, { path: '/about' }));
    expect(wrapper.find('[role="status"]').text()).toContain('Loading application details');
    answer.resolve(sampleInfo());
    await settle();
    const text = wrapper.text();
    expect(wrapper.find('h1').text()).toBe('About');
    expect(text).toContain('Version 0.1.0');
    expect(text).toContain('Headless');
    expect(text).toContain('/home/auditor/.config/trust-auditor');
    expect(text).toContain('Node.js');
    expect(text).toContain('20.19.0');
    expect(text).toContain('3.50.2');
    expect(text).not.toContain('Electron');
    expect(text).not.toContain('Chrome');
  });

  it('lists Electron and Chrome in the desktop app', async () => {
    const testApi = createTestApi();
    testApi.handlers.info = async () =>
      sampleInfo({
        mode: 'desktop',
        versions: {
          node: '22.1.0',
          v8: '13.0',
          sqlite: '3.50.2',
          electron: '38.8.6',
          chrome: '140.0.7339.0',
        },
      });
    ({ wrapper } = await mountWithApp(AboutView, testApi, { path: '/about' }));
    await settle();
    expect(wrapper.text()).toContain('Desktop');
    expect(wrapper.text()).toContain('38.8.6');
    expect(wrapper.text()).toContain('140.0.7339.0');
  });

  it('shows the error and retries', async () => {
    const testApi = createTestApi();
    testApi.handlers.info = () =>
      Promise.reject(new AppError('APP_DISPOSED', 'The app is closing.'));
    ({ wrapper } = await mountWithApp(AboutView, testApi, { path: '/about' }));
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toContain('The app is closing.');
    testApi.handlers.info = async () => sampleInfo();
    await wrapper.find('[role="alert"] button').trigger('click');
    await settle();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('Version 0.1.0');
  });
});
