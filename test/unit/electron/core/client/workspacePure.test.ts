import { describe, expect, it } from 'vitest';

import {
  claimedStatus,
  diffSnapshots,
  resourceLabel,
  type SnapshotEntry,
} from '../../../../../electron/core/client/syncChanges';
import { buildVendorTree } from '../../../../../electron/core/client/vendorTree';

const entry = (url: string, kind: string, name: string, status: SnapshotEntry['status'] = null) =>
  [url, { url, kind, name, status }] as const;

describe('diffSnapshots', () => {
  it('lists what was added, removed, re-judged and newly measured', () => {
    const before = new Map([
      entry('v', 'serviceView', 'view'),
      entry('m1', 'measurement', '', 'false'),
      entry('m2', 'measurement', 'kept', 'true'),
      entry('gone', 'asset', 'old asset'),
    ]);
    const after = new Map([
      entry('v', 'serviceView', 'view'),
      entry('m1', 'measurement', '', 'true'),
      entry('m2', 'measurement', 'kept', 'true'),
      entry('http://x/ctp/assets/new', 'asset', ''),
    ]);
    expect(
      diffSnapshots(before, after, [
        { measurementUrl: 'm1', updateTime: '2026-01-01T00:00:00Z' },
        { measurementUrl: 'unknown/m9', updateTime: null },
      ]),
    ).toEqual({
      newResults: [
        { measurementUrl: 'm1', name: 'm1', updateTime: '2026-01-01T00:00:00Z' },
        { measurementUrl: 'unknown/m9', name: 'm9', updateTime: null },
      ],
      statusChanges: [{ measurementUrl: 'm1', name: 'm1', before: 'false', after: 'true' }],
      added: [{ url: 'http://x/ctp/assets/new', kind: 'asset', name: 'new' }],
      removed: [{ url: 'gone', kind: 'asset', name: 'old asset' }],
      counts: { newResults: 2, statusChanges: 1, added: 1, removed: 1 },
    });
  });

  it('keeps the lists bounded and the counts exact', () => {
    const after = new Map(Array.from({ length: 30 }, (_, i) => entry(`r${i}`, 'asset', `r${i}`)));
    const changes = diffSnapshots(new Map(), after, [], 10);
    expect(changes.added).toHaveLength(10);
    expect(changes.counts.added).toBe(30);
  });

  it.each([
    [1, 'true'],
    [true, 'true'],
    ['true', 'true'],
    [0, 'false'],
    ['false', 'false'],
    ['error', 'error'],
    [null, null],
    ['maybe', null],
  ])('reads the stored status %j as %j', (raw, expected) => {
    expect(claimedStatus(raw)).toBe(expected);
  });

  it('labels resources without a name by the end of their URL', () => {
    expect(resourceLabel({ url: 'https://x/ctp/measurements/m1', name: '' })).toBe('m1');
    expect(resourceLabel({ url: 'https://x/ctp/assets/a/', name: '' })).toBe('a');
    expect(resourceLabel({ url: 'u', name: 'named' })).toBe('named');
  });
});

describe('buildVendorTree', () => {
  const row = (url: string, kind: string, name: string, parentUrl: string | null, body = '{}') => ({
    url,
    kind,
    name,
    parentUrl,
    body,
  });

  it('walks depth first, assets before dependencies, by name with numbers in order', () => {
    const nodes = buildVendorTree(
      [
        row('dep', 'dependency', 'iaas', 'v1'),
        row('v2', 'serviceView', 'view 10', 'base'),
        row('v1', 'serviceView', 'view 2', 'base'),
        row('a2', 'asset', 'b asset', 'v1'),
        row('a1', 'asset', 'a asset', 'v1'),
        row('at', 'attribute', 'availability', 'a1'),
      ],
      new Map(),
      new Map(),
      new Map(),
    );
    expect(nodes.map((node) => [node.depth, node.name])).toEqual([
      [0, 'view 2'],
      [1, 'a asset'],
      [2, 'availability'],
      [1, 'b asset'],
      [1, 'iaas'],
      [0, 'view 10'],
    ]);
    expect(nodes[0]!.parentUrl).toBeNull();
  });

  it('cuts cycles in parent links (hostile data) instead of looping', () => {
    const nodes = buildVendorTree(
      [
        row('v', 'serviceView', 'v', 'base'),
        row('x', 'asset', 'x', 'y'),
        row('y', 'asset', 'y', 'x'),
      ],
      new Map(),
      new Map(),
      new Map(),
    );
    expect(nodes.map((node) => node.url)).toEqual(['v']);
  });

  it('shows a measurement at a glance: metric, state, claim, ours, signature', () => {
    const body = JSON.stringify({
      self: 'https://x/ctp/measurements/m',
      name: '',
      metric: 'https://x/ctp/metrics/pct',
      state: 'activated',
      userActivated: false,
      objective: { condition: 'true', status: true },
      result: { value: [], updateTime: '2026-01-01T00:00:00Z', authorityId: null, signature: null },
    });
    const [, measurement] = buildVendorTree(
      [row('v', 'serviceView', 'v', 'base'), row('m', 'measurement', '', 'v', body)],
      new Map([['https://x/ctp/metrics/pct', 'percentage']]),
      new Map([
        [
          'm',
          {
            measurementUrl: 'm',
            condition: 'true',
            claimed: 'true',
            ours: 'false',
            disagrees: true,
            message: null,
          },
        ],
      ]),
      new Map([['m', { status: 'invalid', algorithm: 'RS256', message: 'bad' }]]),
    );
    expect(measurement).toMatchObject({
      name: 'percentage',
      measurement: {
        metric: 'percentage',
        state: 'activated',
        claimed: 'true',
        ours: 'false',
        disagrees: true,
        signature: 'invalid',
        updateTime: '2026-01-01T00:00:00Z',
      },
    });
  });
});
