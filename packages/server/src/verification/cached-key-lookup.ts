/**
 * @module Key cache
 *
 * A bounded in-memory cache in front of the database for verification. It is kept exact by
 * invalidation events rather than by a TTL: a disabled, revoked or edited key is dropped the
 * moment the event arrives. While the invalidation channel is unhealthy the cache is bypassed
 * and every lookup reads the primary database. Expiry and the enabled flag are still checked on
 * every hit by the policy, since they are part of the cached record.
 *
 * Ids that are not there are remembered too (a bounded negative cache, dropped by the same
 * events, and on every node when a key is created): without it, refusing an unknown id cost a
 * database round trip every time while refusing a known id with a wrong secret cost none, so
 * the time of a refusal told whether an id existed. Now both are answered from memory after the
 * first look.
 */
import { type KeyLookup, publicKeyId, type VerifiableKey } from '@keyward/core';
import type { InvalidationBus, InvalidationEvent } from './invalidation-bus.ts';

/** Counters for metrics. */
export interface KeyCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** A {@link KeyLookup} with a cache, plus the hooks the server needs. */
export interface CachedKeyLookup extends KeyLookup {
  stats(): KeyCacheStats;
  close(): void;
}

/**
 * Wraps `load` (a database read by public key id) with a cache invalidated through `bus`.
 * Entries are evicted oldest-first beyond `maxEntries` (Map keeps insertion order).
 */
export function createCachedKeyLookup(options: {
  load: (keyId: string) => Promise<VerifiableKey | undefined>;
  bus: InvalidationBus;
  maxEntries?: number;
  /** How many unknown ids to remember (default 10,000; the oldest go first). */
  maxMissingEntries?: number;
}): CachedKeyLookup {
  const maxEntries = options.maxEntries ?? 100_000;
  const maxMissing = options.maxMissingEntries ?? 10_000;
  const cache = new Map<string, VerifiableKey>();
  const missing = new Set<string>();
  // Bumped on every invalidation so a load that started before it cannot cache stale data.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  const onEvent = (event: InvalidationEvent) => {
    generation++;
    switch (event.type) {
      case 'key': {
        const id = publicKeyId(event.keyId);
        cache.delete(id);
        missing.delete(id);
        break;
      }
      case 'owner':
        // The keys it owns, and the ownerless keys it is accountable for: their rights follow it.
        for (const [id, key] of cache) {
          if (key.ownerId === event.userId || key.accountable?.id === event.userId) cache.delete(id);
        }
        break;
      case 'all':
        cache.clear();
        missing.clear();
        break;
    }
  };
  const unsubscribe = options.bus.subscribe(onEvent);

  return {
    cached(keyId) {
      if (!options.bus.isHealthy()) return undefined;
      const cached = cache.get(keyId);
      if (cached) hits++;
      return cached;
    },
    async findByKeyId(keyId) {
      if (!options.bus.isHealthy()) {
        cache.clear();
        missing.clear();
        misses++;
        return options.load(keyId);
      }
      const cached = cache.get(keyId);
      if (cached) {
        hits++;
        return cached;
      }
      if (missing.has(keyId)) {
        hits++;
        return undefined;
      }
      misses++;
      const startedAt = generation;
      const key = await options.load(keyId);
      if (startedAt === generation && options.bus.isHealthy()) {
        if (key) {
          makeRoom(cache, maxEntries);
          cache.set(keyId, key);
        } else {
          makeRoom(missing, maxMissing);
          missing.add(keyId);
        }
      }
      return key;
    },
    stats: () => ({ hits, misses, size: cache.size }),
    close: unsubscribe,
  };
}

/** Drops the oldest entry when `store` is full (Maps and Sets keep insertion order). */
function makeRoom(
  store: { size: number; keys(): IterableIterator<string>; delete(id: string): boolean },
  max: number,
) {
  if (store.size < max) return;
  const oldest = store.keys().next();
  if (!oldest.done) store.delete(oldest.value);
}
