/**
 * @module App adapters
 *
 * The outside services a node talks to besides its database: the invalidation bus (Redis
 * pub/sub, else PostgreSQL `LISTEN/NOTIFY`, else in-process) and the rate limiter (Redis, else
 * in memory).
 */
import type { RateLimiter } from '@keyward/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { KeywardConfig } from '../config/keyward-config.ts';
import { createMemoryRateLimiter } from '../limits/memory-rate-limiter.ts';
import { createRedisRateLimiter, type FailClosedReason } from '../limits/redis-rate-limiter.ts';
import { createLocalInvalidationBus, type InvalidationBus } from '../verification/invalidation-bus.ts';
import { createPostgresInvalidationBus } from '../verification/postgres-invalidation-bus.ts';
import { createRedisInvalidationBus } from '../verification/redis-invalidation-bus.ts';
import { createOutageLog } from './outage-log.ts';

/** A node's bus and rate limiter, and how to let go of them. */
export interface AppAdapters {
  bus: InvalidationBus;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

/**
 * Connects the bus (unless one is given, which the caller keeps) and the rate limiter, each with
 * the configured bounded waits. `onLimiterFailClosed` is told of every call the Redis limiter
 * refuses because Redis could not count it (the metric).
 */
export async function connectAdapters(
  config: KeywardConfig,
  logger: Logger,
  options: { bus?: InvalidationBus | undefined; onLimiterFailClosed?: (reason: FailClosedReason) => void },
): Promise<AppAdapters> {
  const givenBus = options.bus;
  const onChannelError = (error: unknown) => logger.warn({ err: error }, 'invalidation channel error');
  const bus =
    givenBus ??
    (config.redisUrl
      ? await createRedisInvalidationBus({
          url: config.redisUrl,
          channel: `${config.redisPrefix}invalidate`,
          timeouts: config.redisTimeouts,
          onError: onChannelError,
        })
      : config.storage.driver === 'postgres'
        ? await createPostgresInvalidationBus({
            url: config.storage.url,
            timeouts: config.storage.timeouts,
            onError: onChannelError,
          })
        : createLocalInvalidationBus());
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: config.redisTimeouts.connectMs,
        commandTimeout: config.redisTimeouts.commandMs,
        retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
        lazyConnect: true,
      })
    : null;
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis error'));
  await redis
    ?.connect()
    .catch((error) => logger.warn({ err: error }, 'redis is not reachable; limits fail closed'));
  const limiterRefusals = createOutageLog(logger, 'rate limiter failed closed');
  const rateLimiter = redis
    ? createRedisRateLimiter({
        redis,
        prefix: config.redisPrefix,
        onFailClosed: (reason, keyId, error) => {
          options.onLimiterFailClosed?.(reason);
          limiterRefusals(reason, { keyId, err: error });
        },
        onCircuitChange: (state) => logger.warn({ state }, 'rate limiter circuit changed'),
      })
    : createMemoryRateLimiter();
  return {
    bus,
    rateLimiter,
    async close() {
      if (!givenBus) await bus.close();
      redis?.disconnect();
    },
  };
}
