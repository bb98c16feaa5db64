import type { VendorsApi, VendorsChangeEvent } from '../../../shared/api';
import type { SyncProgress, VendorTrust } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import { createUnreadAlertCounts } from '../alerts/listener/inboxRepository';
import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { withThrottledProgress } from '../throttle';
import { createAuthorityService, type AuthorityService } from './authorityService';
import { createChecksRepository } from './checksRepository';
import { DEMO_VENDOR_NAME, type DemoProvider } from './demoProvider';
import { createVendorHttp } from './httpClient';
import type { SecretStore } from './secretStore';
import { createSyncRunner, type SyncRunner } from './syncRunner';
import { createSyncService, type SyncService } from './syncService';
import { checkVendorConnection, probeCertificate } from './vendorConnection';
import { normalizeBaseUrl } from './vendorInput';
import { createVendorPortfolio, type VendorPortfolio } from './vendorPortfolio';
import { checkTrust, createVendorService, type VendorService } from './vendorService';
import { createVendorsRepository, type VendorsRepository } from './vendorsRepository';
import { loadAuthorityKeys } from './authorities';
import type { WorkspaceChecks } from './workspaceChecks';
import { createWorkspaceReader } from './workspaceReader';
import { createWorkspaceViews, type WorkspaceViews } from './workspaceViews';

export interface ClientServices {
  vendors: VendorService;
  sync: SyncService;
  repository: VendorsRepository;
  /** Syncs with cancel, change records and checks (what the app and `vendor sync` run). */
  runner: SyncRunner;
  portfolio: VendorPortfolio;
  views: WorkspaceViews;
  authorities: AuthorityService;
  /**
   * Re-evaluates a vendor's objectives and verifies its kept results' signatures with
   * the authority keys of `<data-dir>/authorities.json` (offline).
   */
  check(name: string): Promise<WorkspaceChecks>;
}

type ClientCalls = `vendors.${Exclude<keyof VendorsApi, `onDid${string}`>}`;

/** Reads the entry point with the token and trust before anything is stored. */
function checkConnection(url: string, token: string | null, trust: VendorTrust) {
  return checkVendorConnection({ baseUrl: normalizeBaseUrl(url), token, trust }, createVendorHttp);
}

/** The `vendors.*` calls; each change is announced on `vendors.onDidChange`. */
function clientHandlers(
  services: ClientServices,
  demo: DemoProvider,
  events: EventBus,
): CoreModule<ClientServices, ClientCalls>['handlers'] {
  const { vendors, sync, repository, runner, portfolio, views, authorities } = services;
  const changed = (vendor: string | null, reason: VendorsChangeEvent['reason']): void =>
    events.emit('vendors.onDidChange', { vendor, reason });

  return {
    'vendors.list': async () => portfolio.list(),
    'vendors.probe': ({ url }) => probeCertificate(url),
    'vendors.add': async (request) => {
      if (repository.find(request.name.normalize('NFC')) !== null) {
        throw new AppError(
          'VENDOR_EXISTS',
          `A vendor named ${JSON.stringify(request.name)} already exists; choose another name.`,
        );
      }
      await checkConnection(request.url, request.token, checkTrust(request.trust));
      const added = vendors.add(request);
      changed(added.name, 'added');
      return portfolio.one(added.name);
    },
    'vendors.edit': async ({ name, ...changes }) => {
      const current = vendors.get(name);
      await checkConnection(
        changes.url ?? current.baseUrl,
        changes.token === undefined ? vendors.token(current) : changes.token,
        changes.trust === undefined ? current.trust : checkTrust(changes.trust),
      );
      const edited = vendors.edit(name, changes);
      changed(edited.name, 'edited');
      return portfolio.one(edited.name);
    },
    'vendors.remove': async ({ name }) => {
      const vendor = vendors.get(name);
      await runner.stop(vendor.name);
      vendors.remove(vendor.name);
      if (vendor.demo) await demo.close();
      changed(vendor.name, 'removed');
    },
    'vendors.addDemo': async () => {
      const existing = repository.find(DEMO_VENDOR_NAME);
      if (existing !== null && existing.demo) return portfolio.one(existing.name);
      const endpoint = await demo.start();
      const added = vendors.add({
        name: DEMO_VENDOR_NAME,
        url: endpoint.ctpBase,
        token: endpoint.token,
        trust: { kind: 'fingerprint', sha256: endpoint.fingerprint256 },
      });
      repository.setDemo(added.id);
      changed(added.name, 'added');
      return portfolio.one(added.name);
    },
    'vendors.sync': async ({ name }) => {
      const vendor = vendors.get(name).name;
      try {
        const outcome = await withThrottledProgress(
          (value: SyncProgress) => events.emit('vendors.onDidSyncProgress', value),
          (onProgress) => {
            const running = runner.sync(vendor, { onProgress });
            changed(vendor, 'syncing');
            return running;
          },
        );
        return outcome.report;
      } finally {
        changed(vendor, 'synced');
      }
    },
    'vendors.cancelSync': async ({ name }) => runner.cancel(vendors.get(name).name),
    'vendors.tree': ({ name }) => views.tree(name),
    'vendors.changes': async ({ name }) => views.changes(name),
    'vendors.measurement': ({ name, url }) => views.measurement(name, url),
    'vendors.history': ({ name, url }) => views.history(name, url),
    'vendors.supplyChain': async () => sync.supplyChain(),
    'vendors.authorities': async () => authorities.list(),
    'vendors.addAuthority': async (request) => {
      const change = await authorities.add(request);
      changed(null, 'authorities');
      return change;
    },
    'vendors.removeAuthority': async (request) => {
      const change = await authorities.remove(request);
      changed(null, 'authorities');
      return change;
    },
  };
}

/** The CTP client (DESIGN "Layout": client/): followed vendors, their sync and workspace. */
export function createClientModule(deps: {
  db: SqliteDatabase;
  /** The data folder (authorities.json, the demo provider's folder). */
  dataDir: string;
  secrets: SecretStore;
  clock: () => Date;
  events: EventBus;
  /** The first run's demonstration provider (demoProvider.ts). */
  demo: DemoProvider;
}): CoreModule<ClientServices, ClientCalls> {
  const { db, secrets, clock, events, demo } = deps;
  const repository = createVendorsRepository(db);
  const vendors = createVendorService({ vendors: repository, secrets, clock });
  const sync = createSyncService({ db, vendors, repository, clock });
  const reader = createWorkspaceReader(db);
  const checks = createChecksRepository(db);
  const runner = createSyncRunner({
    sync,
    vendors,
    reader,
    checks,
    demo,
    authorities: () => loadAuthorityKeys(deps.dataDir),
    clock,
  });
  const portfolio = createVendorPortfolio({
    repository,
    reader,
    isSyncing: (name) => runner.isRunning(name),
    openAlerts: createUnreadAlertCounts(db),
  });
  const views = createWorkspaceViews({ repository, sync, reader, checks, runner, clock });
  const authorities = createAuthorityService({ dataDir: deps.dataDir, repository, runner });
  const services: ClientServices = {
    vendors,
    sync,
    repository,
    runner,
    portfolio,
    views,
    authorities,
    async check(name) {
      const { checkWorkspace } = await import('./workspaceChecks');
      return checkWorkspace(sync.workspace(name), loadAuthorityKeys(deps.dataDir), clock);
    },
  };

  return {
    services,
    handlers: clientHandlers(services, demo, events),
    async dispose() {
      await runner.dispose();
      await demo.close();
    },
  };
}
