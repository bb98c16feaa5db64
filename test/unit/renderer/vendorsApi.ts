/** A test double of the `vendors` service: answers the tests set, events the tests push. */
import type { VendorsApi, VendorsChangeEvent } from '../../../shared/api';
import type {
  MeasurementDetail,
  MeasurementHistory,
  SyncProgress,
  VendorOverview,
  VendorTree,
  VendorTreeNode,
} from '../../../shared/client';

type Calls = Exclude<keyof VendorsApi, `onDid${string}`>;
type Handlers = { [K in Calls]: VendorsApi[K] };

export interface VendorsTestApi {
  api: VendorsApi;
  /** Replace to change what a call does; every call is recorded in `calls`. */
  handlers: Handlers;
  calls: Array<{ name: Calls; argument: unknown }>;
  emitProgress(progress: SyncProgress): void;
  emitChange(change: VendorsChangeEvent): void;
  listenerCount(): number;
}

function notUsed(name: string): () => Promise<never> {
  return async () => {
    throw new Error(`vendors.${name} is not used by this test`);
  };
}

export function createVendorsTestApi(): VendorsTestApi {
  const progressListeners = new Set<(progress: SyncProgress) => void>();
  const changeListeners = new Set<(change: VendorsChangeEvent) => void>();
  const calls: VendorsTestApi['calls'] = [];
  const handlers: Handlers = {
    list: async () => [],
    probe: notUsed('probe'),
    add: notUsed('add'),
    edit: notUsed('edit'),
    remove: notUsed('remove'),
    addDemo: notUsed('addDemo'),
    sync: notUsed('sync'),
    cancelSync: async () => false,
    tree: notUsed('tree'),
    changes: notUsed('changes'),
    measurement: notUsed('measurement'),
    history: notUsed('history'),
    supplyChain: async () => ({ nodes: [], edges: [] }),
    authorities: async () => [],
    addAuthority: notUsed('addAuthority'),
    removeAuthority: notUsed('removeAuthority'),
  };
  const api = Object.fromEntries(
    (Object.keys(handlers) as Calls[]).map((name) => [
      name,
      (argument?: unknown) => {
        calls.push({ name, argument });
        return (handlers[name] as (argument?: unknown) => Promise<unknown>)(argument);
      },
    ]),
  ) as unknown as VendorsApi;
  const withEvents: VendorsApi = {
    ...api,
    onDidSyncProgress: (listener) => {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    onDidChange: (listener) => {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
  };
  return {
    api: withEvents,
    handlers,
    calls,
    emitProgress: (progress) => progressListeners.forEach((listener) => listener(progress)),
    emitChange: (change) => changeListeners.forEach((listener) => listener(change)),
    listenerCount: () => progressListeners.size + changeListeners.size,
  };
}

/** A portfolio row with sensible defaults. */
export function sampleOverview(overrides: Partial<VendorOverview> = {}): VendorOverview {
  return {
    name: 'acme',
    baseUrl: 'https://ctp.acme.example/ctp/',
    trust: 'fingerprint',
    fingerprint: 'AB:'.repeat(31) + 'AB',
    hasToken: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastSync: { startedAt: '2026-03-01T10:00:00.000Z', status: 'ok', errors: 0 },
    provider: 'acme.example',
    demo: false,
    syncing: false,
    lastFinishedAt: '2026-03-01T10:00:05.000Z',
    resources: 120,
    objectives: { met: 10, failed: 2, error: 1, unknown: 0, disagreeing: 1 },
    signatures: { verified: 5, unsigned: 6, invalid: 1, unknown_authority: 1 },
    openAlerts: 0,
    ...overrides,
  };
}

/** A measurement node of a tree. */
function measurementNode(
  url: string,
  name: string,
  parentUrl: string,
  glance: Partial<VendorTreeNode['measurement']> = {},
): VendorTreeNode {
  return {
    url,
    kind: 'measurement',
    name,
    depth: 3,
    parentUrl,
    measurement: {
      metric: 'availability-percentage',
      state: 'activated',
      claimed: 'true',
      ours: 'true',
      disagrees: false,
      signature: 'verified',
      updateTime: '2026-03-01T00:00:00Z',
      ...glance,
    },
  };
}

/** A small tree: one view, one asset, one attribute, two measurements, one dependency. */
export function sampleTree(vendor = 'acme'): VendorTree {
  const base = 'https://ctp.acme.example/ctp/';
  const node = (
    url: string,
    kind: VendorTreeNode['kind'],
    name: string,
    depth: number,
    parentUrl: string | null,
  ): VendorTreeNode => ({
    url: base + url,
    kind,
    name,
    depth,
    parentUrl: parentUrl === null ? null : base + parentUrl,
    measurement: null,
  });
  return {
    vendor,
    syncedAt: '2026-03-01T10:00:00Z',
    nodes: [
      node('serviceViews/sv1', 'serviceView', 'Main service', 0, null),
      node('assets/a1', 'asset', 'https://api.acme.example', 1, 'serviceViews/sv1'),
      node('attributes/at1', 'attribute', 'availability', 2, 'assets/a1'),
      measurementNode(`${base}measurements/m1`, 'uptime', `${base}attributes/at1`),
      measurementNode(`${base}measurements/m2`, 'latency', `${base}attributes/at1`, {
        claimed: 'true',
        ours: 'false',
        disagrees: true,
        signature: 'invalid',
      }),
      node('serviceViews/dep1', 'dependency', 'BigCloud', 1, 'serviceViews/sv1'),
    ],
  };
}

export function sampleDetail(overrides: Partial<MeasurementDetail> = {}): MeasurementDetail {
  return {
    vendor: 'acme',
    url: 'https://ctp.acme.example/ctp/measurements/m1',
    name: 'uptime',
    annotation: 'Probed every two minutes.',
    state: 'activated',
    userActivated: false,
    path: [
      {
        url: 'https://ctp.acme.example/ctp/serviceViews/sv1',
        kind: 'serviceView',
        name: 'Main service',
      },
    ],
    metric: {
      url: 'https://ctp.acme.example/ctp/metrics/pct',
      name: 'availability-percentage',
      annotation: '',
      baseMetric: 'https://example.com/metrics/availability',
      parameters: [{ name: 'period', type: 'string', value: 'month' }],
      resultFormat: [{ name: 'percentage', type: 'number' }],
    },
    result: {
      value: [{ percentage: 99.95 }],
      updateTime: '2026-03-01T00:00:00Z',
      authorityId: 'monitor',
    },
    objective: {
      condition: 'value[0].percentage >= 99.9',
      claimed: 'true',
      statusUpdateTime: '2026-03-01T00:00:01Z',
      ours: 'false',
      disagrees: true,
      message: null,
    },
    signature: {
      status: 'unknown_authority',
      algorithm: 'RS256',
      authorityId: 'monitor',
      message: 'no trusted key for authority "monitor"',
    },
    logs: [
      {
        url: 'https://ctp.acme.example/ctp/logs/l1',
        creationTime: '2026-02-20T00:00:00Z',
        trigger: 'https://ctp.acme.example/ctp/triggers/t1',
        triggerName: 'availability under SLA',
        error: null,
        tags: ['sla'],
      },
    ],
    historyCount: 3,
    ...overrides,
  };
}

export function sampleHistory(points = 3): MeasurementHistory {
  return {
    vendor: 'acme',
    measurementUrl: 'https://ctp.acme.example/ctp/measurements/m1',
    resultFormat: [{ name: 'percentage', type: 'number' }],
    condition: 'value[0].percentage >= 99.9',
    points: Array.from({ length: points }, (_, index) => ({
      updateTime: new Date(Date.UTC(2026, 1, 1 + index)).toISOString(),
      firstSeenAt: new Date(Date.UTC(2026, 1, 1 + index, 1)).toISOString(),
      value: [{ percentage: index === 1 ? 99.5 : 99.95 }],
      authorityId: null,
      signature: 'unsigned',
      outcome: index === 1 ? 'false' : 'true',
    })),
    truncated: false,
  };
}
