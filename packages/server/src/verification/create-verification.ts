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
import { createUsageSpool } from './usage-spool.ts';

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
  /** Directory of the usage spool (see usage-spool.ts); without it, unwritten counts are lost at stop. */
  spoolDir?: string;
  onBackgroundError?: (error: unknown) => void;
}): Promise<Verification> {
  const environments = await loadEnvironmentRegistry(deps.store);
  const lookup = createCachedKeyLookup({
    bus: deps.bus,
    load: (keyId) => deps.store.loadVerifiableKey(newId('key', keyId), deps.clock()),
  });
  const usage = createUsageBatcher({
    store: deps.store,
    spool: deps.spoolDir === undefined ? undefined : createUsageSpool(deps.spoolDir),
    onError: deps.onBackgroundError,
  });
  // Counts an earlier node could not write before it stopped; a database that fails now
  // leaves them spooled for the next start rather than keep this one from serving.
  await usage.replaySpool().catch((error) => deps.onBackgroundError?.(error));
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
