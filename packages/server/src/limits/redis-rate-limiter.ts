/**
 * @module Redis rate limiter
 *
 * The same clock-aligned fixed windows as the in-process limiter, counted in Redis so every
 * node shares them: one Lua call per verification, atomic, one round trip.
 *
 * When Redis cannot count, the limiter fails closed: a key with a rate limit is refused with
 * 503 `LIMITER_UNAVAILABLE` (never let through unmetered, and never told `RATE_LIMITED`, which
 * would blame the key). Slow is not down, so the limiter tells the cases apart:
 * - the connection is lost: refused at once, with nothing to wait for;
 * - a command stalls: it is waited for up to the command timeout, and only then refused; one
 *   slow reply changes nothing else;
 * - commands keep failing: after {@link FAILURES_TO_OPEN} in a row the circuit opens
 *   (circuit-breaker.ts) and calls are refused at once for {@link OPEN_MS}, then one probe
 *   decides whether Redis is back.
 * Every refusal is reported to `onFailClosed` (the metric `keyward_limiter_fail_closed_total`
 * and the log). Keys without a rate limit never reach the limiter.
 */
import { KeywardError, type RateLimiter } from '@keyward/core';
import type { Redis } from 'ioredis';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../app/error-handler.ts';
import { type CircuitState, createCircuitBreaker } from './circuit-breaker.ts';

const SCRIPT = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
if current == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if current > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return {0, current - tonumber(ARGV[1])}
end
return {1, current}
`;

/** Consecutive failed commands that open the circuit. */
export const FAILURES_TO_OPEN = 5;
/** How long an open circuit refuses calls before one probe, in ms. */
export const OPEN_MS = 1000;

/** Why the limiter refused a call without counting it. */
export type FailClosedReason = 'disconnected' | 'timeout' | 'error' | 'circuit_open';

/** ioredis rejects a command past `commandTimeout` with this message (and no code). */
const TIMED_OUT = 'Command timed out';

export function createRedisRateLimiter(options: {
  redis: Redis;
  prefix: string;
  /** Told of every call refused because Redis could not count it. */
  onFailClosed?: (reason: FailClosedReason, keyId: string, error?: unknown) => void;
  /** Told when the circuit opens, half-opens or closes. */
  onCircuitChange?: (state: CircuitState) => void;
}): RateLimiter {
  const { redis, prefix } = options;
  redis.defineCommand('keywardRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  const run = (
    redis as unknown as Record<string, (...args: (string | number)[]) => Promise<[number, number]>>
  ).keywardRateLimit as (...args: (string | number)[]) => Promise<[number, number]>;
  const breaker = createCircuitBreaker({
    failureThreshold: FAILURES_TO_OPEN,
    openMs: OPEN_MS,
    onStateChange: options.onCircuitChange,
  });
  const refuse = (reason: FailClosedReason, keyId: string, error?: unknown): never => {
    options.onFailClosed?.(reason, keyId, error);
    throw new KeywardError('LIMITER_UNAVAILABLE', {
      cause: error,
      headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) },
    });
  };
  return {
    async consume(keyId, policy, cost, now) {
      const windowMs = policy.windowSeconds * 1000;
      const start = now - (now % windowMs);
      const resetAt = start + windowMs;
      // A lost connection is known without asking: ioredis reconnects in the background.
      if (redis.status !== 'ready') return refuse('disconnected', keyId);
      if (!breaker.allows(now)) return refuse('circuit_open', keyId);
      let reply: [number, number];
      try {
        reply = await run.call(redis, `${prefix}rl:${keyId}:${start}`, cost, policy.limit, windowMs + 1000);
      } catch (error) {
        breaker.failed(Date.now());
        return refuse(
          error instanceof Error && error.message === TIMED_OUT ? 'timeout' : 'error',
          keyId,
          error,
        );
      }
      breaker.succeeded();
      const [allowed, count] = reply;
      return {
        allowed: allowed === 1,
        limit: policy.limit,
        remaining: Math.max(0, policy.limit - count),
        resetAt,
      };
    },
  };
}
