import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import SettingsView from '../../../../renderer/src/views/SettingsView.vue';
import { theme } from '../../../../renderer/src/theme';
import { createTestApi, mountWithApp, sampleInfo, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  window.localStorage.clear();
});

async function mountSettings(info = sampleInfo()) {
  const testApi = createTestApi();
  testApi.handlers.info = async () => info;
  testApi.bundles.handlers.trustedKeys = async () => ({ dir: '/d', keys: [], problems: [] });
  wrapper = (await mountWithApp(SettingsView, testApi, { path: '/settings' })).wrapper;
  await settle();
  return wrapper;
}

describe('SettingsView', () => {
  it('shows the data folder and where the command line looks for it', async () => {
    const view = await mountSettings(
      sampleInfo({ dataDir: '/srv/engagement', defaultDataDir: '/home/a/.config/trust-auditor' }),
    );
    expect(view.find('[data-testid="data-dir"]').text()).toBe('/srv/engagement');
    expect(view.text()).toContain('uses /home/a/.config/trust-auditor by default');
    expect(view.text()).toContain('trust-auditor vendor list --data-dir /srv/engagement');
    expect(view.text()).toContain('Started in');
  });

  it('says the command line finds this workspace by itself when it is the default', async () => {
    const view = await mountSettings();
    expect(view.text()).toContain('The command line uses this folder by default');
  });

  it('switches the theme at once and remembers it', async () => {
    const view = await mountSettings();
    await view.find('input[value="dark"]').setValue(true);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(theme.value).toEqual({ choice: 'dark', dark: true });
    expect(window.localStorage.getItem('trust-auditor.theme')).toBe('dark');
    await view.find('input[value="light"]').setValue(true);
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('links to where each account and key is managed', async () => {
    const view = await mountSettings();
    for (const text of [
      'Set it on the Alerts page',
      'Manage the authorities',
      'Open the trust store',
    ]) {
      expect(view.findAll('a').some((link) => link.text() === text)).toBe(true);
    }
  });
});
