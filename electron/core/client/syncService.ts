/**
 * Syncing a followed vendor: builds its HTTP client (token from the secret store, TLS
 * trust of the vendor) and crawler, runs one sync, remembers the vendor's provider name.
 */
import type { SupplyChainGraph, SyncError, SyncProgress } from '../../../shared/client';
import type { SqliteDatabase } from '../store/database';
import { createCrawler } from './crawler';
import type { CrawlLimits, SyncOutcome } from './crawler';
import { createHistoryRepository } from './historyRepository';
import type { HistoryRepository } from './historyRepository';
import { createVendorHttp } from './httpClient';
import type { HttpLimits, VendorHttp, VendorHttpOptions } from './httpClient';
import { observeHttp } from './observedHttp';
import { buildSupplyChainGraph } from './supplyChain';
import type { VendorService } from './vendorService';
import type { VendorsRepository } from './vendorsRepository';

export interface SyncService {
  sync(
    name: string,
    options?: { signal?: AbortSignal; onProgress?: (progress: SyncProgress) => void },
  ): Promise<SyncOutcome>;
  /** The offline workspace of one vendor. */
  workspace(name: string): HistoryRepository;
  /** The supply-chain graph across every followed vendor (appendix B), offline. */
  supplyChain(): SupplyChainGraph;
}

export function createSyncService(deps: {
  db: SqliteDatabase;
  vendors: VendorService;
  repository: VendorsRepository;
  clock: () => Date;
  log?: { warn(object: object, message: string): void };
  httpLimits?: Partial<HttpLimits>;
  crawlLimits?: Partial<CrawlLimits>;
  /** Replaces the undici client (tests of the crawler's wiring only). */
  createHttp?: (options: VendorHttpOptions) => VendorHttp;
}): SyncService {
  const makeHttp = deps.createHttp ?? createVendorHttp;
  return {
    async sync(name, options = {}) {
      const vendor = deps.vendors.get(name);
      let errors = 0;
      let lastError: SyncError | null = null;
      const http = observeHttp(
        makeHttp({
          baseUrl: vendor.baseUrl,
          token: deps.vendors.token(vendor),
          trust: vendor.trust,
          limits: deps.httpLimits,
        }),
        (error) => {
          errors++;
          lastError = error;
        },
      );
      const { onProgress } = options;
      try {
        const crawler = createCrawler({
          http,
          store: createHistoryRepository(deps.db, vendor.id),
          clock: deps.clock,
          vendor: { name: vendor.name, baseUrl: vendor.baseUrl },
          ...(deps.log === undefined ? {} : { log: deps.log }),
          limits: deps.crawlLimits,
        });
        const outcome = await crawler.sync({
          ...options,
          // Progress also carries the requests sent and the failures so far (as they come).
          ...(onProgress === undefined
            ? {}
            : {
                onProgress: (progress) =>
                  onProgress({ ...progress, requests: http.requests, errors, lastError }),
              }),
        });
        if (outcome.provider !== null) deps.repository.setProvider(vendor.id, outcome.provider);
        // OpenCTS: the vendor's telemetry, read after its CTP tree (cts/vendorTelemetry.ts).
        const { readVendorTelemetry } = await import('../cts/vendorTelemetry');
        await readVendorTelemetry({
          db: deps.db,
          vendor,
          http,
          openHttp: makeHttp,
          clock: deps.clock,
          crawl: outcome.report,
        });
        return outcome;
      } finally {
        await http.close();
      }
    },
    workspace(name) {
      return createHistoryRepository(deps.db, deps.vendors.get(name).id);
    },
    supplyChain() {
      return buildSupplyChainGraph(
        deps.repository.list().map((vendor) => {
          const store = createHistoryRepository(deps.db, vendor.id);
          return {
            name: vendor.name,
            provider: vendor.provider,
            resources: store.resources(),
            edges: store.edges(),
          };
        }),
      );
    },
  };
}
