/**
 * @module Verifier
 *
 * The whole of SPEC §5 in one function: parse → look up → compare secret → policy → rate limit
 * → quota. Expected outcomes are values (`{ valid, code }`), never exceptions. The verifier
 * writes nothing itself: usage goes to a non-blocking sink, counters to their ports.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { parseKey, parseKeyPair } from '../key-format/index.ts';
import type { Role } from '../model.ts';
import { checkKeyPolicy } from '../policy/key-policy.ts';
import type { ScopeQuery } from '../policy/scope-query.ts';
import type { SecretHasher } from '../secret/secret-hasher.ts';
import type {
  EnvironmentRegistry,
  KeyLookup,
  QuotaLedger,
  RateLimiter,
  RateLimitState,
  VerificationSink,
} from './ports.ts';
import type { VerifiableKey } from './verifiable-key.ts';
import type { VerifyCode } from './verify-code.ts';

/** The credential to check: a full key string, or the Basic-auth pair. */
export type PresentedKey = string | { keyId: string; tail: string };

/** What to verify. */
export interface VerifyRequest {
  key: PresentedKey;
  scopes?: ScopeQuery | undefined;
  resource?: string | undefined;
  /** Defaults to the production environment. */
  environment?: string | undefined;
  /** Only keys of this organization are found; others are NOT_FOUND. */
  orgId?: string | undefined;
  /** Skip the environment check (Keyward's own admin API is not environment-bound). */
  anyEnvironment?: boolean | undefined;
  ip?: string | undefined;
  /** Units of rate limit and quota this call spends; default 1. */
  cost?: number | undefined;
}

/** The identity handed downstream on success (and, with the code, on a failure after the secret matched). */
export interface KeyIdentity {
  id: string;
  name: string;
  orgId: string;
  ownerId: string | null;
  environment: string;
  scopes: readonly string[];
  metadata: Record<string, unknown>;
  /** For Keyward's own authorization; not part of the public verify answer. */
  ownerRole: Role | null;
  ownerIsOperator: boolean;
}

/** The verifier's answer. */
export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  /** Present once the secret has matched. */
  key?: KeyIdentity;
  ratelimit?: RateLimitState;
  /** Quota left after this call; absent when the key has no quota. */
  remaining?: number;
}

/** Dependencies of {@link createVerifier}. */
export interface VerifierDeps {
  prefix: string;
  lookup: KeyLookup;
  hasher: SecretHasher;
  environments: EnvironmentRegistry;
  clock: () => number;
  rateLimiter?: RateLimiter;
  quota?: QuotaLedger;
  sink?: VerificationSink;
}

/** Verifies keys; see the module doc for the order of checks. */
export interface Verifier {
  verify(request: VerifyRequest): Promise<VerifyResult>;
}

const MALFORMED: VerifyResult = Object.freeze({ valid: false, code: 'MALFORMED' });
const NOT_FOUND: VerifyResult = Object.freeze({ valid: false, code: 'NOT_FOUND' });

/**
 * Builds a {@link Verifier} over its ports.
 *
 * @example
 * const verifier = createVerifier({ prefix: 'kw', lookup, hasher, environments, clock: Date.now });
 * const result = await verifier.verify({ key: 'kw_live_…', scopes: ['process:start'] });
 */
export function createVerifier(deps: VerifierDeps): Verifier {
  const { prefix, lookup, hasher, environments, clock } = deps;

  /**
   * Secrets already proven against the stored HMAC, remembered per loaded key as a SHA-256
   * (one-shot, a few times cheaper than an HMAC) with their validity. The map is keyed by the
   * key object itself, so when a change reloads the key, what was remembered goes with it.
   */
  const proven = new WeakMap<VerifiableKey, { fast: Buffer; expiresAt: number | null }[]>();

  function secretMatches(key: VerifiableKey, secret: string, now: number): boolean {
    const fast = hash('sha256', secret, 'buffer');
    const known = proven.get(key);
    if (known) {
      let hit = false;
      for (const entry of known) {
        if ((entry.expiresAt === null || entry.expiresAt > now) && timingSafeEqual(entry.fast, fast))
          hit = true;
      }
      if (hit) return true;
    }
    let matched: { expiresAt: number | null } | null = null;
    // Check every slot (no early exit) so timing does not tell which slot matched.
    for (const stored of key.secrets) {
      if (stored.expiresAt !== null && stored.expiresAt <= now) continue;
      if (hasher.matches(secret, stored)) matched = stored;
    }
    if (!matched) return false;
    const entries = known ?? [];
    // Two slots, and at most a few secrets in their grace period: keep the list short.
    if (entries.length >= 4) entries.shift();
    entries.push({ fast, expiresAt: matched.expiresAt });
    if (!known) proven.set(key, entries);
    return true;
  }

  /** One identity per loaded key (it is immutable), instead of one per verification. */
  const identities = new WeakMap<VerifiableKey, KeyIdentity>();
  function identityOf(key: VerifiableKey): KeyIdentity {
    let identity = identities.get(key);
    if (!identity) {
      identity = describe(key);
      identities.set(key, identity);
    }
    return identity;
  }
  function describe(key: VerifiableKey): KeyIdentity {
    return {
      id: key.id,
      name: key.name,
      orgId: key.orgId,
      ownerId: key.ownerId,
      environment: key.environment,
      scopes: key.scopes,
      metadata: key.metadata,
      ownerRole: key.ownerRole,
      ownerIsOperator: key.ownerIsOperator,
    };
  }

  function recorded(key: VerifiableKey, now: number, result: VerifyResult): VerifyResult {
    deps.sink?.record({ keyId: key.id, orgId: key.orgId, code: result.code, at: now });
    return result;
  }

  return {
    async verify(request) {
      const parsed =
        typeof request.key === 'string'
          ? parseKey(request.key, prefix)
          : parseKeyPair(request.key.keyId, request.key.tail, { prefix, environments: environments.slugs() });
      if (!parsed.ok) return MALFORMED;

      const key = await lookup.findByKeyId(parsed.key.keyId);
      const now = clock();
      // A key string names its environment; a key moved to another one would not match it.
      if (!key || key.revoked || key.environment !== parsed.key.environment) return NOT_FOUND;
      if (request.orgId !== undefined && key.orgId !== request.orgId) return NOT_FOUND;
      if (!secretMatches(key, parsed.key.secret, now)) return NOT_FOUND;

      const identity = identityOf(key);

      const failed = checkKeyPolicy(
        key,
        {
          environment: request.anyEnvironment
            ? key.environment
            : (request.environment ?? environments.productionSlug()),
          scopes: request.scopes,
          resource: request.resource,
          ip: request.ip,
        },
        now,
      );
      if (failed) return recorded(key, now, { valid: false, code: failed, key: identity });

      const cost = request.cost ?? 1;
      let ratelimit: RateLimitState | undefined;
      if (key.rateLimit && deps.rateLimiter) {
        const { allowed, ...state } = await deps.rateLimiter.consume(key.id, key.rateLimit, cost, now);
        ratelimit = state;
        if (!allowed)
          return recorded(key, now, { valid: false, code: 'RATE_LIMITED', key: identity, ratelimit });
      }
      let remaining: number | undefined;
      if (key.quota && deps.quota) {
        const spent = await deps.quota.spend(key.id, cost, now);
        remaining = spent.remaining;
        if (!spent.allowed)
          return recorded(key, now, {
            valid: false,
            code: 'USAGE_EXCEEDED',
            key: identity,
            ratelimit,
            remaining,
          });
      }
      return recorded(key, now, { valid: true, code: 'VALID', key: identity, ratelimit, remaining });
    },
  };
}
