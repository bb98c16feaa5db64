/** A test double of the `vendors` service: answers the tests set, events the tests push. */
import type { VendorsApi, VendorsChangeEvent } from '../../../shared/api';
import type { SyncProgress, VendorOverview } from '../../../shared/client';

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
