import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import type { Component } from 'vue';

import BundlesView from '../../../../renderer/src/views/BundlesView.vue';
import SettingsView from '../../../../renderer/src/views/SettingsView.vue';
import VendorsView from '../../../../renderer/src/views/VendorsView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

describe.each<[string, Component, string, string]>([
  ['Vendors', VendorsView, 'No vendors yet', 'trust-auditor vendor add NAME URL'],
  ['Bundles', BundlesView, 'No bundles verified yet', 'trust-auditor verify BUNDLE.tar.gz'],
  ['Settings', SettingsView, 'Nothing else to set yet', '--data-dir'],
])('%s page', (title, view, emptyTitle, command) => {
  it('has a heading, an empty state and a first step with a copyable command', async () => {
    ({ wrapper } = await mountWithApp(view, createTestApi()));
    await settle();
    expect(wrapper.find('h1').text()).toBe(title);
    expect(wrapper.find('h2').text()).not.toBe('');
    expect(wrapper.text()).toContain(emptyTitle);
    expect(wrapper.text()).toContain('First steps');
    expect(wrapper.text()).toContain('What will appear here');
    const commands = wrapper.findAll('.command__text').map((code) => code.text());
    expect(commands.some((text) => text.includes(command))).toBe(true);
    expect(wrapper.findAll('button[aria-label="Copy command"]').length).toBe(commands.length);
  });
});

describe('Settings page', () => {
  it('shows the workspace data folder', async () => {
    ({ wrapper } = await mountWithApp(SettingsView, createTestApi()));
    await settle();
    expect(wrapper.text()).toContain('/home/auditor/.config/trust-auditor');
  });
});
