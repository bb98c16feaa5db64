/** Test doubles for the renderer: an AuditorApi whose answers and events the test controls. */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import type { Component } from 'vue';

import {
  CALL_NAMES,
  type AppInfo,
  type AuditorApi,
  type BundleProgressEvent,
  type ServerStatus,
  type VerifyBundleRequest,
} from '../../../shared/api';
import type {
  AlertEvent,
  AlertsPage,
  ListenerStatus,
  NotifierStatus,
} from '../../../shared/alerts';
import type { BundleReport } from '../../../shared/bundles';
import type { CtsPublished, VendorCts } from '../../../shared/cts';
import type {
  EvidenceFileCheck,
  EvidenceFileDigest,
  VendorEvidence,
} from '../../../shared/ctsEvidence';
import { createAuditorApiPlugin } from '../../../renderer/src/api/auditor';
import {
  createConnectionPlugin,
  type ConnectionMonitor,
  type ConnectionState,
} from '../../../renderer/src/api/connection';
import { createAppRouter } from '../../../renderer/src/router';
import { createServiceDouble, type ServiceDouble } from './serviceDouble';
import { createVendorsTestApi, type VendorsTestApi } from './vendorsApi';

export function sampleStatus(overrides: Partial<ServerStatus> = {}): ServerStatus {
  return {
    listening: true,
    ctpBase: 'https://127.0.0.1:8443/ctp/',
    tls: {
      mode: 'auto',
      fingerprint256:
        'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
    },
    startedAt: '2026-01-01T10:00:00Z',
    counts: { serviceViews: 2, assets: 5, measurements: 12, triggers: 3, accounts: 4 },
    ...overrides,
  };
}

export function sampleInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    name: 'Trust Auditor',
    version: '0.1.0',
    mode: 'headless',
    dataDir: '/home/auditor/.config/trust-auditor',
    defaultDataDir: '/home/auditor/.config/trust-auditor',
    workingDir: '/home/auditor',
    platform: 'linux',
    versions: { node: '20.19.0', v8: '11.3.244.8', sqlite: '3.50.2', electron: null, chrome: null },
    ...overrides,
  };
}

/** A valid unsigned report of a three-rule bundle, without findings but the usual info. */
export function sampleReport(overrides: Partial<BundleReport> = {}): BundleReport {
  return {
    verdict: 'valid-unsigned',
    signatureMode: 'none',
    signer: null,
    keyId: null,
    signatures: [],
    bundle: {
      sha256: 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778',
      compressedBytes: 2_345,
      uncompressedBytes: 10_240,
      name: 'openwatch-rhel9',
      version: '1.4.0',
      createdAt: '2025-10-22T19:55:05Z',
      manifestFormat: 'json',
    },
    counts: {
      entries: 5,
      ruleFiles: 3,
      validRules: 3,
      invalidRules: 0,
      errors: 0,
      warnings: 0,
      infos: 1,
    },
    findingCounts: { SIGNATURE_MISSING: 1 },
    findings: [
      {
        code: 'SIGNATURE_MISSING',
        severity: 'info',
        path: '',
        message: 'The bundle is not signed.',
      },
    ],
    lenientWouldHelp: false,
    durationMs: 42,
    ...overrides,
  };
}

/** No compliance mapping yet: the telemetry of an empty server. */
export function samplePublished(overrides: Partial<CtsPublished> = {}): CtsPublished {
  return {
    telemetry: {
      version: 'v1',
      timestamp: '2026-01-01T00:00:00.000Z',
      compliance_posture: 'unknown',
      frameworks: [],
      extensions: {
        'trust-auditor': { objectives: { met: 0, not_met: 0, not_evidenced: 0 }, frameworks: [] },
      },
    },
    changes: [],
    keyId: 'kid-for-tests',
    ...overrides,
  };
}

export interface TestApi {
  api: AuditorApi;
  /** Replace to change what a call does. */
  handlers: {
    info: () => Promise<AppInfo>;
    status: () => Promise<ServerStatus>;
    verify: (request: VerifyBundleRequest) => Promise<BundleReport>;
    published: () => Promise<CtsPublished>;
    vendorCts: (name: string) => Promise<VendorCts>;
    evidence: (name: string) => Promise<VendorEvidence>;
    checkEvidence: (request: {
      name: string;
      files: EvidenceFileDigest[];
    }) => Promise<{ files: EvidenceFileCheck[]; evidence: VendorEvidence }>;
  };
  /** Pushes a `server.onDidChangeStatus` event to every current listener. */
  emitStatus(status: ServerStatus): void;
  statusListenerCount(): number;
  /** Pushes a `bundles.onDidProgress` event to every current listener. */
  emitProgress(progress: BundleProgressEvent): void;
  progressListenerCount(): number;
  /** Every `bundles.verify` request, in order. */
  verifyRequests: VerifyBundleRequest[];
  calls: string[];
  /** The `vendors` service double (its own calls, handlers and events). */
  vendors: VendorsTestApi;
  /** `app.chooseFile` (answers null: cancelled, unless replaced). */
  app: ServiceDouble;
  /** The console's calls of `server` (all but `status`) and `onDidImportProgress`. */
  server: ServiceDouble;
  /** The `bundles` calls other than `verify`, and `onDidChange`. */
  bundles: ServiceDouble;
  /**
   * The `alerts` calls and events; `list` and `setRead` answer from `alertsPage`, and
   * `list`, `setRead`, `notifierStatus` are also recorded in `calls`.
   */
  alerts: ServiceDouble;
  /** What `alerts.list` answers (its items are filtered as the core would). */
  alertsPage: AlertsPage;
  /** Pushes an `alerts.onDidReceive` event (and the unread count) to every listener. */
  emitAlert(event: AlertEvent): void;
}

