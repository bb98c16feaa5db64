/**
 * One sync of one vendor (CTP appendix A): the crawl itself is a CrawlSession
 * (crawlSession.ts), one walker per resource kind; this runs it and keeps its report.
 * Every response is validated; a bad one is an error for that resource and the crawl goes
 * on. Requests run with bounded concurrency.
 */
import type { SyncProgress, SyncReport } from '../../../shared/client';
import { syncStatus } from './crawlPlanner';
import type { FetchLimits } from './crawlFetcher';
import { CrawlSession } from './crawlSession';
import type { HistoryRepository } from './historyRepository';
import type { VendorHttp } from './httpClient';

export interface CrawlLimits extends FetchLimits {
  /** Depth of dependency chains followed (cycles are cut before that). */
  maxDependencyDepth: number;
}

export const DEFAULT_CRAWL_LIMITS: CrawlLimits = {
  concurrency: 8,
  pageSize: 500,
  maxCollectionItems: 50_000,
  maxResources: 500_000,
  maxDependencyDepth: 32,
};

export interface CrawlerDependencies {
  http: VendorHttp;
  store: HistoryRepository;
  clock: () => Date;
  vendor: { name: string; baseUrl: string };
  log?: { warn(object: object, message: string): void };
  limits?: Partial<CrawlLimits>;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncOutcome {
  report: SyncReport;
  /** The vendor's `provider` from its entry point (appendix B.1), when read. */
  provider: string | null;
  syncId: number;
}

export interface Crawler {
  sync(options?: SyncOptions): Promise<SyncOutcome>;
}

export function createCrawler(deps: CrawlerDependencies): Crawler {
  const limits: CrawlLimits = { ...DEFAULT_CRAWL_LIMITS, ...deps.limits };
  const { http, store, clock, vendor } = deps;
  const now = (): string => clock().toISOString();

  return {
    async sync(options = {}) {
      const started = Date.now();
      const startRequests = http.requests;
      const syncId = store.startSync(now());
      const session = new CrawlSession({
        ...deps,
        limits,
        syncId,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      const entry = await session.walkEntryPoint();
      const { errors } = session;
      const report: SyncReport = {
        vendor: vendor.name,
        requests: http.requests - startRequests,
        resources: session.fetcher.resources,
        newResults: session.newResults,
        skippedUnchanged: session.skippedUnchanged,
        newLogs: session.newLogs,
        errors: errors.list,
        durationMs: Date.now() - started,
        status: syncStatus(errors.list.length, entry !== null),
      };
      store.finishSync(syncId, report, now());
      return { report, provider: entry?.provider ?? null, syncId };
    },
  };
}
