/**
 * The portfolio (the Vendors page, `vendor list --json`): each followed vendor with its
 * provider, last sync, freshness, objective counts (claimed and disputed), the signature
 * status of its current results and its open alerts, read from the kept checks.
 */
import type { VendorOverview, VendorSummary } from '../../../shared/client';
import type { VendorRecord, VendorsRepository } from './vendorsRepository';
import type { WorkspaceReader } from './workspaceReader';

export interface VendorPortfolio {
  list(): VendorOverview[];
  /** One vendor's row (VENDOR_NOT_FOUND when it is not followed). */
  one(name: string): VendorOverview;
}

export function createVendorPortfolio(deps: {
  repository: VendorsRepository;
  reader: WorkspaceReader;
  isSyncing: (name: string) => boolean;
  openAlerts: (name: string) => number;
}): VendorPortfolio {
  const row = (summary: VendorSummary, record: VendorRecord): VendorOverview => {
    const aggregates = deps.reader.aggregates(record.id);
    return {
      ...summary,
      provider: record.provider,
      demo: record.demo,
      syncing: deps.isSyncing(record.name),
      lastFinishedAt: aggregates.lastFinished?.finishedAt ?? null,
      resources: aggregates.resources,
      objectives: aggregates.objectives,
      signatures: aggregates.signatures,
      openAlerts: deps.openAlerts(record.name),
    };
  };
  return {
    list() {
      const records = new Map(deps.repository.list().map((record) => [record.name, record]));
      return deps.repository.summaries().flatMap((summary) => {
        const record = records.get(summary.name);
        return record === undefined ? [] : [row(summary, record)];
      });
    },
    one(name) {
      const record = deps.repository.get(name);
      const summary = deps.repository.summaries().find((item) => item.name === record.name);
      if (summary === undefined) throw new Error(`vendor ${record.id} has no summary`);
      return row(summary, record);
    },
  };
}
