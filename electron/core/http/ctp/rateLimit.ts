/**
 * A token bucket per key (a bearer token's account): `burst` requests at once, refilled
 * at `perSecond`. Pure apart from the injected clock; buckets idle for a minute are
 * forgotten so the map stays bounded by the active clients.
 */
export interface RateLimiter {
  /** 0 when the request may go on, else the seconds to wait (`Retry-After`). */
  take(key: string): number;
}

export function createRateLimiter(options: {
  perSecond: number;
  burst: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  return {
    take(key) {
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (t - b.at > 60_000) buckets.delete(k);
        lastSweep = t;
      }
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: t };
      bucket.tokens = Math.min(
        options.burst,
        bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond,
      );
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond));
    },
  };
}
