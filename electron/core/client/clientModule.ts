import type { SyncProgress } from '../../../shared/client';
import type { EventBus } from '../events';
import type { CoreModule } from '../module';
import type { SqliteDatabase } from '../store/database';
import { withThrottledProgress } from '../throttle';
import type { SecretStore } from './secretStore';
import { createSyncService, type SyncService } from './syncService';
import { createVendorService, type VendorService } from './vendorService';
import { createVendorsRepository, type VendorsRepository } from './vendorsRepository';
import type { WorkspaceChecks } from './workspaceChecks';

export interface ClientServices {
  vendors: VendorService;
  sync: SyncService;
  repository: VendorsRepository;
  /**
   * Re-evaluates a vendor's objectives and verifies its kept results' signatures with
   * the authority keys of `<data-dir>/authorities.json` (offline).
   */
  check(name: string): Promise<WorkspaceChecks>;
}

type ClientCalls = 'vendors.list' | 'vendors.sync' | 'vendors.supplyChain';

/** The CTP client (DESIGN "Layout": client/): followed vendors, their sync and workspace. */
export function createClientModule(deps: {
  db: SqliteDatabase;
  /** The data folder (authorities.json). */
  dataDir: string;
  secrets: SecretStore;
  clock: () => Date;
  events: EventBus;
}): CoreModule<ClientServices, ClientCalls> {
  const { db, secrets, clock, events } = deps;
  const repository = createVendorsRepository(db);
  const vendors = createVendorService({ vendors: repository, secrets, clock });
  const sync = createSyncService({ db, vendors, repository, clock });
  return {
    services: {
      vendors,
      sync,
      repository,
      async check(name) {
        // Signature checks load jose and the CTPScript engine: only when asked.
        const { checkWorkspace, loadAuthorityKeys } = await import('./workspaceChecks');
        return checkWorkspace(sync.workspace(name), loadAuthorityKeys(deps.dataDir), clock);
      },
    },
    handlers: {
      'vendors.list': async () => vendors.list(),
      'vendors.supplyChain': async () => sync.supplyChain(),
      'vendors.sync': async ({ name }) => {
        const outcome = await withThrottledProgress(
          (value: SyncProgress) => events.emit('vendors.onDidSyncProgress', value),
          (onProgress) => sync.sync(name, { onProgress }),
        );
        return outcome.report;
      },
    },
    dispose() {},
  };
}
