import { describe, expect, it } from 'vitest';

import {
  buildSupplyChainGraph,
  type SupplyChainVendor,
} from '../../../../../electron/core/client/supplyChain';

const A = 'https://a.example/ctp/';
const res = (
  url: string,
  kind: string,
  provider: string | null,
  parentUrl: string | null,
  body = '{}',
) => ({
  url,
  kind,
  name: url.split('/').at(-1) ?? '',
  provider,
  parentUrl,
  body,
});

const vendorA: SupplyChainVendor = {
  name: 'a',
  provider: 'a.example',
  resources: [
    res(`${A}serviceViews/sv`, 'serviceView', 'a.example', A),
    res(`${A}dependencies/d1`, 'dependency', 'b.example', `${A}serviceViews/sv`),
    res(`${A}dependencies/d2`, 'dependency', 'colo.example', `${A}dependencies/d1`),
    res(`${A}assets/x`, 'asset', null, `${A}serviceViews/sv`),
    res(`${A}attributes/y`, 'attribute', null, `${A}assets/x`),
    res(
      `${A}measurements/m1`,
      'measurement',
      null,
      `${A}attributes/y`,
      '{"objective":{"status":"true"}}',
    ),
    res(
      `${A}measurements/m2`,
      'measurement',
      null,
      `${A}attributes/y`,
      '{"objective":{"status":false}}',
    ),
    res(`${A}measurements/m3`, 'measurement', null, `${A}attributes/y`, 'not json'),
  ],
  edges: [
    { from: `${A}serviceViews/sv`, to: `${A}dependencies/d1` },
    { from: `${A}dependencies/d1`, to: `${A}dependencies/d2` },
    { from: `${A}dependencies/d2`, to: `${A}dependencies/d1` },
    { from: `${A}dependencies/d2`, to: `${A}dependencies/gone` },
  ],
};

describe('supply-chain graph (appendix B)', () => {
  const graph = buildSupplyChainGraph([
    vendorA,
    { name: 'b', provider: 'b.example', resources: [], edges: [] },
    { name: 'unsynced', provider: null, resources: [], edges: [] },
  ]);

  it.each([
    ['vendor:a', { kind: 'vendor', provider: 'a.example', thirdParty: false }],
    [
      `${A}serviceViews/sv`,
      { kind: 'serviceView', thirdParty: false, status: { true: 1, false: 1, error: 0 } },
    ],
    [`${A}dependencies/d1`, { provider: 'b.example', thirdParty: true, vendor: 'a' }],
    [`${A}dependencies/d2`, { provider: 'colo.example', thirdParty: true }],
    ['vendor:unsynced', { provider: '' }],
  ])('node %s', (id, expected) => {
    expect(graph.nodes.find((node) => node.id === id)).toMatchObject(expected);
  });

  it('has the offer, dependency (cycle kept, dangling dropped) and cross-vendor edges', () => {
    expect(graph.edges).toEqual([
      { from: 'vendor:a', to: `${A}serviceViews/sv`, kind: 'offers' },
      { from: `${A}dependencies/d1`, to: 'vendor:b', kind: 'sameProvider' },
      { from: `${A}serviceViews/sv`, to: `${A}dependencies/d1`, kind: 'dependsOn' },
      { from: `${A}dependencies/d1`, to: `${A}dependencies/d2`, kind: 'dependsOn' },
      { from: `${A}dependencies/d2`, to: `${A}dependencies/d1`, kind: 'dependsOn' },
    ]);
  });

  it('is empty without vendors', () => {
    expect(buildSupplyChainGraph([])).toEqual({ nodes: [], edges: [] });
  });
});
