/** The `vendors` service of the contract (the CTP client role), for the renderer's stores. */
import type { Unsubscribe } from '../../../shared/api';
import type {
  SupplyChainGraph,
  SyncProgress,
  SyncReport,
  VendorSummary,
} from '../../../shared/client';
import { callApi, useAuditorApi } from './auditor';

export interface VendorsClient {
  /** Every followed vendor with its last sync. */
  list(): Promise<VendorSummary[]>;
  /** Fetches what the vendor publishes into the offline workspace. */
  sync(name: string): Promise<SyncReport>;
  /** The supply-chain graph across followed vendors (offline). */
  supplyChain(): Promise<SupplyChainGraph>;
  /** Progress of running syncs. */
  onDidSyncProgress(listener: (progress: SyncProgress) => void): Unsubscribe;
}

export function useVendorsApi(): VendorsClient {
  const api = useAuditorApi();
  return {
    list: () => callApi(() => api.vendors.list()),
    sync: (name) => callApi(() => api.vendors.sync({ name })),
    supplyChain: () => callApi(() => api.vendors.supplyChain()),
    onDidSyncProgress: (listener) => api.vendors.onDidSyncProgress(listener),
  };
}
