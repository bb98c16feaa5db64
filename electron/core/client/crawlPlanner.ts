/**
 * The crawl's decisions, as pure functions (tested exhaustively): how collections are
 * paged (CTP 4.1.6), when paging stops (bounded against endless collections), when a
 * subtree may be skipped (CTP 4.1.5.5 changeId) and how a sync is judged.
 */
import type { SyncStatus } from '../../../shared/client';

/** A collection URL with `page` and `items` (and any extra query) added (CTP 4.1.6, 5.2.18). */
export function pageUrl(
  collectionUrl: string,
  page: number,
  items: number,
  extra: Record<string, string> = {},
): string {
  const url = new URL(collectionUrl);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  url.searchParams.set('page', String(page));
  url.searchParams.set('items', String(items));
  return url.href;
}

export interface PageOutcome {
  /** Items accumulated so far, this page included. */
  received: number;
  /** This page's item count. */
  returned: number;
  /** The collection's `collectionLength`. */
  collectionLength: number;
  /** Pages fetched so far, this one included. */
  pages: number;
}

export type PagingDecision =
  | { next: 'done' }
  | { next: 'page'; page: number }
  /** The collection claims more than the client accepts: stop with a CLIENT_LIMIT error. */
  | { next: 'limit'; reason: string };

/**
 * After a page: fetch the next one while the collection says there is more, the server
 * still returns items, and the bounds hold (a hostile server may claim a billion items or
 * repeat one page forever).
 */
export function nextPage(
  outcome: PageOutcome,
  bounds: { maxItems: number; pageSize: number },
): PagingDecision {
  if (outcome.returned === 0 || outcome.received >= outcome.collectionLength)
    return { next: 'done' };
  if (outcome.received >= bounds.maxItems) {
    return {
      next: 'limit',
      reason: `the collection claims ${outcome.collectionLength} items; only the first ${outcome.received} were read (limit ${bounds.maxItems})`,
    };
  }
  const maxPages = Math.ceil(bounds.maxItems / Math.max(1, bounds.pageSize)) + 1;
  if (outcome.pages >= maxPages) {
    return { next: 'limit', reason: `more than ${maxPages} pages` };
  }
  return { next: 'page', page: outcome.pages };
}

/**
 * CTP 4.1.5.5: an unchanged changeId means the children are unchanged, but only a copy
 * that was itself complete (fetched without error) may stand in for them.
 */
export function canSkipChildren(
  stored: { changeId: string | null; complete: boolean } | null,
  fetchedChangeId: string | null,
): boolean {
  return (
    stored !== null &&
    stored.complete &&
    fetchedChangeId !== null &&
    stored.changeId !== null &&
    stored.changeId === fetchedChangeId
  );
}

/** ok: no error; partial: some resources failed; failed: nothing could be read. */
export function syncStatus(errors: number, entryPointRead: boolean): SyncStatus {
  if (!entryPointRead) return 'failed';
  return errors === 0 ? 'ok' : 'partial';
}
