/**
 * @module PostgreSQL invalidation
 *
 * Without Redis, nodes sharing a PostgreSQL database tell each other of changes with
 * LISTEN/NOTIFY. One dedicated connection listens; it reconnects with backoff when lost, the
 * bus reports unhealthy meanwhile (caches are bypassed), and an `all` event follows each
 * reconnection. The listening connection is probed every quarter second (channel-heartbeat.ts)
 * so that one gone silent is found within a second, not when TCP gives up. Events are delivered
 * locally first, then notified. Every connection has the store's bounded waits.
 */
import { type PostgresTimeouts, postgresClientConfig } from '@keyward/storage';
import pg from 'pg';
import { startHeartbeat } from './channel-heartbeat.ts';
import type { InvalidationBus, InvalidationEvent } from './invalidation-bus.ts';

export async function createPostgresInvalidationBus(options: {
  url: string;
  channel?: string;
  timeouts?: Partial<PostgresTimeouts> | undefined;
  onError?: (error: unknown) => void;
}): Promise<InvalidationBus> {
  const channel = options.channel ?? 'keyward_invalidate';
  const config = postgresClientConfig(options.url, options.timeouts);
  const onError = (error: unknown) => options.onError?.(error);
  const listeners = new Set<(event: InvalidationEvent) => void>();
  const deliver = (event: InvalidationEvent) => {
    for (const listener of listeners) listener(event);
  };
  const notifier = new pg.Pool({ ...config, max: 2 });
  // See createPostgresDialect: a lost connection must not end the process.
  notifier.on('error', () => {});
  notifier.on('connect', (client) => client.on('error', onError));
  let listener: pg.Client | null = null;
  let healthy = false;
  let closed = false;
  let attempt = 0;

  const retry = () => {
    if (!closed) setTimeout(() => void listen(), Math.min(100 * 2 ** attempt++, 2000)).unref();
  };
  const lost = (client: pg.Client, error?: unknown) => {
    if (error) onError(error);
    if (listener !== client) return;
    listener = null;
    healthy = false;
    client.end().catch(() => {});
    retry();
  };

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client(config);
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        deliver(JSON.parse(message.payload) as InvalidationEvent);
      } catch (error) {
        onError(error);
      }
    });
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      listener = client;
      // Events may have been missed while no connection listened: start from a clean cache.
      deliver({ type: 'all' });
      healthy = true;
      attempt = 0;
    } catch (error) {
      onError(error);
      client.end().catch(() => {});
      retry();
    }
  }
  await listen();

  const heartbeat = startHeartbeat({
    probe: () => listener?.query('SELECT 1') ?? null,
    onFresh: () => {
      if (healthy || !listener) return;
      // Whatever was notified while the channel was silent has arrived before this answer, or
      // was lost with the connection: drop everything either way.
      deliver({ type: 'all' });
      healthy = true;
    },
    onStale: () => {
      healthy = false;
    },
    onFailed: (error) => {
      if (listener) lost(listener, error);
    },
  });

  return {
    async publish(event) {
      deliver(event);
      try {
        await notifier.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]);
      } catch (error) {
        onError(error);
      }
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    isHealthy: () => healthy,
    async close() {
      closed = true;
      healthy = false;
      heartbeat.stop();
      listeners.clear();
      await listener?.end().catch(() => {});
      await notifier.end().catch(() => {});
    },
  };
}
