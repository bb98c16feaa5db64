import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

import type { AuthorityEntry } from '../../../../shared/client';
import { AppError } from '../../../../shared/errors';
import VendorAuthoritiesView from '../../../../renderer/src/views/VendorAuthoritiesView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const key: AuthorityEntry = {
  id: 'monitor.example',
  kind: 'key',
  keyType: 'RSA 2048',
  fingerprint256: '01:'.repeat(31) + '01',
  subject: null,
  validTo: null,
};

describe('VendorAuthoritiesView', () => {
  it('lists, adds (after refusing a private key) and removes trusted keys', async () => {
    const testApi = createTestApi();
    let list: AuthorityEntry[] = [];
    testApi.vendors.handlers.authorities = async () => list;
    testApi.vendors.handlers.addAuthority = async (request) => {
      if (request.material.includes('PRIVATE')) {
        throw new AppError(
          'VENDOR_AUTHORITY_INVALID',
          'This is a private key: give the public key.',
        );
      }
      list = [key];
      return { authorities: list, rechecked: 372 };
    };
    testApi.vendors.handlers.removeAuthority = async () => {
      list = [];
      return { authorities: [], rechecked: 372 };
    };
    ({ wrapper } = await mountWithApp(VendorAuthoritiesView, testApi, { path: '/authorities' }));
    await settle();
    expect(wrapper.text()).toContain('No authority is trusted yet');
    await wrapper.find('input[type="text"]').setValue('monitor.example');
    await wrapper.find('textarea').setValue('-----BEGIN PRIVATE KEY-----');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toContain('private key');
    await wrapper
      .find('textarea')
      .setValue('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(
      testApi.vendors.calls.filter((call) => call.name === 'addAuthority').at(-1)!.argument,
    ).toEqual({
      kind: 'key',
      id: 'monitor.example',
      material: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
    });
    expect(wrapper.find('[role="status"]').text()).toContain('372 kept results verified again');
    expect(wrapper.find('.entry').text()).toContain('monitor.example');
    expect(wrapper.find('.entry').text()).toContain('RSA 2048');
    await wrapper.find('button[aria-label="Remove monitor.example"]').trigger('click');
    await settle();
    expect(testApi.vendors.calls.at(-1)).toEqual({
      name: 'removeAuthority',
      argument: { kind: 'key', id: 'monitor.example' },
    });
    expect(wrapper.findAll('.entry')).toHaveLength(0);
  });
});
