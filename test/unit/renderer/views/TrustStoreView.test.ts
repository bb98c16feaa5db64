import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';

import type { TrustStoreListing } from '../../../../shared/api';
import { AppError } from '../../../../shared/errors';
import TrustStoreView from '../../../../renderer/src/views/TrustStoreView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const KEY = {
  keyId: '59bdf1418fd6d986',
  fingerprint: 'ab'.repeat(32),
  bits: 4096,
  name: 'ComplianceAsCode',
  file: 'ComplianceAsCode.pem',
  addedAt: '2026-01-02T10:00:00Z',
};

function listing(keys = [KEY]): TrustStoreListing {
  return { dir: '/data/trusted-keys', keys, problems: [] };
}

async function mountTrustStore(keys = [KEY]) {
  const testApi = createTestApi();
  let current = listing(keys);
  testApi.bundles.handlers.trustedKeys = async () => current;
  const mounted = await mountWithApp(TrustStoreView, testApi, { path: '/bundles/trust-store' });
  wrapper = mounted.wrapper;
  await settle();
  return {
    wrapper: mounted.wrapper,
    testApi,
    setKeys: (next: typeof keys) => (current = listing(next)),
  };
}

function button(view: VueWrapper, text: string) {
  return view.findAll('button').find((item) => item.text().includes(text))!;
}

describe('TrustStoreView', () => {
  it('lists the trusted keys with their key id, size and where they are kept', async () => {
    const { wrapper } = await mountTrustStore();
    const row = wrapper.find('[data-testid="trusted-key"]');
    expect(row.text()).toContain('ComplianceAsCode');
    expect(row.text()).toContain('59bdf1418fd6d986');
    expect(row.text()).toContain('RSA 4096');
    expect(wrapper.text()).toContain('/data/trusted-keys');
  });

  it('explains an empty trust store', async () => {
    const { wrapper } = await mountTrustStore([]);
    expect(wrapper.text()).toContain('No trusted keys yet');
  });

  it('reads a key first, and trusts it only once its key id was compared', async () => {
    const { wrapper, testApi, setKeys } = await mountTrustStore([]);
    testApi.bundles.handlers.inspectKey = async () => ({
      keyId: KEY.keyId,
      fingerprint: KEY.fingerprint,
      bits: 4096,
      trustedAs: null,
    });
    testApi.bundles.handlers.trustKey = async () => {
      setKeys([KEY]);
      return { ...KEY, added: true };
    };
    expect(button(wrapper, 'Read the key').attributes('disabled')).toBeDefined();
    await wrapper.find('input[type="text"]').setValue('/keys/publisher.pem');
    await wrapper.find('form.form').trigger('submit');
    await settle();
    expect(testApi.bundles.calls.at(-1)).toEqual({
      name: 'inspectKey',
      argument: { source: { path: '/keys/publisher.pem' } },
    });
    expect(wrapper.find('[data-testid="inspected-key"]').text()).toContain(KEY.keyId);
    const trust = button(wrapper, 'Trust this key');
    expect(trust.attributes('disabled')).toBeDefined();
    await wrapper.find('input[placeholder="The publisher\'s name"]').setValue(' Publisher ');
    await wrapper.findAll('input[type="checkbox"]').at(-1)!.setValue(true);
    await wrapper.find('form.form').trigger('submit');
    await settle();
    expect(testApi.bundles.calls.find((call) => call.name === 'trustKey')?.argument).toEqual({
      source: { path: '/keys/publisher.pem' },
      name: 'Publisher',
    });
    expect(wrapper.find('[data-testid="trusted-key"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="inspected-key"]').exists()).toBe(false);
  });

  it('shows why a key file is refused', async () => {
    const { wrapper, testApi } = await mountTrustStore([]);
    testApi.bundles.handlers.inspectKey = async () => {
      throw new AppError('BUNDLE_KEY_INVALID', 'The key is not an RSA public key in PEM.');
    };
    await wrapper.find('input[type="text"]').setValue('notes.txt');
    await wrapper.find('form.form').trigger('submit');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toContain('not an RSA public key');
    expect(wrapper.text()).toContain('BUNDLE_KEY_INVALID');
    // A relative path says where it is read from.
    expect(wrapper.text()).toContain('read from /home/auditor');
  });

  it('asks for confirmation before it stops trusting a key', async () => {
    const { wrapper, testApi, setKeys } = await mountTrustStore();
    testApi.bundles.handlers.untrustKey = async () => {
      setKeys([]);
      return KEY;
    };
    await button(wrapper, 'Remove').trigger('click');
    expect(testApi.bundles.calls.some((call) => call.name === 'untrustKey')).toBe(false);
    await button(wrapper, `Stop trusting ${KEY.keyId}?`).trigger('click');
    await settle();
    expect(testApi.bundles.calls.find((call) => call.name === 'untrustKey')?.argument).toEqual({
      keyId: KEY.keyId,
    });
    expect(wrapper.text()).toContain('No trusted keys yet');
  });
});
