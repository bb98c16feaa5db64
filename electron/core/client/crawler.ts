/**
 * One sync of one vendor, following the discovery dialogue of CTP appendix A: entry point
 * → service views → (dependencies, recursively, cycles cut, appendix B) → assets →
 * attributes → measurements → metrics; triggers; logs. Collections are paged (CTP 4.1.6),
 * unchanged subtrees are skipped by changeId (CTP 4.1.5.5), logs are read from the newest
 * one already kept (`oldest`, CTP 5.2.18). Every response is validated; a bad one is an
 * error for that resource and the crawl goes on. Requests run with bounded concurrency.
 */
import type { SyncError, SyncProgress, SyncReport } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import { canSkipChildren, nextPage, pageUrl, syncStatus } from './crawlPlanner';
import type { HistoryRepository, ResourceKind } from './historyRepository';
import type { VendorHttp } from './httpClient';
import { minifyJson } from '../../../shared/ctp/jsonText';
import {
  parseAsset,
  parseAttribute,
  parseCollection,
  parseEntryPoint,
  parseLogEntry,
  parseMeasurement,
  parseMetric,
  parseServiceView,
  parseTrigger,
} from './responseShapes';
import type { CollectionLink, Parsed, ServiceView } from './responseShapes';
import { sameOrigin } from './vendorInput';

export interface CrawlLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** `items` per collection page. */
  pageSize: number;
  /** Items read from one collection at most (endless pagination stops here). */
  maxCollectionItems: number;
  /** Resources fetched in one sync at most. */
  maxResources: number;
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

