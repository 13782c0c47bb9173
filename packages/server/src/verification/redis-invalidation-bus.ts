/**
 * @module Redis invalidation
 *
 * Cache invalidations travel over Redis pub/sub to every node. An event is delivered to this
 * node's own caches first (synchronously), then published. While the subscription is down the
 * bus reports unhealthy, so caches are bypassed and every lookup reads the database; when it
 * comes back, an `all` event drops whatever may have been missed. The subscription is probed
 * with PING every quarter second (channel-heartbeat.ts), so a Redis that stalls (or a network
 * that drops everything) makes the bus unhealthy within a second too.
 */
import { Redis } from 'ioredis';
import { startHeartbeat } from './channel-heartbeat.ts';
import type { InvalidationBus, InvalidationEvent } from './invalidation-bus.ts';

export async function createRedisInvalidationBus(options: {
  url: string;
  channel?: string;
  timeouts?: { connectMs: number; commandMs: number };
  onError?: (error: unknown) => void;
}): Promise<InvalidationBus> {
  const channel = options.channel ?? 'keyward:invalidate';
  const listeners = new Set<(event: InvalidationEvent) => void>();
  const deliver = (event: InvalidationEvent) => {
    for (const listener of listeners) listener(event);
  };
  const connection = {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (n: number) => Math.min(n * 100, 1000),
    connectTimeout: options.timeouts?.connectMs,
    commandTimeout: options.timeouts?.commandMs,
  };
  const publisher = new Redis(options.url, connection);
  const subscriber = new Redis(options.url, { ...connection, enableOfflineQueue: true });
  let subscribed = false;
  let everSubscribed = false;
  /** False while the subscription's probes go unanswered. */
  let answering = true;
  for (const client of [publisher, subscriber]) client.on('error', (error) => options.onError?.(error));
  subscriber.on('close', () => {
    subscribed = false;
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        // Events may have been missed while disconnected: start from a clean cache.
        if (everSubscribed) deliver({ type: 'all' });
        everSubscribed = true;
      },
      (error) => options.onError?.(error),
    );
  });
  subscriber.on('message', (_channel, message: string) => {
    try {
      deliver(JSON.parse(message) as InvalidationEvent);
    } catch (error) {
      options.onError?.(error);
    }
  });
  await Promise.all([publisher.connect(), subscriber.connect()]).catch((error) => options.onError?.(error));

  const heartbeat = startHeartbeat({
    probe: () => (subscribed ? subscriber.ping() : null),
    onFresh: () => {
      if (answering) return;
      // Messages held up by the stall came before this answer; any lost are covered by `all`.
      deliver({ type: 'all' });
      answering = true;
    },
    onStale: () => {
      answering = false;
    },
    // A timed-out PING is a stall, which the next probes will see end; a lost connection is
    // ioredis's to restore (it reconnects and resubscribes).
    onFailed: (error) => {
      answering = false;
      options.onError?.(error);
    },
  });

  return {
    async publish(event) {
      deliver(event);
      try {
        await publisher.publish(channel, JSON.stringify(event));
      } catch (error) {
        // Other nodes distrust their caches while the channel is down; nothing more to do.
        options.onError?.(error);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isHealthy: () => subscribed && answering && publisher.status === 'ready',
    async close() {
      heartbeat.stop();
      listeners.clear();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
