/**
 * One sync of one vendor as an object: the crawl's state (what was reached, the counters
 * of the report, the queue of store calls) and one walker per resource kind, following the
 * discovery dialogue of CTP appendix A: entry point → service views → (dependencies,
 * recursively, cycles cut, appendix B) → assets → attributes → measurements → metrics;
 * triggers; logs. Unchanged subtrees are skipped by changeId (CTP 4.1.5.5); logs are read
 * from the newest one kept (`oldest`, CTP 5.2.18).
 *
 * A walker answers whether its subtree was read without error: only then is the parent
 * marked complete (and may be skipped by a later sync). A resource that fails is an error
 * of the sync; the crawl goes on without it.
 */
import type { SyncProgress } from '../../../shared/client';
import { minifyJson } from '../../../shared/ctp/jsonText';
import { AppError } from '../../../shared/errors';
import { CrawlFetcher } from './crawlFetcher';
import { canSkipChildren } from './crawlPlanner';
import type { CrawlLimits } from './crawler';
import type { HistoryRepository, ResourceKind, SnapshotResource } from './historyRepository';
import type { VendorHttp } from './httpClient';
import {
  parseAsset,
  parseAttribute,
  parseEntryPoint,
  parseLogEntry,
  parseMeasurement,
  parseMetric,
  parseServiceView,
  parseTrigger,
} from './responseShapes';
import type { EntryPoint, Parsed } from './responseShapes';
import { createStoreQueue } from './storeQueue';
import type { StoreQueue } from './storeQueue';
import { Slots } from './slots';
import { SyncErrors } from './syncErrors';

/**
 * Store writes are committed in batches of up to 2,000 calls, at most every second while
 * requests are in flight: each commit rewrites every page it touched (the indexes take
 * entries in no particular order), so small batches multiply the bytes written and the
 * CPU spent on them (decisions.md "CTP client" has the figures). When the crawl waits for
 * nothing but the store, the batch is committed at once.
 */
const STORE_BATCHES = { intervalMs: 1000, maxBatch: 2000 };

/**
 * Leaf walks in progress per request in flight: most of them wait for their write's batch
 * to be committed, a few for a request slot; enough for a full batch.
 */
const LEAVES_PER_REQUEST = 256;

export interface CrawlSessionDependencies {
  http: VendorHttp;
  store: HistoryRepository;
  clock: () => Date;
  vendor: { name: string; baseUrl: string };
  limits: CrawlLimits;
  /** The sync run (HistoryRepository.startSync) every write belongs to. */
  syncId: number;
  log?: { warn(object: object, message: string): void } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
}

/** Where a resource sits: its parent, and the service view whose subtree holds it. */
export interface Placement {
  parentUrl: string;
  rootUrl: string;
}

/** A resource's stored fields besides its URL, kind and text. */
interface ResourceFields {
  parentUrl: string | null;
  rootUrl: string | null;
  changeId: string | null;
  name: string;
  provider?: string | null;
}

