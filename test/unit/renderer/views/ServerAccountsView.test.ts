import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type {
  AccountDetail,
  ConsoleTrigger,
  PublishedTree,
} from '../../../../shared/serverConsole';
import ServerAccountsView from '../../../../renderer/src/views/ServerAccountsView.vue';
import { createTestApi, mountWithApp, settle, type TestApi } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const TREE: PublishedTree = {
  server: { name: 'Example Cloud', annotation: '', provider: 'example.com' },
  nodes: [
    { kind: 'serviceView', id: 'sv1', name: 'main', depth: 0 },
    { kind: 'serviceView', id: 'sv2', name: 'other', depth: 0 },
  ],
  metrics: [],
};
const ACME: AccountDetail = {
  name: 'acme',
  serviceViews: ['sv1'],
  tokens: [
    {
      id: 3,
      createdAt: '2026-01-01T00:00:00Z',
      revokedAt: null,
      lastUsedAt: '2026-01-02T08:00:00Z',
    },
    {
      id: 1,
      createdAt: '2025-12-01T00:00:00Z',
      revokedAt: '2025-12-31T00:00:00Z',
      lastUsedAt: null,
    },
  ],
  triggers: 1,
};
const STUCK: ConsoleTrigger = {
  id: 't1',
  name: 'below SLA',
  serviceViewId: 'sv1',
  serviceViewName: 'main',
  measurementId: 'm1',
  measurementName: 'availability',
  condition: 'value[0].missing.deeper > 1',
  notification: '',
  guardTime: 0,
  tags: [],
  status: 'error',
  statusUpdateTime: '2026-01-01T00:00:00Z',
  accounts: ['acme'],
};

async function mountAccounts(setup: (testApi: TestApi) => void = () => {}) {
  const testApi = createTestApi();
  let accounts = [ACME];
  let triggers = [STUCK];
  testApi.server.handlers.accounts = async () => accounts;
  testApi.server.handlers.tree = async () => TREE;
  testApi.server.handlers.triggers = async () => triggers;
  setup(testApi);
  wrapper = (await mountWithApp(ServerAccountsView, testApi, { path: '/server/accounts' })).wrapper;
  await settle();
  return {
    wrapper,
    testApi,
    setAccounts: (next: AccountDetail[]) => (accounts = next),
    setTriggers: (next: ConsoleTrigger[]) => (triggers = next),
  };
}

function button(view: VueWrapper, text: string) {
  return view.findAll('button').find((item) => item.text().includes(text))!;
}

describe('ServerAccountsView', () => {
  it('lists accounts with their tokens: last use, revoked ones, and the triggers', async () => {
    const { wrapper } = await mountAccounts();
    const account = wrapper.find('[data-testid="account"]');
    expect(account.text()).toContain('Sees sv1 · 1 trigger');
    const tokens = wrapper.findAll('[data-testid="token"]');
    expect(tokens[0]!.text()).toContain('Active');
    expect(tokens[0]!.text()).not.toContain('Never');
    expect(tokens[1]!.text()).toContain('Never');
    expect(tokens[1]!.text()).toContain('Revoked');
    expect(tokens[1]!.findAll('button')).toHaveLength(0);
    expect(wrapper.find('[data-testid="console-trigger"]').text()).toContain('error');
  });

  it('creates an account with its views and shows the token once', async () => {
    const { wrapper, testApi, setAccounts } = await mountAccounts();
    testApi.server.handlers.createToken = async () => {
      setAccounts([ACME, { ...ACME, name: 'initech', serviceViews: ['sv2'], triggers: 0 }]);
      return { account: 'initech', token: 'tok-0123456789abcdef' };
    };
    const submit = button(wrapper, 'Create account and token');
    expect(submit.attributes('disabled')).toBeDefined();
    await wrapper.find('input[name="account"]').setValue('acme');
    expect(wrapper.text()).toContain('This account exists already.');
    await wrapper.find('input[name="account"]').setValue('initech');
    await wrapper.find('input[value="sv2"]').setValue(true);
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(testApi.server.calls.find((call) => call.name === 'createToken')?.argument).toEqual({
      account: 'initech',
      serviceViews: ['sv2'],
    });
    expect(wrapper.find('[data-testid="issued-token"]').text()).toContain('tok-0123456789abcdef');
    await button(wrapper, 'I copied it').trigger('click');
    expect(wrapper.find('[data-testid="issued-token"]').exists()).toBe(false);
  });

  it('revokes one token after a confirmation, and resets a trigger stuck in error', async () => {
    const { wrapper, testApi, setTriggers } = await mountAccounts();
    testApi.server.handlers.revokeTokens = async () => ({ revoked: 1 });
    testApi.server.handlers.resetTrigger = async () => {
      setTriggers([{ ...STUCK, status: 'false' }]);
      return { ...STUCK, status: 'false' };
    };
    await button(wrapper, 'Revoke').trigger('click');
    expect(testApi.server.calls.some((call) => call.name === 'revokeTokens')).toBe(false);
    await button(wrapper, 'Revoke it?').trigger('click');
    await settle();
    expect(testApi.server.calls.find((call) => call.name === 'revokeTokens')?.argument).toEqual({
      account: 'acme',
      tokenId: 3,
    });
    await button(wrapper, 'Reset').trigger('click');
    await settle();
    expect(testApi.server.calls.find((call) => call.name === 'resetTrigger')?.argument).toEqual({
      id: 't1',
    });
    expect(wrapper.find('[data-testid="console-trigger"]').text()).toContain('false');
  });
});
