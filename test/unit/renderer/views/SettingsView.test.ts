import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { ListenerStatus } from '../../../../shared/alerts';
import type { AccountRequest } from '../../../../shared/alertsApi';
import { AppError } from '../../../../shared/errors';
import SettingsView from '../../../../renderer/src/views/SettingsView.vue';
import { theme } from '../../../../renderer/src/theme';
import { createTestApi, mountWithApp, sampleInfo, settle, type TestApi } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  window.localStorage.clear();
});

async function mountSettings(info = sampleInfo(), testApi = createTestApi()) {
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
    for (const text of ['Manage the authorities', 'Open the trust store']) {
      expect(view.findAll('a').some((link) => link.text() === text)).toBe(true);
    }
  });
});

const NO_ACCOUNT: ListenerStatus = {
  account: null,
  state: 'not-configured',
  lastError: null,
  archive: false,
  caughtUpAt: null,
};

/** An alerts account double: setAccount and removeAccount change what listenerStatus says. */
function accountApi(initial: ListenerStatus = NO_ACCOUNT) {
  const testApi = createTestApi();
  let status = initial;
  testApi.alerts.handlers.listenerStatus = async () => status;
  testApi.alerts.handlers.setAccount = async (request: AccountRequest) => {
    status = {
      ...status,
      account: { jid: request.jid, service: request.service ?? null, customCa: false },
      state: 'connecting',
    };
    return status;
  };
  testApi.alerts.handlers.removeAccount = async () => (status = NO_ACCOUNT);
  return testApi;
}

async function fillAccount(view: VueWrapper, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    await view.get(`[data-testid="alerts-account"] [name="${name}"]`).setValue(value);
  }
  await view.get('[data-testid="alerts-account"] form').trigger('submit');
  await settle();
}

const setCalls = (testApi: TestApi) =>
  testApi.alerts.calls.filter((call) => call.name === 'setAccount').map((call) => call.argument);

