/**
 * Collection queries (CTP 4.1.6, 5.2.18): `page` and `items` both or neither, integers,
 * page >= 0, items > 0; logs add `oldest` (inclusive), `newest` (exclusive) and `tags`
 * (all must match). Pure: the routes turn a {@link QueryError} into a 400.
 */

export class QueryError extends Error {}

export interface PageRequest {
  page: number;
  items: number;
}

export interface CollectionQuery {
  page: PageRequest | null;
  name: string | null;
}

export interface LogQuery extends CollectionQuery {
  /** Milliseconds since the epoch, inclusive. */
  oldest: number | null;
  /** Milliseconds since the epoch, exclusive. */
  newest: number | null;
  tags: string[];
}

/** The largest page a client may ask for (bounded collections). */
export const MAX_ITEMS = 10_000;

const INTEGER = /^\d{1,15}$/;

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new QueryError(`${name} must be given at most once`);
  return value;
}

export function parseCollectionQuery(query: Record<string, unknown>): CollectionQuery {
  const page = single(query.page, 'page');
  const items = single(query.items, 'items');
  const name = single(query.name, 'name');
  if ((page === undefined) !== (items === undefined)) {
    throw new QueryError('page and items must be given together, or neither (CTP 4.1.6)');
  }
  let pageRequest: PageRequest | null = null;
  if (page !== undefined && items !== undefined) {
    if (!INTEGER.test(page)) throw new QueryError(`page must be an integer >= 0; got "${page}"`);
    if (!INTEGER.test(items) || Number(items) === 0) {
      throw new QueryError(`items must be an integer > 0; got "${items}"`);
    }
    if (Number(items) > MAX_ITEMS) {
      throw new QueryError(`items must be at most ${MAX_ITEMS}; got ${items}`);
    }
    pageRequest = { page: Number(page), items: Number(items) };
  }
  return { page: pageRequest, name: name ?? null };
}

export function parseLogQuery(
  query: Record<string, unknown>,
  parseTime: (text: string) => number | null,
): LogQuery {
  const base = parseCollectionQuery(query);
  const time = (key: 'oldest' | 'newest'): number | null => {
    const text = single(query[key], key);
    if (text === undefined) return null;
    const ms = parseTime(text);
    if (ms === null) throw new QueryError(`${key} must be an RFC 3339 date-time; got "${text}"`);
    return ms;
  };
  const tagsText = single(query.tags, 'tags');
  const tags =
    tagsText === undefined
      ? []
      : tagsText
          .split(',')
          .map((tag) => tag.trim())
          .filter((tag) => tag.length > 0);
  return { ...base, oldest: time('oldest'), newest: time('newest'), tags };
}

/** The slice of a collection of `length` items that a page selects (CTP 4.1.6). */
export function pageBounds(
  length: number,
  page: PageRequest | null,
): { offset: number; limit: number } {
  if (page === null) return { offset: 0, limit: length };
  const offset = page.page * page.items;
  if (offset >= length) return { offset: length, limit: 0 };
  return { offset, limit: Math.min(page.items, length - offset) };
}

export function paginate<T>(items: readonly T[], page: PageRequest | null): T[] {
  const { offset, limit } = pageBounds(items.length, page);
  return items.slice(offset, offset + limit);
}