/** The status of an idle notifier with an empty outbox. */
export function sampleNotifierStatus(overrides: Partial<NotifierStatus> = {}): NotifierStatus {
  return {
    jid: null,
    service: null,
    customCa: false,
    state: 'not-configured',
    lastError: null,
    outbox: { queued: 0, sent: 0, failed: 0, oldestQueuedAt: null },
    recentFailures: [],
    ...overrides,
  };
}

export function createTestApi(): TestApi {
  const statusListeners = new Set<(status: ServerStatus) => void>();
  const progressListeners = new Set<(progress: BundleProgressEvent) => void>();
  const verifyRequests: VerifyBundleRequest[] = [];
  const calls: string[] = [];
  const vendors = createVendorsTestApi();
  const app = createServiceDouble('app', ['chooseFile'], []);
  app.handlers.chooseFile = async () => null;
  const server = createServiceDouble(
    'server',
    CALL_NAMES.filter((name) => name.startsWith('server.') && name !== 'server.status').map(
      (name) => name.slice('server.'.length),
    ),
    ['onDidImportProgress'],
  );
  const bundles = createServiceDouble(
    'bundles',
    CALL_NAMES.filter((name) => name.startsWith('bundles.') && name !== 'bundles.verify').map(
      (name) => name.slice('bundles.'.length),
    ),
    ['onDidChange'],
  );
  bundles.handlers.previousImports = async () => [];
  const alerts = createServiceDouble(
    'alerts',
    CALL_NAMES.filter((name) => name.startsWith('alerts.')).map((name) =>
      name.slice('alerts.'.length),
    ),
    ['onDidReceive', 'onDidChangeUnread', 'onDidChangeListener', 'onDidChangeNotifier'],
  );
  alerts.handlers.listenerStatus = async () => listenerStatus;
  alerts.handlers.notifierStatus = async () => sampleNotifierStatus();
  alerts.handlers.outbox = async () => [];
  const testApi = { alertsPage: { items: [], unread: 0, total: 0 } as AlertsPage };
  const notUsed = (name: string) => async (): Promise<never> => {
    calls.push(name);
    throw new Error(`${name} is not used by these views`);
  };
  const listenerStatus: ListenerStatus = {
    account: null,
    state: 'not-configured',
    lastError: null,
    archive: false,
    caughtUpAt: null,
  };
  const handlers: TestApi['handlers'] = {
    info: async () => sampleInfo(),
    status: async () => sampleStatus(),
    verify: async () => sampleReport(),
    published: async () => samplePublished(),
    vendorCts: async () => {
      throw new Error('cts.vendor is not used by these views');
    },
    evidence: async () => {
      throw new Error('cts.evidence is not used by these views');
    },
    checkEvidence: async () => {
      throw new Error('cts.checkEvidence is not used by these views');
    },
  };
  const api: AuditorApi = {
    app: {
      ...(app.api as Pick<AuditorApi['app'], 'chooseFile'>),
      info: () => {
        calls.push('app.info');
        return handlers.info();
      },
    },
    server: {
      ...(server.api as Omit<AuditorApi['server'], 'status' | 'onDidChangeStatus'>),
      status: () => {
        calls.push('server.status');
        return handlers.status();
      },
      onDidChangeStatus: (listener) => {
        const entry = (status: ServerStatus) => listener(status);
        statusListeners.add(entry);
        return () => statusListeners.delete(entry);
      },
    },
    bundles: {
      ...(bundles.api as Omit<AuditorApi['bundles'], 'verify' | 'onDidProgress'>),
      verify: (request) => {
        calls.push('bundles.verify');
        verifyRequests.push(request);
        return handlers.verify(request);
      },
      onDidProgress: (listener) => {
        const entry = (progress: BundleProgressEvent) => listener(progress);
        progressListeners.add(entry);
        return () => progressListeners.delete(entry);
      },
    },
    vendors: vendors.api,
    alerts: {
      ...(alerts.api as unknown as AuditorApi['alerts']),
      list: async (filter) => {
        calls.push('alerts.list');
        const page = testApi.alertsPage;
        const items = page.items.filter((item) => filter.unread !== true || !item.read);
        return { ...page, items: items.slice(0, filter.limit ?? 500) };
      },
      setRead: async ({ ids, read }) => {
        calls.push('alerts.setRead');
        const page = testApi.alertsPage;
        page.items = page.items.map((item) => (ids.includes(item.id) ? { ...item, read } : item));
        page.unread = page.items.filter((item) => !item.read).length;
        return { unread: page.unread };
      },
      notifierStatus: async () => {
        calls.push('alerts.notifierStatus');
        return alerts.handlers.notifierStatus!() as Promise<NotifierStatus>;
      },
    },
    triggers: {
      targets: async () => [],
      list: async () => [],
      create: notUsed('triggers.create'),
      remove: notUsed('triggers.remove'),
      preview: notUsed('triggers.preview'),
    },
    cts: {
      published: () => {
        calls.push('cts.published');
        return handlers.published();
      },
      vendor: ({ name }) => {
        calls.push('cts.vendor');
        return handlers.vendorCts(name);
      },
      evidence: ({ name }) => {
        calls.push('cts.evidence');
        return handlers.evidence(name);
      },
      checkEvidence: (request) => {
        calls.push('cts.checkEvidence');
        return handlers.checkEvidence(request);
      },
      fetchEvidence: async () => {
        calls.push('cts.fetchEvidence');
        throw new Error('cts.fetchEvidence is not used by these views');
      },
      setVendorUrl: async () => {
        calls.push('cts.setVendorUrl');
        throw new Error('cts.setVendorUrl is not used by these views');
      },
      acceptVendorKey: async () => {
        calls.push('cts.acceptVendorKey');
        throw new Error('cts.acceptVendorKey is not used by these views');
      },
    },
  };
  return {
    api,
    handlers,
    calls,
    vendors,
    app,
    server,
    bundles,
    alerts,
    emitStatus: (status) => statusListeners.forEach((listener) => listener(status)),
    statusListenerCount: () => statusListeners.size,
    emitProgress: (progress) => progressListeners.forEach((listener) => listener(progress)),
    progressListenerCount: () => progressListeners.size,
    verifyRequests,
    get alertsPage() {
      return testApi.alertsPage;
    },
    set alertsPage(page: AlertsPage) {
      testApi.alertsPage = page;
    },
    emitAlert(event) {
      testApi.alertsPage = {
        ...testApi.alertsPage,
        items: [event.alert, ...testApi.alertsPage.items],
        unread: event.unread,
      };
      alerts.emit('onDidReceive', event);
      alerts.emit('onDidChangeUnread', { unread: event.unread });
    },
  };
}