/** A counting semaphore: at most `size` tasks run at once. */
function createLimiter(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
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
      const errors: SyncError[] = [];
      const visited = new Set<string>();
      const metrics = new Map<string, Promise<void>>();
      const limit = createLimiter(limits.concurrency);
      let resources = 0;
      let fetched = 0;
      let discovered = 1;
      let newResults = 0;
      let newLogs = 0;
      let skippedUnchanged = 0;
      let limitReported = false;
      let cancelled = false;

      const record = (url: string, error: unknown): void => {
        if (error instanceof AppError) {
          if (error.code === 'CLIENT_CANCELLED') {
            cancelled = true;
            if (errors.some((item) => item.code === 'CLIENT_CANCELLED')) return;
          }
          const status = error.details?.status;
          errors.push({
            url,
            code: error.code,
            message: error.message,
            ...(typeof status === 'number' ? { status } : {}),
          });
        } else {
          // Not the vendor's fault: a bug or a local failure (disk full); the sync says so.
          errors.push({
            url,
            code: 'APP_INTERNAL',
            message: `${url}: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        deps.log?.warn({ vendor: vendor.name, url, error: errors.at(-1)?.code }, 'sync error');
      };

      /** Whether a link may be followed: at the vendor's origin; a refusal is recorded. */
      const atVendorOrigin = (link: string): boolean => {
        if (sameOrigin(link, vendor.baseUrl)) return true;
        record(
          link,
          new AppError(
            'CLIENT_LINK_REFUSED',
            `${link} is not at the vendor's origin; not followed.`,
          ),
        );
        return false;
      };
      const progress = (current: string): void => {
        options.onProgress?.({
          vendor: vendor.name,
          done: fetched,
          total: Math.max(discovered, fetched),
          current,
        });
      };

      /** GETs and parses one document; null (with an error recorded) when it fails. */
      const fetchParsed = async <T>(
        url: string,
        parse: (text: string) => Parsed<T>,
        countsAsResource: boolean,
      ): Promise<{ value: T; text: string } | null> => {
        if (cancelled) return null;
        if (!atVendorOrigin(url)) return null;
        if (countsAsResource && resources >= limits.maxResources) {
          if (!limitReported) {
            limitReported = true;
            record(
              url,
              new AppError(
                'CLIENT_LIMIT',
                `More than ${limits.maxResources} resources: the rest was not fetched.`,
              ),
            );
          }
          return null;
        }
        try {
          const response = await limit(() => http.getText(url, options.signal));
          fetched++;
          progress(url);
          const parsed = parse(response.text);
          if (!parsed.ok) {
            record(url, new AppError('CLIENT_RESPONSE_INVALID', `${url}: ${parsed.error}`));
            return null;
          }
          if (countsAsResource) resources++;
          return { value: parsed.value, text: response.text };
        } catch (error) {
          fetched++;
          progress(url);
          record(url, error);
          return null;
        }
      };

      /** Every link of a collection, page by page; `complete` false if anything failed. */
      const readCollection = async (
        url: string,
        extra: Record<string, string> = {},
      ): Promise<{ items: CollectionLink[]; complete: boolean }> => {
        const items: CollectionLink[] = [];
        for (let page = 0; ;) {
          const pageLink = pageUrl(url, page, limits.pageSize, extra);
          const fetchedPage = await fetchParsed(pageLink, parseCollection, false);
          if (fetchedPage === null) return { items, complete: false };
          const { value } = fetchedPage;
          items.push(...value.items);
          discovered += value.items.length;
          const decision = nextPage(
            {
              received: items.length,
              returned: value.items.length,
              collectionLength: value.collectionLength,
              pages: page + 1,
            },
            { maxItems: limits.maxCollectionItems, pageSize: limits.pageSize },
          );
          if (decision.next === 'done') return { items, complete: true };
          if (decision.next === 'limit') {
            record(url, new AppError('CLIENT_LIMIT', `${url}: ${decision.reason}.`));
            return { items, complete: false };
          }
          page = decision.page;
        }
      };

      const put = (
        url: string,
        kind: ResourceKind,
        text: string,
        fields: {
          parentUrl: string | null;
          rootUrl: string | null;
          changeId: string | null;
          name: string;
          provider?: string | null;
        },
      ): void => {
        store.putResource(
          syncId,
          {
            url,
            kind,
            parentUrl: fields.parentUrl,
            rootUrl: fields.rootUrl,
            changeId: fields.changeId,
            name: fields.name,
            provider: fields.provider ?? null,
            body: minifyJson(text),
          },
          now(),
        );
      };

      /** Waits for every task (none is left running), then fails if one failed. */
      const all = async (tasks: Array<Promise<boolean>>): Promise<boolean> => {
        const settled = await Promise.allSettled(tasks);
        const failure = settled.find((item) => item.status === 'rejected');
        if (failure !== undefined) throw failure.reason;
        return settled.every((item) => item.status === 'fulfilled' && item.value);
      };

      const crawlMetric = (url: string): Promise<void> => {
        let pending = metrics.get(url);
        if (pending === undefined) {
          pending = (async () => {
            const metric = await fetchParsed(url, parseMetric, true);
            if (metric === null) return;
            put(url, 'metric', metric.text, {
              parentUrl: vendor.baseUrl,
              rootUrl: vendor.baseUrl,
              changeId: metric.value.changeId,
              name: metric.value.name,
            });
            store.setComplete(url, true);
          })();
          metrics.set(url, pending);
        }
        return pending;
      };

      const crawlMeasurement = async (
        url: string,
        parentUrl: string,
        rootUrl: string,
      ): Promise<boolean> => {
        const measurement = await fetchParsed(url, parseMeasurement, true);
        if (measurement === null) return false;
        const { value } = measurement;
        store.transaction(() => {
          put(url, 'measurement', measurement.text, {
            parentUrl,
            rootUrl,
            changeId: value.changeId,
            name: value.name,
          });
          store.setComplete(url, true);
          if (value.result !== null) {
            const added = store.addResult(
              syncId,
              {
                measurementUrl: url,
                updateTime: value.result.updateTime,
                text: value.result.text,
                authorityId: value.result.authorityId,
              },
              now(),
            );
            if (added) newResults++;
          }
        });
        // Appendix A.10: the metric is read from the measurement's link, once per sync.
        if (value.metric !== null) await crawlMetric(value.metric);
        return true;
      };

      /** Fetches a parent resource, and its children unless its changeId says they are unchanged. */
      const crawlParent = async <T extends { changeId: string | null; name: string }>(
        url: string,
        kind: ResourceKind,
        parse: (text: string) => Parsed<T>,
        where: { parentUrl: string | null; rootUrl: string },
        children: (value: T) => Array<Promise<boolean>>,
        provider?: (value: T) => string,
      ): Promise<boolean> => {
        const fetchedParent = await fetchParsed(url, parse, true);
        if (fetchedParent === null) return false;
        const { value } = fetchedParent;
        const stored = store.resource(url);
        put(url, kind, fetchedParent.text, {
          ...where,
          changeId: value.changeId,
          name: value.name,
          provider: provider?.(value) ?? null,
        });
        if (canSkipChildren(stored, value.changeId)) {
          skippedUnchanged++;
          store.touchDescendants(url, syncId);
          store.setComplete(url, true);
          return true;
        }
        const ok = await all(children(value));
        if (ok) store.setComplete(url, true);
        return ok;
      };

      const crawlCollection = async (
        url: string | null,
        each: (link: string) => Promise<boolean>,
      ): Promise<boolean> => {
        if (url === null) return true;
        const { items, complete } = await readCollection(url);
        const ok = await all(items.map((item) => each(item.link)));
        return complete && ok;
      };

      const crawlTrigger = async (
        url: string,
        parentUrl: string,
        rootUrl: string,
      ): Promise<boolean> => {
        const trigger = await fetchParsed(url, parseTrigger, true);
        if (trigger === null) return false;
        put(url, 'trigger', trigger.text, {
          parentUrl,
          rootUrl,
          changeId: trigger.value.changeId,
          name: trigger.value.name,
        });
        store.setComplete(url, true);
        return true;
      };

      const crawlView = async (
        url: string,
        kind: 'serviceView' | 'dependency',
        parentUrl: string,
        rootUrl: string,
        depth: number,
      ): Promise<boolean> => {
        // Appendix B ("cycle avoidance"): each view is crawled once per sync; an edge to a
        // view already reached is kept, the view is not walked again.
        if (visited.has(url)) return true;
        visited.add(url);
        return crawlParent<ServiceView>(
          url,
          kind,
          parseServiceView,
          { parentUrl, rootUrl },
          (view) => [
            crawlCollection(view.dependencies, async (link) => {
              if (!atVendorOrigin(link)) return false;
              store.putEdge(syncId, url, link, rootUrl);
              if (depth + 1 > limits.maxDependencyDepth) {
                record(
                  link,
                  new AppError(
                    'CLIENT_LIMIT',
                    `${link}: dependencies deeper than ${limits.maxDependencyDepth}.`,
                  ),
                );
                return false;
              }
              return crawlView(link, 'dependency', url, rootUrl, depth + 1);
            }),
            crawlCollection(view.assets, (assetUrl) =>
              crawlParent(assetUrl, 'asset', parseAsset, { parentUrl: url, rootUrl }, (asset) => [
                crawlCollection(asset.attributes, (attributeUrl) =>
                  crawlParent(
                    attributeUrl,
                    'attribute',
                    parseAttribute,
                    { parentUrl: assetUrl, rootUrl },
                    (attribute) => [
                      crawlCollection(attribute.measurements, (measurementUrl) =>
                        crawlMeasurement(measurementUrl, attributeUrl, rootUrl),
                      ),
                    ],
                  ),
                ),
              ]),
            ),
            crawlCollection(view.triggers, (triggerUrl) => crawlTrigger(triggerUrl, url, rootUrl)),
          ],
          (view) => view.provider,
        );
      };

      /** Logs of a view from the newest one kept (inclusive), entries not kept yet fetched. */
      const crawlLogs = async (viewUrl: string): Promise<void> => {
        const view = store.resource(viewUrl);
        if (view === null) return;
        const parsedView = parseServiceView(view.body);
        if (!parsedView.ok || parsedView.value.logs === null) return;
        const oldest = store.newestLogTime(viewUrl);
        const { items } = await readCollection(
          parsedView.value.logs,
          oldest === null ? {} : { oldest },
        );
        await Promise.allSettled(
          items
            .filter((item) => !store.hasLog(item.link))
            .map(async (item) => {
              const entry = await fetchParsed(item.link, parseLogEntry, false);
              if (entry === null) return;
              try {
                const added = store.addLog(
                  {
                    url: item.link,
                    serviceViewUrl: viewUrl,
                    creationTime: entry.value.creationTime,
                    body: minifyJson(entry.text),
                  },
                  now(),
                );
                if (added) newLogs++;
              } catch (error) {
                record(item.link, error);
              }
            }),
        );
      };

      let provider: string | null = null;
      const entry = await fetchParsed(vendor.baseUrl, parseEntryPoint, false);
      if (entry !== null) {
        provider = entry.value.provider;
        put(vendor.baseUrl, 'entryPoint', entry.text, {
          parentUrl: null,
          rootUrl: null,
          changeId: null,
          name: entry.value.name,
          provider,
        });
        const { items: views, complete } = await readCollection(entry.value.serviceViews);
        const viewUrls = views.map((item) => item.link).filter(atVendorOrigin);
        await Promise.all(
          viewUrls.map(async (viewUrl) => {
            try {
              const ok = await crawlView(viewUrl, 'serviceView', vendor.baseUrl, viewUrl, 0);
              // Only a subtree read without error may drop what it no longer holds.
              if (ok && !cancelled) store.pruneRoot(viewUrl, syncId);
              await crawlLogs(viewUrl);
            } catch (error) {
              record(viewUrl, error);
            }
          }),
        );
        if (
          complete &&
          !cancelled &&
          views.length === viewUrls.length &&
          errors.every((e) => e.code !== 'APP_INTERNAL')
        )
          store.pruneRootsExcept(viewUrls);
      }

      const report: SyncReport = {
        vendor: vendor.name,
        requests: http.requests - startRequests,
        resources,
        newResults,
        skippedUnchanged,
        newLogs,
        errors,
        durationMs: Date.now() - started,
        status: syncStatus(errors.length, entry !== null),
      };
      store.finishSync(syncId, report, now());
      return { report, provider, syncId };
    },
  };
}
