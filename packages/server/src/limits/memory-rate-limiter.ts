/**
 * @module In-process rate limiter
 *
 * Fixed windows aligned to the clock (`[n·window, (n+1)·window)`), counted per key in this
 * process. Exact for a single node; with several nodes use the Redis limiter, which shares the
 * counters. Rejected calls are not counted.
 */
import type { RateLimiter } from '@keyward/core';

export function createMemoryRateLimiter(options: { maxKeys?: number } = {}): RateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async consume(keyId, policy, cost, now) {
      const windowMs = policy.windowSeconds * 1000;
      const start = now - (now % windowMs);
      let window = windows.get(keyId);
      if (!window || window.start !== start) {
        if (!window && windows.size >= maxKeys) {
          const oldest = windows.keys().next();
          if (!oldest.done) windows.delete(oldest.value);
        }
        window = { start, count: 0 };
        windows.set(keyId, window);
      }
      const allowed = window.count + cost <= policy.limit;
      if (allowed) window.count += cost;
      return {
        allowed,
        limit: policy.limit,
        remaining: Math.max(0, policy.limit - window.count),
        resetAt: start + windowMs,
      };
    },
  };
}
