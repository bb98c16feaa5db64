/**
 * Encoded CTP GET responses, kept while the database is unchanged. A read of the CTP API
 * depends only on the stored data, the requested URL, the advertised base and the service
 * views the caller may see, so those make the key; any write (through this connection or
 * another process's, another `serve` instance's) changes the data version and empties the
 * cache. While the version cannot be known (PostgreSQL's change notifications are not
 * heard), nothing is cached. Reading a 500-item
 * page costs ~0.4 ms of SQLite work, sending it again from here a few microseconds.
 */
export interface CachedResponse {
  body: string;
  contentType: string;
}

export interface ResponseCache {
  /** The data version now (null: unknown); entries stored at another version are dropped. */
  version(): string | null;
  get(key: string): CachedResponse | undefined;
  /** Keeps `response` unless the data changed since `seenVersion` (a write in between). */
  set(key: string, seenVersion: string | null, response: CachedResponse): void;
}

export interface ResponseCacheOptions {
  /** Changes whenever the stored data may have changed; null while that is unknown. */
  dataVersion: () => string | null;
  /** Bound on the cached keys' and bodies' total length (least recently used go first). */
  maxBytes: number;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps it in recency order.
  const entries = new Map<string, CachedResponse>();
  let bytes = 0;
  let current: string | null = null;
  const largest = Math.floor(options.maxBytes / 16);

  const version = (): string | null => {
    const now = options.dataVersion();
    if (now !== current || now === null) {
      entries.clear();
      bytes = 0;
      current = now;
    }
    return now;
  };

  return {
    version,
    get(key) {
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, seenVersion, response) {
      if (seenVersion === null || version() !== seenVersion || sizeOf(key, response) > largest)
        return;
      const previous = entries.get(key);
      if (previous !== undefined) {
        bytes -= sizeOf(key, previous);
        entries.delete(key);
      }
      entries.set(key, response);
      bytes += sizeOf(key, response);
      for (const [oldest, entry] of entries) {
        if (bytes <= options.maxBytes) break;
        entries.delete(oldest);
        bytes -= sizeOf(oldest, entry);
      }
    },
  };
}

const sizeOf = (key: string, response: CachedResponse): number => key.length + response.body.length;