describe('SettingsView: the alerts account in place', () => {
  it('sets the account from the form when there is none, then shows it with its state', async () => {
    const testApi = accountApi();
    const view = await mountSettings(sampleInfo(), testApi);
    const section = () => view.get('[data-testid="alerts-account"]');
    expect(section().text()).toContain('No account yet');
    // Save waits for a JID and a password.
    expect(section().get('button[type="submit"]').attributes('disabled')).toBeDefined();
    await fillAccount(view, {
      jid: ' me@xmpp.example ',
      password: 'secret',
      service: 'xmpps://xmpp.example:5223',
    });
    expect(setCalls(testApi)).toEqual([
      { jid: 'me@xmpp.example', password: 'secret', service: 'xmpps://xmpp.example:5223' },
    ]);
    expect(section().find('form').exists()).toBe(false);
    expect(section().get('[data-testid="alerts-jid"]').text()).toBe('me@xmpp.example');
    expect(section().text()).toContain('Connecting as me@xmpp.example');
    expect(section().text()).toContain('xmpps://xmpp.example:5223');
    // The listener's state follows live.
    testApi.alerts.emit('onDidChangeListener', {
      ...NO_ACCOUNT,
      account: { jid: 'me@xmpp.example', service: null, customCa: false },
      state: 'failed',
      lastError: 'not-authorized: wrong password',
    });
    await settle();
    expect(section().text()).toContain('Cannot log in as me@xmpp.example');
    expect(section().get('[role="status"]').text()).toBe('not-authorized: wrong password');
  });

  it('says where the password is kept: the keychain in the desktop app, the data folder headless', async () => {
    const headless = await mountSettings(sampleInfo({ mode: 'headless' }), accountApi());
    expect(headless.get('[data-testid="alerts-account"]').text()).toContain(
      'The password is kept in secrets.json in the data folder, readable by you only.',
    );
    headless.unmount();
    const desktop = await mountSettings(sampleInfo({ mode: 'desktop' }), accountApi());
    expect(desktop.get('[data-testid="alerts-account"]').text()).toContain(
      'The password is kept in the system keychain, never in the workspace.',
    );
  });

  it('names a bad JID or server next to its field, with the rule core applies, and sends nothing', async () => {
    const testApi = accountApi();
    const view = await mountSettings(sampleInfo(), testApi);
    await fillAccount(view, { jid: 'me@xmpp.example/laptop', password: 'p', service: 'http://x' });
    const jid = view.get('[name="jid"]');
    expect(jid.attributes('aria-invalid')).toBe('true');
    const jidProblem = view.get(`#${jid.attributes('aria-describedby')}`).text();
    expect(jidProblem).toBe('Give the account\'s bare JID (me@xmpp.example), without "/resource".');
    const service = view.get('[name="service"]');
    expect(view.get(`#${service.attributes('aria-describedby')}`).text()).toContain(
      'The server must start with xmpp:// (STARTTLS) or xmpps:// (direct TLS)',
    );
    expect(setCalls(testApi)).toEqual([]);
    // Fixed, it goes.
    await fillAccount(view, { jid: 'me@xmpp.example', service: '' });
    expect(setCalls(testApi)).toEqual([{ jid: 'me@xmpp.example', password: 'p' }]);
  });

  it('shows what core refused, and keeps the form', async () => {
    const testApi = accountApi();
    testApi.alerts.handlers.setAccount = async () => {
      throw new AppError('ALERTS_ACCOUNT_INVALID', 'The CA certificate is not PEM.');
    };
    const view = await mountSettings(sampleInfo(), testApi);
    await fillAccount(view, { jid: 'me@xmpp.example', password: 'p', caPem: 'junk' });
    const section = view.get('[data-testid="alerts-account"]');
    expect(section.text()).toContain('Could not set the account');
    expect(section.get('[role="alert"]').text()).toContain('The CA certificate is not PEM.');
    expect(section.get('[role="alert"]').text()).toContain('ALERTS_ACCOUNT_INVALID');
    expect(section.find('form').exists()).toBe(true);
  });

  it('changes the account with its JID and server filled in, or cancels', async () => {
    const testApi = accountApi({
      ...NO_ACCOUNT,
      account: { jid: 'old@xmpp.example', service: 'xmpp://xmpp.example:5222', customCa: true },
      state: 'online',
    });
    const view = await mountSettings(sampleInfo(), testApi);
    const section = () => view.get('[data-testid="alerts-account"]');
    expect(section().text()).toContain('Listening as old@xmpp.example');
    expect(section().text()).toContain('with its own CA certificate');
    const button = (text: string) =>
      section()
        .findAll('button')
        .find((b) => b.text() === text)!;
    await button('Change the account').trigger('click');
    expect((section().get('[name="jid"]').element as HTMLInputElement).value).toBe(
      'old@xmpp.example',
    );
    expect((section().get('[name="service"]').element as HTMLInputElement).value).toBe(
      'xmpp://xmpp.example:5222',
    );
    expect((section().get('[name="password"]').element as HTMLInputElement).value).toBe('');
    await button('Cancel').trigger('click');
    expect(section().find('form').exists()).toBe(false);
    await button('Change the account').trigger('click');
    await fillAccount(view, { jid: 'new@xmpp.example', password: 'p2' });
    expect(setCalls(testApi)).toEqual([
      { jid: 'new@xmpp.example', password: 'p2', service: 'xmpp://xmpp.example:5222' },
    ]);
    expect(section().get('[data-testid="alerts-jid"]').text()).toBe('new@xmpp.example');
  });

  it('removes the account after a confirmation, and offers the form again', async () => {
    const testApi = accountApi({
      ...NO_ACCOUNT,
      account: { jid: 'me@xmpp.example', service: null, customCa: false },
      state: 'online',
    });
    const view = await mountSettings(sampleInfo(), testApi);
    const section = () => view.get('[data-testid="alerts-account"]');
    const button = (text: string) =>
      section()
        .findAll('button')
        .find((b) => b.text() === text)!;
    await button('Remove…').trigger('click');
    await button('Keep it').trigger('click');
    expect(testApi.alerts.calls.some((call) => call.name === 'removeAccount')).toBe(false);
    await button('Remove…').trigger('click');
    expect(section().text()).toContain('The alerts received stay');
    await button('Remove the account').trigger('click');
    await settle();
    expect(testApi.alerts.calls.filter((call) => call.name === 'removeAccount')).toHaveLength(1);
    expect(section().text()).toContain('No account yet');
    expect(section().find('form').exists()).toBe(true);
  });
});
