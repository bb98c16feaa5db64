/**
 * The offline workspace as the vendor and measurement pages read it (and `vendor tree`,
 * `vendor changes`, `vendor history`): the tree, what the last sync changed, one
 * measurement and its history. Results not verified yet (a workspace synced by an older
 * version) are verified before they are shown.
 */
import type {
  MeasurementDetail,
  MeasurementHistory,
  VendorChanges,
  VendorTree,
} from '../../../shared/client';
import type { ChecksRepository } from './checksRepository';
import type { MeasurementViewDeps } from './measurementView';
import type { SyncRunner } from './syncRunner';
import type { SyncService } from './syncService';
import { buildVendorTree } from './vendorTree';
import type { VendorRecord, VendorsRepository } from './vendorsRepository';
import type { WorkspaceReader } from './workspaceReader';

export interface WorkspaceViews {
  tree(name: string): Promise<VendorTree>;
  changes(name: string): VendorChanges;
  measurement(name: string, url: string): Promise<MeasurementDetail>;
  /** `limit`: the newest points kept (default MAX_HISTORY_POINTS). */
  history(name: string, url: string, options?: { limit?: number }): Promise<MeasurementHistory>;
}

export function createWorkspaceViews(deps: {
  repository: VendorsRepository;
  sync: SyncService;
  reader: WorkspaceReader;
  checks: ChecksRepository;
  runner: SyncRunner;
  clock: () => Date;
}): WorkspaceViews {
  const { repository, reader, checks } = deps;
  const checked = async (name: string): Promise<VendorRecord> => {
    const vendor = repository.get(name);
    if (checks.resultsToVerify(vendor.id, false).length > 0)
      await deps.runner.recheck(vendor, false);
    return vendor;
  };
  const measurementDeps = (vendor: VendorRecord): MeasurementViewDeps => ({
    store: deps.sync.workspace(vendor.name),
    reader,
    checks,
    vendor: { id: vendor.id, name: vendor.name },
    clock: deps.clock,
  });
  return {
    async tree(name) {
      const vendor = await checked(name);
      return {
        vendor: vendor.name,
        syncedAt: reader.lastFinishedSync(vendor.id)?.startedAt ?? null,
        nodes: buildVendorTree(
          reader.treeRows(vendor.id),
          reader.metricNames(vendor.id),
          checks.objectiveChecks(vendor.id),
          checks.currentSignatures(vendor.id),
        ),
      };
    },
    changes(name) {
      const vendor = repository.get(name);
      const sync = reader.lastFinishedSync(vendor.id);
      return { vendor: vendor.name, sync, changes: sync === null ? null : checks.changes(sync.id) };
    },
    // The measurement views evaluate CTPScript: loaded when first opened, so that commands
    // that never show one do not load the language (DESIGN "Command line").
    async measurement(name, url) {
      const { measurementDetail } = await import('./measurementView');
      return measurementDetail(measurementDeps(await checked(name)), url);
    },
    async history(name, url, options = {}) {
      const { measurementHistory } = await import('./measurementView');
      return measurementHistory(measurementDeps(await checked(name)), url, options.limit);
    },
  };
}
