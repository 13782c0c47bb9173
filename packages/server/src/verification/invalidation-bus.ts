/**
 * @module Invalidation
 *
 * Changes to keys and users are announced here so every verification cache drops what it
 * holds. The in-process bus serves a single node; multi-node deployments put PostgreSQL
 * LISTEN/NOTIFY or Redis pub/sub behind the same interface.
 */

/**
 * What changed. `owner` names a user whose change affects the keys it owns or is accountable
 * for; `all` asks caches to drop everything (e.g. after losing the channel). Key and user
 * events carry their organization, so the event stream can keep tenants apart (an event from
 * a node that does not send it yet is passed on as `all`).
 */
export type InvalidationEvent =
  | { type: 'key'; keyId: string; orgId?: string }
  | { type: 'owner'; userId: string; orgId?: string }
  | { type: 'all' };

/** Carries invalidation events to every node's caches. */
export interface InvalidationBus {
  publish(event: InvalidationEvent): Promise<void>;
  subscribe(listener: (event: InvalidationEvent) => void): () => void;
  /** False while the channel to other nodes is down: caches must not be trusted then. */
  isHealthy(): boolean;
  close(): Promise<void>;
}

/** The single-node bus: delivers events synchronously within the process. */
export function createLocalInvalidationBus(): InvalidationBus {
  const listeners = new Set<(event: InvalidationEvent) => void>();
  return {
    async publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isHealthy: () => true,
    async close() {
      listeners.clear();
    },
  };
}
