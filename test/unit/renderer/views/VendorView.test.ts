import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { VendorChanges } from '../../../../shared/client';
import VendorView from '../../../../renderer/src/views/VendorView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';
import { sampleOverview, sampleTree } from '../vendorsApi';

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  document.body.innerHTML = '';
});

const changes: VendorChanges = {
  vendor: 'acme',
  sync: {
    id: 2,
    startedAt: '2026-03-01T10:00:00Z',
    finishedAt: '2026-03-01T10:00:05Z',
    status: 'ok',
  },
  changes: {
    newResults: [
      {
        measurementUrl: 'https://ctp.acme.example/ctp/measurements/m1',
        name: 'uptime',
        updateTime: '2026-03-01T00:00:00Z',
      },
    ],
    statusChanges: [
      {
        measurementUrl: 'https://ctp.acme.example/ctp/measurements/m2',
        name: 'latency',
        before: 'true',
        after: 'false',
      },
    ],
    added: [],
    removed: [{ url: 'https://ctp.acme.example/ctp/assets/old', kind: 'asset', name: 'old asset' }],
    counts: { newResults: 1, statusChanges: 1, added: 0, removed: 1 },
  },
};

async function mountVendor() {
  const testApi = createTestApi();
  testApi.vendors.handlers.list = async () => [sampleOverview()];
  testApi.vendors.handlers.tree = async () => sampleTree();
  testApi.vendors.handlers.changes = async () => changes;
  const mounted = await mountWithApp(VendorView, testApi, {
    path: '/vendors/acme',
    props: { name: 'acme' },
  });
  wrapper = mounted.wrapper;
  await settle();
  return { ...mounted, testApi };
}

describe('VendorView', () => {
  it('shows the tree with each measurement at a glance', async () => {
    const { wrapper, testApi } = await mountVendor();
    expect(testApi.vendors.calls.map((call) => call.name)).toEqual(
      expect.arrayContaining(['tree', 'changes', 'list']),
    );
    const items = wrapper.findAll('[role="treeitem"]');
    expect(items.map((item) => item.find('.vendor-tree__name').text())).toEqual([
      'Main service',
      'https://api.acme.example',
      'availability',
      'uptime',
      'latency',
      'BigCloud',
    ]);
    expect(items.map((item) => item.attributes('aria-level'))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '4',
      '2',
    ]);
    expect(items[4]!.text()).toContain('Disputed: ours failed');
    expect(items[4]!.text()).toContain('Invalid');
    expect(items[0]!.attributes('tabindex')).toBe('0');
    expect(items[1]!.attributes('tabindex')).toBe('-1');
  });

  it('moves, closes and opens with the keyboard, and opens a measurement with Enter', async () => {
    const { wrapper, router } = await mountVendor();
    const item = (index: number) => wrapper.findAll('[role="treeitem"]')[index]!;
    await item(0).trigger('keydown', { key: 'ArrowDown' });
    await settle();
    expect(item(1).attributes('tabindex')).toBe('0');
    await item(1).trigger('keydown', { key: 'ArrowLeft' }); // closes the open asset
    await settle();
    expect(wrapper.findAll('[role="treeitem"]')).toHaveLength(3);
    await item(1).trigger('keydown', { key: 'ArrowLeft' }); // then goes to its parent
    await settle();
    expect(item(0).attributes('tabindex')).toBe('0');
    await item(1).trigger('keydown', { key: 'ArrowRight' }); // opens the asset again
    await settle();
    await item(0).trigger('keydown', { key: 'ArrowLeft' }); // closes the view
    await settle();
    expect(wrapper.findAll('[role="treeitem"]')).toHaveLength(1);
    expect(item(0).attributes('aria-expanded')).toBe('false');
    await item(0).trigger('keydown', { key: 'ArrowRight' });
    await settle();
    expect(wrapper.findAll('[role="treeitem"]')).toHaveLength(6);
    await item(0).trigger('keydown', { key: 'End' });
    await settle();
    expect(item(5).attributes('tabindex')).toBe('0');
    await item(3).trigger('keydown', { key: 'Enter' });
    // The measurement page is a lazy route: the navigation ends once its code has loaded.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('measurement'));
    expect(router.currentRoute.value.query.url).toBe(
      'https://ctp.acme.example/ctp/measurements/m1',
    );
  });

  it('searches the tree, keeping the ancestors of what matches', async () => {
    const { wrapper } = await mountVendor();
    await wrapper.find('input[type="search"]').setValue('LATENCY');
    expect(
      wrapper.findAll('[role="treeitem"]').map((item) => item.find('.vendor-tree__name').text()),
    ).toEqual(['Main service', 'https://api.acme.example', 'availability', 'latency']);
    await wrapper.find('input[type="search"]').setValue('nothing like it');
    expect(wrapper.text()).toContain('Nothing matches.');
  });

  it('says what changed in the last sync, and reloads after a sync', async () => {
    const { wrapper, testApi } = await mountVendor();
    await wrapper.find('#tab-changes').trigger('click');
    const panel = wrapper.find('#panel-changes');
    expect(panel.text()).toContain('Objective status changes');
    expect(panel.text()).toMatch(/latency\s*Met\s*→\s*became\s*Failed/);
    expect(panel.text()).toContain('old asset');
    const before = testApi.vendors.calls.filter((call) => call.name === 'tree').length;
    testApi.vendors.emitChange({ vendor: 'acme', reason: 'synced' });
    testApi.vendors.emitChange({ vendor: 'other', reason: 'synced' });
    await settle();
    expect(testApi.vendors.calls.filter((call) => call.name === 'tree').length).toBe(before + 1);
  });
});
