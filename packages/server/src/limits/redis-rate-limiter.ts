/**
 * @module Redis rate limiter
 *
 * The same clock-aligned fixed windows as the in-process limiter, counted in Redis so every
 * node shares them: one Lua call per verification, atomic, one round trip. When Redis does not
 * answer (down, or slower than the timeout) the limiter fails closed: the call is refused as
 * RATE_LIMITED rather than let through unmetered.
 */
import type { RateLimiter } from '@keyward/core';
import type { Redis } from 'ioredis';

const SCRIPT = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
if current == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if current > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, current - tonumber(ARGV[1])}
end
return {1, current}
`;

export function createRedisRateLimiter(options: {
  redis: Redis;
  prefix: string;
  onError?: (error: unknown) => void;
}): RateLimiter {
  const { redis, prefix } = options;
  redis.defineCommand('keywardRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  const run = (
    redis as unknown as Record<string, (...args: (string | number)[]) => Promise<[number, number]>>
  ).keywardRateLimit as (...args: (string | number)[]) => Promise<[number, number]>;
  return {
    async consume(keyId, policy, cost, now) {
      const windowMs = policy.windowSeconds * 1000;
      const start = now - (now % windowMs);
      const resetAt = start + windowMs;
      try {
        const [allowed, count] = await run.call(
          redis,
          `${prefix}rl:${keyId}:${start}`,
          cost,
          policy.limit,
          windowMs + 1000,
        );
        return {
          allowed: allowed === 1,
          limit: policy.limit,
          remaining: Math.max(0, policy.limit - count),
          resetAt,
        };
      } catch (error) {
        options.onError?.(error);
        return { allowed: false, limit: policy.limit, remaining: 0, resetAt };
      }
    },
  };
}