/** True when every walk succeeded; throws the first failure (in order) once all have settled. */
function judge(settled: Array<PromiseSettledResult<boolean>>): boolean {
  const failure = settled.find((item) => item.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return settled.every((item) => item.status === 'fulfilled' && item.value);
}

/** Waits for every walk (none is left running), then fails if one failed. */
async function all(walks: Array<Promise<boolean>>): Promise<boolean> {
  return judge(await Promise.allSettled(walks));
}

export class CrawlSession {
  readonly errors: SyncErrors;
  readonly fetcher: CrawlFetcher;
  newResults = 0;
  newLogs = 0;
  skippedUnchanged = 0;
  /** Views reached in this sync (appendix B "cycle avoidance"). */
  private readonly visited = new Set<string>();
  /** Metrics read in this sync, by URL: each once (appendix A.10). */
  private readonly metrics = new Map<string, Promise<void>>();
  private readonly queue: StoreQueue;
  private readonly leafSlots: Slots;

  constructor(private readonly deps: CrawlSessionDependencies) {
    const { vendor, log } = deps;
    this.errors = new SyncErrors((error) =>
      log?.warn({ vendor: vendor.name, url: error.url, error: error.code }, 'sync error'),
    );
    this.queue = createStoreQueue((work) => deps.store.transaction(work), {
      ...STORE_BATCHES,
      idle: () => this.fetcher.idle,
    });
    this.fetcher = new CrawlFetcher({
      ...deps,
      errors: this.errors,
      onIdle: () => this.queue.nudge(),
    });
    this.leafSlots = new Slots(deps.limits.concurrency * LEAVES_PER_REQUEST);
  }

  /** The entry point (A.1) and every service view it lists; null when it could not be read. */
  async walkEntryPoint(): Promise<EntryPoint | null> {
    const { baseUrl } = this.deps.vendor;
    const entry = await this.fetcher.fetch(baseUrl, parseEntryPoint, false);
    if (entry === null) return null;
    await this.queue.run(() =>
      this.write(baseUrl, 'entryPoint', entry.text, {
        parentUrl: null,
        rootUrl: null,
        changeId: null,
        name: entry.value.name,
        provider: entry.value.provider,
      }),
    );
    await this.walkServiceViews(entry.value.serviceViews);
    return entry.value;
  }

  /** Every service view listed (A.2), each the root of its subtree; views no longer listed are dropped. */
  async walkServiceViews(collectionUrl: string): Promise<void> {
    const { items, complete } = await this.fetcher.readCollection(collectionUrl);
    const viewUrls = items
      .map((item) => item.link)
      .filter((link) => this.fetcher.atVendorOrigin(link));
    await Promise.all(viewUrls.map((viewUrl) => this.walkRoot(viewUrl)));
    // Only a whole list, read while nothing failed locally, says which views are gone.
    const whole = complete && items.length === viewUrls.length;
    if (whole && !this.errors.cancelled && !this.errors.hasLocalFailure())
      await this.queue.run(() => this.deps.store.pruneRootsExcept(viewUrls));
  }

  /** One listed service view: its subtree, then what it no longer holds dropped, then its logs. */
  async walkRoot(viewUrl: string): Promise<void> {
    const { store, syncId, vendor } = this.deps;
    try {
      const placement = { parentUrl: vendor.baseUrl, rootUrl: viewUrl };
      const ok = await this.walkServiceView(viewUrl, 'serviceView', placement, 0);
      // Only a subtree read without error may drop what it no longer holds.
      if (ok && !this.errors.cancelled)
        await this.queue.run(() => store.pruneRoot(viewUrl, syncId));
      await this.walkLogs(viewUrl);
    } catch (error) {
      this.errors.record(viewUrl, error);
    }
  }

  /** A service view or dependency (CTP 4.2.2, 4.2.9) and everything under it. */
  walkServiceView(
    url: string,
    kind: 'serviceView' | 'dependency',
    where: Placement,
    depth: number,
  ): Promise<boolean> {
    // Appendix B ("cycle avoidance"): each view is crawled once per sync; an edge to a
    // view already reached is kept, the view is not walked again.
    if (this.visited.has(url)) return Promise.resolve(true);
    this.visited.add(url);
    const below = { parentUrl: url, rootUrl: where.rootUrl };
    return this.walkParent(
      url,
      kind,
      parseServiceView,
      where,
      (view) => [
        this.walkDependencies(view.dependencies, below, depth),
        this.walkAssets(view.assets, below),
        this.walkTriggers(view.triggers, below),
      ],
      (view) => view.provider,
    );
  }

  /** A view's dependencies (CTP 4.2.9): an edge to each, each walked as a view, to the depth bound. */
  walkDependencies(
    collectionUrl: string | null,
    below: Placement,
    depth: number,
  ): Promise<boolean> {
    const { store, syncId, limits } = this.deps;
    return this.walkCollection(collectionUrl, async (link) => {
      if (!this.fetcher.atVendorOrigin(link)) return false;
      await this.queue.run(() => store.putEdge(syncId, below.parentUrl, link, below.rootUrl));
      if (depth + 1 > limits.maxDependencyDepth) {
        const message = `${link}: dependencies deeper than ${limits.maxDependencyDepth}.`;
        this.errors.record(link, new AppError('CLIENT_LIMIT', message));
        return false;
      }
      return this.walkServiceView(link, 'dependency', below, depth + 1);
    });
  }

  walkAssets(collectionUrl: string | null, below: Placement): Promise<boolean> {
    return this.walkCollection(collectionUrl, (url) => this.walkAsset(url, below));
  }

  /** An asset (CTP 4.2.3) and its attributes. */
  walkAsset(url: string, where: Placement): Promise<boolean> {
    return this.walkParent(url, 'asset', parseAsset, where, (asset) => [
      this.walkAttributes(asset.attributes, { parentUrl: url, rootUrl: where.rootUrl }),
    ]);
  }

  walkAttributes(collectionUrl: string | null, below: Placement): Promise<boolean> {
    return this.walkCollection(collectionUrl, (url) => this.walkAttribute(url, below));
  }

  /** An attribute (CTP 4.2.4) and its measurements. */
  walkAttribute(url: string, where: Placement): Promise<boolean> {
    return this.walkParent(url, 'attribute', parseAttribute, where, (attribute) => [
      this.walkMeasurements(attribute.measurements, { parentUrl: url, rootUrl: where.rootUrl }),
    ]);
  }

  walkMeasurements(collectionUrl: string | null, below: Placement): Promise<boolean> {
    return this.walkLeafCollection(collectionUrl, (url) => this.walkMeasurement(url, below));
  }

  /** A measurement (CTP 4.2.6): stored, its result added to the history, then its metric. */
  async walkMeasurement(url: string, where: Placement): Promise<boolean> {
    const { store, syncId } = this.deps;
    const measurement = await this.fetcher.fetch(url, parseMeasurement, true);
    if (measurement === null) return false;
    const { result, metric, changeId, name } = measurement.value;
    // What the write needs is taken now: the parsed document is not held while it waits.
    const row = this.row(url, 'measurement', measurement.text, { ...where, changeId, name });
    const entry =
      result === null
        ? null
        : {
            measurementUrl: url,
            updateTime: result.updateTime,
            text: result.text,
            authorityId: result.authorityId,
          };
    const added = await this.queue.run(() => {
      const now = this.now();
      store.putResource(syncId, row, now, true);
      return entry !== null && store.addResult(syncId, entry, now);
    });
    if (added) this.newResults++;
    // Appendix A.10: the metric is read from the measurement's link, once per sync.
    if (metric !== null) await this.walkMetric(metric);
    return true;
  }

  /** A metric (CTP 4.2.5), read once per sync however many measurements name it. */
  walkMetric(url: string): Promise<void> {
    let pending = this.metrics.get(url);
    if (pending === undefined) {
      pending = this.readMetric(url);
      this.metrics.set(url, pending);
    }
    return pending;
  }

  walkTriggers(collectionUrl: string | null, below: Placement): Promise<boolean> {
    return this.walkLeafCollection(collectionUrl, (url) => this.walkTrigger(url, below));
  }

  /** A trigger (CTP 4.2.7). */
  async walkTrigger(url: string, where: Placement): Promise<boolean> {
    const trigger = await this.fetcher.fetch(url, parseTrigger, true);
    if (trigger === null) return false;
    const { changeId, name } = trigger.value;
    await this.queue.run(() =>
      this.write(url, 'trigger', trigger.text, { ...where, changeId, name }, { leaf: true }),
    );
    return true;
  }

  /** A view's log entries (CTP 4.2.8) from the newest one kept (inclusive); each new one fetched. */
  async walkLogs(viewUrl: string): Promise<void> {
    const { store } = this.deps;
    const kept = await this.queue.run(() => ({
      view: store.resource(viewUrl),
      oldest: store.newestLogTime(viewUrl),
    }));
    // The copy stored by this sync, or the one kept when this sync could not read the view.
    if (kept.view === null) return;
    const view = parseServiceView(kept.view.body);
    if (!view.ok || view.value.logs === null) return;
    const query: Record<string, string> = kept.oldest === null ? {} : { oldest: kept.oldest };
    const { items } = await this.fetcher.readCollection(view.value.logs, query);
    const known = await this.queue.run(() => items.map((item) => store.hasLog(item.link)));
    const fresh = items.filter((_item, index) => !known[index]);
    await this.walkLeaves(
      fresh.map((item) => item.link),
      (url) => this.walkLogEntry(url, viewUrl),
    );
  }

  /** A log entry (CTP 4.2.8) kept; a failure is recorded here (logs never fail their view). */
  private async walkLogEntry(url: string, viewUrl: string): Promise<boolean> {
    const entry = await this.fetcher.fetch(url, parseLogEntry, false);
    if (entry === null) return false;
    const log = {
      url,
      serviceViewUrl: viewUrl,
      creationTime: entry.value.creationTime,
      body: minifyJson(entry.text),
    };
    try {
      if (await this.queue.run(() => this.deps.store.addLog(log, this.now()))) this.newLogs++;
      return true;
    } catch (error) {
      this.errors.record(url, error);
      return false;
    }
  }

  private async readMetric(url: string): Promise<void> {
    const { baseUrl } = this.deps.vendor;
    const metric = await this.fetcher.fetch(url, parseMetric, true);
    if (metric === null) return;
    const { changeId, name } = metric.value;
    const fields = { parentUrl: baseUrl, rootUrl: baseUrl, changeId, name };
    await this.queue.run(() => this.write(url, 'metric', metric.text, fields, { leaf: true }));
  }

  /**
   * A parent (view, asset, attribute) stored, then its children unless its changeId says
   * they are unchanged (CTP 4.1.5.5); complete once every child was read without error.
   */
  private async walkParent<T extends { changeId: string | null; name: string }>(
    url: string,
    kind: ResourceKind,
    parse: (text: string) => Parsed<T>,
    where: Placement,
    children: (value: T) => Array<Promise<boolean>>,
    provider?: (value: T) => string,
  ): Promise<boolean> {
    const { store, syncId } = this.deps;
    const fetched = await this.fetcher.fetch(url, parse, true);
    if (fetched === null) return false;
    const { value } = fetched;
    const unchanged = await this.queue.run(() => {
      const stored = store.resource(url);
      this.write(url, kind, fetched.text, {
        ...where,
        changeId: value.changeId,
        name: value.name,
        provider: provider?.(value) ?? null,
      });
      if (!canSkipChildren(stored, value.changeId)) return false;
      store.touchDescendants(url, syncId);
      store.setComplete(url, true);
      return true;
    });
    if (unchanged) {
      this.skippedUnchanged++;
      return true;
    }
    const ok = await all(children(value));
    if (ok) await this.queue.run(() => store.setComplete(url, true));
    return ok;
  }

  /** Every item of a collection walked; true when the list and every item were read without error. */
  private async walkCollection(
    url: string | null,
    each: (link: string) => Promise<boolean>,
  ): Promise<boolean> {
    if (url === null) return true;
    const { items, complete } = await this.fetcher.readCollection(url);
    const ok = await all(items.map((item) => each(item.link)));
    return complete && ok;
  }

  /** {@link walkCollection} for leaves: see {@link walkLeaves}. */
  private async walkLeafCollection(
    url: string | null,
    each: (link: string) => Promise<boolean>,
  ): Promise<boolean> {
    if (url === null) return true;
    const { items, complete } = await this.fetcher.readCollection(url);
    const ok = await this.walkLeaves(
      items.map((item) => item.link),
      each,
    );
    return complete && ok;
  }

  /**
   * Leaves (measurements, triggers, log entries) are walked as slots free up: a walk is
   * created only when it may start, so a long list does not wait as thousands of pending
   * walks (memory the garbage collector copies and promotes), while enough run at once to
   * keep the requests fed as others wait for their writes.
   */
  private async walkLeaves(
    links: readonly string[],
    walk: (link: string) => Promise<boolean>,
  ): Promise<boolean> {
    const outcomes: Array<PromiseSettledResult<boolean>> = [];
    const walks: Array<Promise<void>> = [];
    for (const [index, link] of links.entries()) {
      await this.leafSlots.acquire();
      // Settled here, so a failure waits for the others without being left unhandled.
      const settle = (outcome: PromiseSettledResult<boolean>): void => {
        outcomes[index] = outcome;
        this.leafSlots.release();
      };
      walks.push(
        walk(link).then(
          (value) => settle({ status: 'fulfilled', value }),
          (reason: unknown) => settle({ status: 'rejected', reason }),
        ),
      );
    }
    await Promise.all(walks);
    return judge(outcomes);
  }

  /** Stores a resource's latest copy (a leaf complete at once); called inside a queued store call. */
  private write(
    url: string,
    kind: ResourceKind,
    text: string,
    fields: ResourceFields,
    { leaf } = { leaf: false },
  ): void {
    this.deps.store.putResource(
      this.deps.syncId,
      this.row(url, kind, text, fields),
      this.now(),
      leaf,
    );
  }

  /** A resource's stored row: its text minified (whitespace outside strings removed). */
  private row(
    url: string,
    kind: ResourceKind,
    text: string,
    fields: ResourceFields,
  ): SnapshotResource {
    return {
      url,
      kind,
      parentUrl: fields.parentUrl,
      rootUrl: fields.rootUrl,
      changeId: fields.changeId,
      name: fields.name,
      provider: fields.provider ?? null,
      body: minifyJson(text),
    };
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }
}
