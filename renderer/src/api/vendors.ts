/** The `vendors` service of the contract (the CTP client role), for the renderer's stores. */
import type { Unsubscribe, VendorsChangeEvent } from '../../../shared/api';
import type {
  AuthoritiesChange,
  AuthorityAddRequest,
  AuthorityEntry,
  CertificateProbe,
  MeasurementDetail,
  MeasurementHistory,
  SupplyChainGraph,
  SyncProgress,
  SyncReport,
  VendorAddRequest,
  VendorChanges,
  VendorEditRequest,
  VendorOverview,
  VendorTree,
} from '../../../shared/client';
import { callApi, toPlain, useAuditorApi } from './auditor';

export interface VendorsClient {
  /** The portfolio: every followed vendor with its sync, objective and signature counts. */
  list(): Promise<VendorOverview[]>;
  /** The certificate a CtpBase's server shows (trust on first use), without sending a token. */
  probe(url: string): Promise<CertificateProbe>;
  /** Follows a vendor once its entry point answers with this token and trust. */
  add(request: VendorAddRequest): Promise<VendorOverview>;
  edit(request: VendorEditRequest): Promise<VendorOverview>;
  /** Forgets a vendor, its workspace data and its token. */
  remove(name: string): Promise<void>;
  /** Follows the demonstration provider (published on loopback) as a demo vendor. */
  addDemo(): Promise<VendorOverview>;
  sync(name: string): Promise<SyncReport>;
  /** Cancels a running sync; false when none ran. */
  cancelSync(name: string): Promise<boolean>;
  tree(name: string): Promise<VendorTree>;
  changes(name: string): Promise<VendorChanges>;
  measurement(name: string, url: string): Promise<MeasurementDetail>;
  history(name: string, url: string): Promise<MeasurementHistory>;
  /** The supply-chain graph across followed vendors (offline). */
  supplyChain(): Promise<SupplyChainGraph>;
  authorities(): Promise<AuthorityEntry[]>;
  addAuthority(request: AuthorityAddRequest): Promise<AuthoritiesChange>;
  removeAuthority(kind: 'key' | 'ca', id: string): Promise<AuthoritiesChange>;
  /** Progress of running syncs. */
  onDidSyncProgress(listener: (progress: SyncProgress) => void): Unsubscribe;
  /** Vendors added, edited, removed or synced, or the authorities changed. */
  onDidChange(listener: (change: VendorsChangeEvent) => void): Unsubscribe;
}

export function useVendorsApi(): VendorsClient {
  const api = useAuditorApi();
  const vendors = api.vendors;
  return {
    list: () => callApi(() => vendors.list()),
    probe: (url) => callApi(() => vendors.probe({ url })),
    add: (request) => callApi(() => vendors.add(toPlain(request))),
    edit: (request) => callApi(() => vendors.edit(toPlain(request))),
    remove: (name) => callApi(() => vendors.remove({ name })),
    addDemo: () => callApi(() => vendors.addDemo()),
    sync: (name) => callApi(() => vendors.sync({ name })),
    cancelSync: (name) => callApi(() => vendors.cancelSync({ name })),
    tree: (name) => callApi(() => vendors.tree({ name })),
    changes: (name) => callApi(() => vendors.changes({ name })),
    measurement: (name, url) => callApi(() => vendors.measurement({ name, url })),
    history: (name, url) => callApi(() => vendors.history({ name, url })),
    supplyChain: () => callApi(() => vendors.supplyChain()),
    authorities: () => callApi(() => vendors.authorities()),
    addAuthority: (request) => callApi(() => vendors.addAuthority(toPlain(request))),
    removeAuthority: (kind, id) => callApi(() => vendors.removeAuthority({ kind, id })),
    onDidSyncProgress: (listener) => vendors.onDidSyncProgress(listener),
    onDidChange: (listener) => vendors.onDidChange(listener),
  };
}
