/**
 * The requests of one sync: every document is fetched at the vendor's origin only, with
 * bounded concurrency, within the sync's resource budget, and validated by its parser; a
 * failure is recorded as a sync error and answered with null (the crawl goes on without
 * that resource). Collections are read page by page (CTP 4.1.6) within their bounds.
 * Counts what progress is drawn from.
 */
import type { SyncProgress } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import { nextPage, pageUrl } from './crawlPlanner';
import type { VendorHttp } from './httpClient';
import { parseCollection } from './responseShapes';
import type { CollectionLink, Parsed } from './responseShapes';
import { Slots } from './slots';
import type { SyncErrors } from './syncErrors';
import { atOrigin } from './vendorInput';

export interface FetchLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** `items` per collection page. */
  pageSize: number;
  /** Items read from one collection at most (endless pagination stops here). */
  maxCollectionItems: number;
  /** Resources fetched in one sync at most. */
  maxResources: number;
}

export interface CrawlFetcherDependencies {
  http: VendorHttp;
  vendor: { name: string; baseUrl: string };
  limits: FetchLimits;
  errors: SyncErrors;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  /** Called when the last request in flight has ended. */
  onIdle?: () => void;
}

/** A fetched document: its parsed value and its text as received. */
export interface Fetched<T> {
  value: T;
  text: string;
}

export class CrawlFetcher {
  /** Resources (not collection pages, not log entries) read and valid. */
  resources = 0;
  private fetched = 0;
  private discovered = 1;
  private limitReported = false;
  private readonly requests: Slots;
  private readonly atBase: (url: string) => boolean;

  constructor(private readonly deps: CrawlFetcherDependencies) {
    this.requests = new Slots(deps.limits.concurrency);
    this.atBase = atOrigin(deps.vendor.baseUrl);
  }

  /** No request is in flight. */
  get idle(): boolean {
    return this.requests.idle;
  }

  /** Whether a link may be followed: at the vendor's origin; a refusal is recorded. */
  atVendorOrigin(link: string): boolean {
    if (this.atBase(link)) return true;
    this.deps.errors.record(
      link,
      new AppError('CLIENT_LINK_REFUSED', `${link} is not at the vendor's origin; not followed.`),
    );
    return false;
  }

  /** GETs and parses one document; null (with an error recorded) when it fails. */
  async fetch<T>(
    url: string,
    parse: (text: string) => Parsed<T>,
    countsAsResource: boolean,
  ): Promise<Fetched<T> | null> {
    const { errors } = this.deps;
    if (errors.cancelled || !this.atVendorOrigin(url)) return null;
    if (countsAsResource && !this.withinBudget(url)) return null;
    let text: string;
    await this.requests.acquire();
    try {
      text = (await this.deps.http.getText(url, this.deps.signal)).text;
    } catch (error) {
      this.progress(url);
      errors.record(url, error);
      return null;
    } finally {
      this.requests.release();
      if (this.requests.idle) this.deps.onIdle?.();
    }
    this.progress(url);
    let parsed: Parsed<T>;
    try {
      parsed = parse(text);
    } catch (error) {
      // A parser bug, not the vendor's fault: recorded as such, the crawl goes on.
      errors.record(url, error);
      return null;
    }
    if (!parsed.ok) {
      errors.record(url, new AppError('CLIENT_RESPONSE_INVALID', `${url}: ${parsed.error}`));
      return null;
    }
    if (countsAsResource) this.resources++;
    return { value: parsed.value, text };
  }

  /** Every link of a collection, page by page; `complete` false if anything failed. */
  async readCollection(
    url: string,
    extra: Record<string, string> = {},
  ): Promise<{ items: CollectionLink[]; complete: boolean }> {
    const { pageSize, maxCollectionItems } = this.deps.limits;
    const items: CollectionLink[] = [];
    for (let page = 0; ;) {
      const fetched = await this.fetch(pageUrl(url, page, pageSize, extra), parseCollection, false);
      if (fetched === null) return { items, complete: false };
      const returned = fetched.value.items;
      for (const item of returned) items.push(item);
      this.discovered += returned.length;
      const decision = nextPage(
        {
          received: items.length,
          returned: returned.length,
          collectionLength: fetched.value.collectionLength,
          pages: page + 1,
        },
        { maxItems: maxCollectionItems, pageSize },
      );
      if (decision.next === 'done') return { items, complete: true };
      if (decision.next === 'limit') {
        this.deps.errors.record(url, new AppError('CLIENT_LIMIT', `${url}: ${decision.reason}.`));
        return { items, complete: false };
      }
      page = decision.page;
    }
  }

  /** The sync's resource budget; the first refusal is recorded, once. */
  private withinBudget(url: string): boolean {
    const { maxResources } = this.deps.limits;
    if (this.resources < maxResources) return true;
    if (!this.limitReported) {
      this.limitReported = true;
      this.deps.errors.record(
        url,
        new AppError(
          'CLIENT_LIMIT',
          `More than ${maxResources} resources: the rest was not fetched.`,
        ),
      );
    }
    return false;
  }

  private progress(current: string): void {
    this.fetched++;
    this.deps.onProgress?.({
      vendor: this.deps.vendor.name,
      done: this.fetched,
      total: Math.max(this.discovered, this.fetched),
      current,
    });
  }
}