export interface TestConnection {
  monitor: ConnectionMonitor;
  /** Changes the state and tells every follower, as the transport does. */
  set(state: ConnectionState): void;
  /** How many times Retry asked to reconnect now. */
  retries(): number;
  followerCount(): number;
}

/** A headless connection whose state the test sets. */
export function createTestConnection(address = '127.0.0.1:8443'): TestConnection {
  const followers = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = { reachable: true, retryAt: null };
  let retries = 0;
  return {
    monitor: {
      address,
      get state() {
        return state;
      },
      onDidChange(listener) {
        const entry = (next: ConnectionState) => listener(next);
        followers.add(entry);
        return () => followers.delete(entry);
      },
      retryNow: () => void retries++,
    },
    set(next) {
      state = next;
      followers.forEach((listener) => listener(next));
    },
    retries: () => retries,
    followerCount: () => followers.size,
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets pending promises and Vue updates settle. */
export async function settle(): Promise<void> {
  for (let index = 0; index < 5; index++) await new Promise((done) => setTimeout(done, 0));
}

export interface Mounted {
  pinia: Pinia;
  router: Router;
}

/**
 * Mounts a component with Pinia, a memory router at `path` and the test API installed (and
 * a test connection when given; without one the window is the desktop app's).
 */
export async function mountWithApp(
  component: Component,
  testApi: TestApi,
  options: {
    path?: string;
    pinia?: Pinia;
    connection?: TestConnection;
    props?: Record<string, unknown>;
  } & Omit<ComponentMountingOptions<unknown>, 'props'> = {},
) {
  const pinia = options.pinia ?? createPinia();
  const router = createAppRouter(createMemoryHistory());
  await router.push(options.path ?? '/');
  await router.isReady();
  const wrapper = mount(component as never, {
    ...(options.props === undefined ? {} : { props: options.props as never }),
    attachTo: document.body,
    global: {
      plugins: [
        pinia,
        router,
        createAuditorApiPlugin(testApi.api),
        ...(options.connection ? [createConnectionPlugin(options.connection.monitor)] : []),
      ],
    },
  });
  return { wrapper, pinia, router };
}
