/**
 * Encoded CTP GET responses, kept while the database is unchanged. A read of the CTP API
 * depends only on the stored data, the requested URL, the advertised base and the service
 * views the caller may see, so those make the key; any write (through this connection or
 * another process's) changes the data version and empties the cache. Reading a 500-item
 * page costs ~0.4 ms of SQLite work, sending it again from here a few microseconds.
 */
export interface CachedResponse {
  body: string;
  contentType: string;
}

export interface ResponseCache {
  /** The data version now; entries stored at an older version are dropped first. */
  version(): string;
  get(key: string): CachedResponse | undefined;
  /** Keeps `response` unless the data changed since `seenVersion` (a write in between). */
  set(key: string, seenVersion: string, response: CachedResponse): void;
}

export interface ResponseCacheOptions {
  /** Changes whenever the stored data may have changed. */
  dataVersion: () => string;
  /** Bound on the cached keys' and bodies' total length (least recently used go first). */
  maxBytes: number;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps it in recency order.
  const entries = new Map<string, CachedResponse>();
  let bytes = 0;
  let current = '';
  const largest = Math.floor(options.maxBytes / 16);

  const version = (): string => {
    const now = options.dataVersion();
    if (now !== current) {
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
      if (version() !== seenVersion || sizeOf(key, response) > largest) return;
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

/**
 * `read`, called at most once per turn of the event loop. A request handled in this turn
 * reached us before the turn began, so a value read during the turn reflects every write
 * committed before the request was sent.
 */
export function oncePerLoopTurn<T>(read: () => T): () => T {
  let value: T;
  let fresh = false;
  const expire = () => {
    fresh = false;
  };
  return () => {
    if (!fresh) {
      value = read();
      fresh = true;
      setImmediate(expire);
    }
    return value;
  };
}
