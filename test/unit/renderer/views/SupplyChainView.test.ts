import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';

import type { SupplyChainGraph } from '../../../../shared/client';
import SupplyChainView from '../../../../renderer/src/views/SupplyChainView.vue';
import { createTestApi, mountWithApp, settle } from '../helpers';
import { sampleOverview } from '../vendorsApi';

// Vue Flow measures the DOM, which happy-dom does not lay out: the graph is checked in
// Chromium (test/e2e); here a stand-in shows what it was given.
vi.mock('../../../../renderer/src/components/SupplyChainGraph.vue', () => ({
  __esModule: true,
  default: defineComponent({
    props: ['graph', 'search'],
    emits: ['open'],
    setup: (props) => () =>
      h('div', { class: 'graph-stand-in' }, `${props.graph.nodes.length} ${props.search}`),
  }),
}));

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const status = (failing = 0) => ({ true: 2, false: failing, error: 0 });
const graph: SupplyChainGraph = {
  nodes: [
    {
      id: 'vendor:acme',
      kind: 'vendor',
      name: 'acme',
      provider: 'acme.example',
      vendor: 'acme',
      thirdParty: false,
      status: status(),
    },
    {
      id: 'v1',
      kind: 'serviceView',
      name: 'Main',
      provider: 'acme.example',
      vendor: 'acme',
      thirdParty: false,
      status: status(1),
    },
    {
      id: 'd1',
      kind: 'serviceView',
      name: 'IaaS',
      provider: 'bigcloud.example',
      vendor: 'acme',
      thirdParty: true,
      status: status(),
    },
    {
      id: 'vendor:big',
      kind: 'vendor',
      name: 'BigCloud',
      provider: 'bigcloud.example',
      vendor: 'big',
      thirdParty: false,
      status: status(),
    },
  ],
  edges: [
    { from: 'vendor:acme', to: 'v1', kind: 'offers' },
    { from: 'v1', to: 'd1', kind: 'dependsOn' },
    { from: 'd1', to: 'vendor:big', kind: 'sameProvider' },
  ],
};

describe('SupplyChainView', () => {
  it('lists the chain for keyboard and screen readers, searches providers, opens vendors', async () => {
    const testApi = createTestApi();
    testApi.vendors.handlers.supplyChain = async () => graph;
    testApi.vendors.handlers.list = async () => [sampleOverview()];
    const mounted = await mountWithApp(SupplyChainView, testApi, { path: '/supply-chain' });
    wrapper = mounted.wrapper;
    await vi.waitFor(() => expect(wrapper!.find('.graph-stand-in').exists()).toBe(true));
    await settle();
    const list = wrapper.find('.outline');
    expect(list.text()).toMatch(
      /acme \(acme\.example\)[^]*?offers\s*Main \(acme\.example\) — objectives: 1 failing, 2 met/,
    );
    expect(list.text()).toMatch(/depends on\s*IaaS \(bigcloud\.example, third party\)/);
    expect(list.text()).toMatch(/is a vendor you follow:\s*BigCloud/);
    expect(wrapper.text()).toContain('4 nodes, 3 links');
    await wrapper.find('input[type="search"]').setValue('bigcloud');
    expect(wrapper.text()).toContain('2 nodes found');
    expect(wrapper.find('.graph-stand-in').text()).toBe('4 bigcloud');
    await wrapper.findAll('.outline__node')[1]!.trigger('click');
    await vi.waitFor(() => expect(mounted.router.currentRoute.value.params.name).toBe('acme'));
  });

  it('explains an empty supply chain', async () => {
    const testApi = createTestApi();
    const mounted = await mountWithApp(SupplyChainView, testApi, { path: '/supply-chain' });
    wrapper = mounted.wrapper;
    await settle();
    expect(wrapper.text()).toContain('No supply chain yet');
  });
});
