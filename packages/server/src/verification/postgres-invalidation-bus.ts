/**
 * @module PostgreSQL invalidation
 *
 * Without Redis, nodes sharing a PostgreSQL database tell each other of changes with
 * LISTEN/NOTIFY. One dedicated connection listens; it reconnects with backoff when lost, the
 * bus reports unhealthy meanwhile (caches are bypassed), and an `all` event follows each
 * reconnection. Events are delivered locally first, then notified.
 */
import pg from 'pg';
import type { InvalidationBus, InvalidationEvent } from './invalidation-bus.ts';

export async function createPostgresInvalidationBus(options: {
  url: string;
  channel?: string;
  onError?: (error: unknown) => void;
}): Promise<InvalidationBus> {
  const channel = options.channel ?? 'keyward_invalidate';
  const listeners = new Set<(event: InvalidationEvent) => void>();
  const deliver = (event: InvalidationEvent) => {
    for (const listener of listeners) listener(event);
  };
  const notifier = new pg.Pool({ connectionString: options.url, max: 2 });
  notifier.on('error', (error) => options.onError?.(error));
  let listener: pg.Client | null = null;
  let healthy = false;
  let closed = false;
  let attempt = 0;

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString: options.url });
    client.on('notification', (message) => {
      if (!message.payload) return;
      try {
        deliver(JSON.parse(message.payload) as InvalidationEvent);
      } catch (error) {
        options.onError?.(error);
      }
    });
    const lost = (error?: unknown) => {
      if (error) options.onError?.(error);
      if (listener !== client) return;
      listener = null;
      healthy = false;
      client.end().catch(() => {});
      if (!closed) setTimeout(() => void listen(), Math.min(100 * 2 ** attempt++, 2000)).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      listener = client;
      if (attempt > 0 || healthy === false) deliver({ type: 'all' });
      healthy = true;
      attempt = 0;
    } catch (error) {
      options.onError?.(error);
      client.end().catch(() => {});
      if (!closed) setTimeout(() => void listen(), Math.min(100 * 2 ** attempt++, 2000)).unref();
    }
  }
  await listen();

  return {
    async publish(event) {
      deliver(event);
      try {
        await notifier.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]);
      } catch (error) {
        options.onError?.(error);
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
      listeners.clear();
      await listener?.end().catch(() => {});
      await notifier.end().catch(() => {});
    },
  };
}
