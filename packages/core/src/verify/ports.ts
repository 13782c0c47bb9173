/**
 * @module Verification ports
 *
 * What the verifier needs from the outside world, declared here and implemented by storage,
 * the cache and Redis adapters. The verifier itself does no I/O.
 */
import type { RateLimitPolicy } from '../model.ts';
import type { VerifiableKey } from './verifiable-key.ts';
import type { VerifyCode } from './verify-code.ts';

/** Finds a key by the public id in its key string; the cache sits behind this. */
export interface KeyLookup {
  findByKeyId(keyId: string): Promise<VerifiableKey | undefined>;
  /**
   * The key when it is held in memory and can be trusted without a read, else undefined. Lets
   * a cache hit skip an await; a lookup without a cache need not have it.
   */
  cached?(keyId: string): VerifiableKey | undefined;
}

/** The state of a key's rate limit after a verification. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

/** Counts verifications against a key's rate limit. */
export interface RateLimiter {
  consume(
    keyId: string,
    policy: RateLimitPolicy,
    cost: number,
    now: number,
  ): Promise<RateLimitState & { allowed: boolean }>;
}

/** Spends a key's usage quota, exactly, even across nodes. */
export interface QuotaLedger {
  spend(keyId: string, cost: number, now: number): Promise<{ allowed: boolean; remaining: number }>;
}

/** Receives every verification outcome of a known key; must not block (batch it). */
export interface VerificationSink {
  record(event: { keyId: string; orgId: string; code: VerifyCode; at: number }): void;
}

/** The environments known to the deployment. */
export interface EnvironmentRegistry {
  /** Slug of the production environment, the default target. */
  productionSlug(): string;
  slugs(): Iterable<string>;
}
