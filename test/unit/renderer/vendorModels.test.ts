import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import MessageText from '../../../renderer/src/components/MessageText.vue';
import {
  chartSeries,
  numericFields,
  outcomeBands,
  rangeWindow,
  valueRange,
} from '../../../renderer/src/historyModel';
import { nodeStatus, outline, searchProviders } from '../../../renderer/src/supplyChainModel';
import { freshness, needsAttention, sortPortfolio } from '../../../renderer/src/vendorFormat';
import {
  indexTree,
  initiallyExpanded,
  searchTree,
  visibleRows,
} from '../../../renderer/src/vendorTreeModel';
import type { HistoryPoint, SupplyChainGraph } from '../../../shared/client';
import { sampleOverview, sampleTree } from './vendorsApi';

const NOW = new Date('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 3_600_000;

describe('freshness', () => {
  it.each([
    [null, 'never synced', 'neutral'],
    [ago(5 * 60_000), 'less than an hour old', 'success'],
    [ago(5 * HOUR), '5 hours old', 'success'],
    [ago(24 * HOUR), '1 day old', 'warning'],
    [ago(3 * 24 * HOUR), '3 days old', 'warning'],
    [ago(7 * 24 * HOUR), '7 days old', 'danger'],
  ])('evidence from %s is "%s" (%s)', (at, label, tone) => {
    expect(freshness(at, NOW)).toEqual({ label, tone });
  });
});

describe('the portfolio order and attention', () => {
  const fresh = {
    lastFinishedAt: ago(HOUR),
    objectives: { met: 1, failed: 0, error: 0, unknown: 0, disagreeing: 0 },
    signatures: { verified: 1, unsigned: 0, invalid: 0, unknown_authority: 0 },
  };
  it('needs attention for failures, disputes, invalid signatures, alerts, bad syncs and old evidence', () => {
    expect(needsAttention(sampleOverview(fresh), NOW)).toBe(false);
    expect(needsAttention(sampleOverview({ ...fresh, openAlerts: 1 }), NOW)).toBe(true);
    expect(needsAttention(sampleOverview({ ...fresh, lastFinishedAt: ago(48 * HOUR) }), NOW)).toBe(
      true,
    );
    expect(
      needsAttention(
        sampleOverview({
          ...fresh,
          lastSync: { startedAt: ago(HOUR), status: 'partial', errors: 2 },
        }),
        NOW,
      ),
    ).toBe(true);
  });

  it('sorts names as people read them, and oldest evidence or most failures first', () => {
    const list = [
      sampleOverview({ name: 'vendor 10', lastFinishedAt: ago(HOUR) }),
      sampleOverview({ name: 'vendor 9', lastFinishedAt: null }),
      sampleOverview({
        name: 'Vendor 2',
        lastFinishedAt: ago(2 * HOUR),
        objectives: { met: 0, failed: 5, error: 0, unknown: 0, disagreeing: 0 },
      }),
    ];
    expect(sortPortfolio(list, 'name').map((v) => v.name)).toEqual([
      'Vendor 2',
      'vendor 9',
      'vendor 10',
    ]);
    expect(sortPortfolio(list, 'lastSync').map((v) => v.name)).toEqual([
      'vendor 9',
      'Vendor 2',
      'vendor 10',
    ]);
    expect(sortPortfolio(list, 'failed')[0]!.name).toBe('Vendor 2');
  });
});

describe('the vendor tree model', () => {
  const { nodes } = sampleTree();
  const index = indexTree(nodes);

  it('knows parents, children and sibling positions', () => {
    expect(index.parent).toEqual([-1, 0, 1, 2, 2, 0]);
    expect(index.hasChildren).toEqual([true, true, true, false, false, false]);
    expect(index.position).toEqual([1, 1, 1, 1, 2, 2]);
    expect(index.siblings).toEqual([1, 2, 1, 2, 2, 2]);
  });

  it('hides what closed nodes hold, and shows matches with their ancestors', () => {
    const all = initiallyExpanded(nodes);
    expect(visibleRows(nodes, index, all, null)).toHaveLength(6);
    const closed = new Set(all);
    closed.delete(nodes[1]!.url);
    expect(visibleRows(nodes, index, closed, null).map((row) => row.index)).toEqual([0, 1, 5]);
    const matches = searchTree(nodes, index, 'BIGCLOUD');
    expect(visibleRows(nodes, index, new Set(), matches).map((row) => row.index)).toEqual([0, 5]);
    expect(searchTree(nodes, index, '  ')).toBeNull();
  });
});

describe('the history model', () => {
  const point = (
    day: number,
    value: unknown[],
    outcome: HistoryPoint['outcome'],
  ): HistoryPoint => ({
    updateTime: new Date(Date.UTC(2026, 0, day)).toISOString(),
    firstSeenAt: '2026-01-01T00:00:00Z',
    value,
    authorityId: null,
    signature: 'unsigned',
    outcome,
  });
  const points = [
    point(
      1,
      [
        { severity: 'high', minutes: 30 },
        { severity: 'low', minutes: 90 },
      ],
      'true',
    ),
    point(
      2,
      [
        { severity: 'high', minutes: 70 },
        { severity: 'low', minutes: 95 },
      ],
      'false',
    ),
    point(3, [{ severity: 'high', minutes: 65 }], 'false'),
    point(4, [{ severity: 'high', minutes: 'n/a' }], 'error'),
    point(5, [{ severity: 'high', minutes: 20 }], 'true'),
  ];

  it('charts one series per row, labelled by the row, with gaps for missing values', () => {
    expect(numericFields({ resultFormat: [], points })).toEqual(['minutes']);
    const series = chartSeries(points, 'minutes');
    expect(series.map((item) => item.name)).toEqual(['minutes (high)', 'minutes (low)']);
    expect(series[0]!.data.map(([, value]) => value)).toEqual([30, 70, 65, null, 20]);
    expect(series[1]!.data.map(([, value]) => value)).toEqual([90, 95, null, null, null]);
    expect(valueRange(series)).toEqual({ min: 20, max: 95 });
  });

  it('bands the failed and erring stretches up to the next result', () => {
    const day = (n: number) => Date.UTC(2026, 0, n);
    expect(outcomeBands(points)).toEqual([
      { outcome: 'false', from: day(2), to: day(4) },
      { outcome: 'error', from: day(4), to: day(5) },
    ]);
  });

  it('ends a range at the newest result', () => {
    expect(rangeWindow(points, '7d')).toEqual({
      from: Date.UTC(2025, 11, 29),
      to: Date.UTC(2026, 0, 5),
    });
    expect(rangeWindow(points, 'all')).toBeNull();
  });
});

describe('the supply-chain model', () => {
  const status = (failed: number, error = 0) => ({ true: 1, false: failed, error });
  const graph: SupplyChainGraph = {
    nodes: [
      {
        id: 'vendor:a',
        kind: 'vendor',
        name: 'a',
        provider: 'a.example',
        vendor: 'a',
        thirdParty: false,
        status: status(0),
      },
      {
        id: 'v',
        kind: 'serviceView',
        name: 'view',
        provider: 'a.example',
        vendor: 'a',
        thirdParty: false,
        status: status(1),
      },
      {
        id: 'd',
        kind: 'serviceView',
        name: 'dep',
        provider: 'b.example',
        vendor: 'a',
        thirdParty: true,
        status: status(0, 1),
      },
    ],
    edges: [
      { from: 'vendor:a', to: 'v', kind: 'offers' },
      { from: 'v', to: 'd', kind: 'dependsOn' },
      { from: 'd', to: 'v', kind: 'dependsOn' },
    ],
  };

  it('colours by the worst that applies', () => {
    const vendor = sampleOverview({ name: 'a', lastFinishedAt: ago(HOUR) });
    expect(nodeStatus(graph.nodes[1]!, vendor, NOW)).toBe('failing');
    expect(nodeStatus(graph.nodes[2]!, vendor, NOW)).toBe('error');
    expect(nodeStatus(graph.nodes[0]!, vendor, NOW)).toBe('ok');
    expect(
      nodeStatus(graph.nodes[0]!, { ...vendor, lastFinishedAt: ago(30 * 24 * HOUR) }, NOW),
    ).toBe('stale');
    expect(
      nodeStatus(
        graph.nodes[0]!,
        { ...vendor, lastSync: { startedAt: ago(HOUR), status: 'failed', errors: 1 } },
        NOW,
      ),
    ).toBe('unreachable');
  });

  it('outlines vendors → views → dependencies, cutting cycles', () => {
    const [root] = outline(graph);
    expect(root!.node.id).toBe('vendor:a');
    expect(root!.children[0]!.node.id).toBe('v');
    expect(root!.children[0]!.children[0]!.node.id).toBe('d');
    expect(root!.children[0]!.children[0]!.children).toEqual([]);
    expect([...searchProviders(graph, 'B.EXAMPLE')]).toEqual(['d']);
  });
});

describe('MessageText', () => {
  it.each([
    ['run `vendor list` first', ['run ', '<code>vendor list</code>', ' first']],
    ['a `lone backquote', ['a `lone backquote']],
    ['<b>not html</b>', ['&lt;b&gt;not html&lt;/b&gt;']],
  ])('shows %j with its commands as code, as text', (text, parts) => {
    const wrapper = mount(MessageText, { props: { text } });
    const html = wrapper.find('.message-text').element.innerHTML.replace(/ data-v-\w+=""/g, '');
    expect(html).toBe(parts.join(''));
  });
});
