/**
 * @module Verification wiring
 *
 * Puts the core verifier together with this node's adapters: the cached key lookup, the
 * invalidation bus, the environment registry and the usage batcher.
 */
import {
  createVerifier,
  newId,
  type QuotaLedger,
  type RateLimiter,
  type SecretHasher,
  type VerificationSink,
  type Verifier,
} from '@keyward/core';
import type { Store } from '@keyward/storage';
import { type CachedKeyLookup, createCachedKeyLookup } from './cached-key-lookup.ts';
import { loadEnvironmentRegistry, type RefreshableEnvironmentRegistry } from './environment-registry.ts';
import type { InvalidationBus } from './invalidation-bus.ts';
import { createUsageBatcher, type UsageBatcher } from './usage-batcher.ts';

/** The verification machinery of one node. */
export interface Verification {
  verifier: Verifier;
  lookup: CachedKeyLookup;
  environments: RefreshableEnvironmentRegistry;
  usage: UsageBatcher;
  close(): Promise<void>;
}

export async function createVerification(deps: {
  store: Store;
  hasher: SecretHasher;
  bus: InvalidationBus;
  keyPrefix: string;
  clock: () => number;
  rateLimiter?: RateLimiter;
  quota?: QuotaLedger;
  /** Also told of every outcome (metrics). */
  observer?: VerificationSink;
  onBackgroundError?: (error: unknown) => void;
}): Promise<Verification> {
  const environments = await loadEnvironmentRegistry(deps.store);
  const lookup = createCachedKeyLookup({
    bus: deps.bus,
    load: (keyId) => deps.store.loadVerifiableKey(newId('key', keyId), deps.clock()),
  });
  const usage = createUsageBatcher({ store: deps.store, onError: deps.onBackgroundError });
  const verifier = createVerifier({
    prefix: deps.keyPrefix,
    lookup,
    hasher: deps.hasher,
    environments,
    clock: deps.clock,
    rateLimiter: deps.rateLimiter,
    quota: deps.quota,
    sink: deps.observer
      ? {
          record(event) {
            usage.record(event);
            deps.observer?.record(event);
          },
        }
      : usage,
  });
  return {
    verifier,
    lookup,
    environments,
    usage,
    async close() {
      lookup.close();
      await usage.close();
    },
  };
}
