/**
 * @module Verifier
 *
 * The whole of verification in one function: parse → look up → compare secret → policy → rate limit
 * → quota. Expected outcomes are values (`{ valid, code }`), never exceptions. The verifier
 * writes nothing itself: usage goes to a non-blocking sink, counters to their ports.
 */
import { hash } from 'node:crypto';
import { KEY_FORMAT, parseKey, parseKeyPair } from '../key-format/index.ts';
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
import type { KeyIdentity, VerifiableKey } from './verifiable-key.ts';
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
  /**
   * Kept by the caller between verifications for one client (one connection, say): see
   * {@link CredentialMemo}. Only ever hand it the credentials of that one client.
   */
  memo?: CredentialMemo | undefined;
}

/**
 * The credential one client proved last, and the loaded key it proved it for. A client
 * presenting the very same credential again, while the same loaded key is cached, skips parsing
 * and the secret check: both depend only on the credential and the key record, and a change to
 * the key (or its owner) reloads the record, which ends the memo. Every other check (org,
 * policy, rate limit, quota) and the usage count run as usual. The presented credential is
 * compared only with what the same client presented before, so the comparison tells the client
 * nothing it did not know; the memo holds that client's credential for as long as the caller
 * keeps it (a connection's lifetime), and never leaves the process.
 */
export interface CredentialMemo {
  presented?: PresentedKey;
  key?: VerifiableKey;
  /** Epoch ms when the proven secret stops being valid (end of a grace period), or Infinity. */
  until?: number;
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
  /**
   * The same verification, answered without a promise when nothing had to be waited for: a
   * cached key with no rate limit or quota, which is most verifications. For hot paths that can
   * take either (the server's verify route); `verify` is this, always as a promise.
   */
  verifyNow(request: VerifyRequest): VerifyResult | Promise<VerifyResult>;
}

const KEY_ID_LENGTH = KEY_FORMAT.keyIdLength;
const TAIL_LENGTH = KEY_FORMAT.tailLength;
const UNDERSCORE = 0x5f;

/**
 * The key id a full key string claims (unchecked), found without parsing it: the tail after the
 * last `_` has a fixed length, so the id sits at a fixed distance from the end. A string of
 * another shape claims nothing; parsing will call it malformed.
 */
function keyIdIn(token: string): string | undefined {
  const last = token.length - TAIL_LENGTH - 1;
  const before = last - KEY_ID_LENGTH - 1;
  if (before < 0 || token.charCodeAt(last) !== UNDERSCORE || token.charCodeAt(before) !== UNDERSCORE) {
    return undefined;
  }
  return token.slice(before + 1, last);
}

/** The text of a Basic-auth pair, as remembered among proven credentials. */
const pairText = (pair: { keyId: string; tail: string }) => `${pair.keyId}:${pair.tail}`;

/** Whether two presented credentials are the same string, or the same pair. */
function samePresented(a: PresentedKey | undefined, b: PresentedKey): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a !== undefined && a.keyId === b.keyId && a.tail === b.tail;
}

/**
 * Whether two SHA-256 digests are equal, in time that depends only on their (fixed) length.
 * The digests are kept as strings rather than Buffers because a Buffer per hash is a backing
 * store allocated outside the heap, which cost more than the hash itself on this path
 * (CHANGELOG.md, 2026-12-03); `timingSafeEqual` takes only buffers. They are latin1 text (Node's
 * 'binary' encoding), one character a byte, so the loop runs 32 times where hex took 64.
 */
function sameDigest(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
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
   * Credentials already proven against the stored HMAC, remembered per loaded key as the
   * SHA-256 of the exact credential presented (one-shot, a few times cheaper than an HMAC), with
   * the end of the proven secret's validity. A credential presented again, byte for byte, is
   * known to be well formed and to hold a matching secret, so it skips parsing and the checksum
   * as well as the HMAC. The map is keyed by the loaded key itself (immutable, see
   * {@link VerifiableKey}), so when a change reloads the key, what was remembered goes with it.
   */
  const proven = new WeakMap<VerifiableKey, { digest: string; expiresAt: number | null }[]>();

  /**
   * Until when the credential with `digest` is proven for `key` (epoch ms; Infinity without a
   * grace period's end), or -1. Every entry is compared (no early exit), in constant time.
   */
  function provenUntil(key: VerifiableKey, digest: string, now: number): number {
    const known = proven.get(key);
    let until = -1;
    if (known) {
      for (const entry of known) {
        if ((entry.expiresAt === null || entry.expiresAt > now) && sameDigest(entry.digest, digest))
          until = entry.expiresAt ?? Number.POSITIVE_INFINITY;
      }
    }
    return until;
  }

  /** Checks `secret` against the key's stored digests: until when it is valid, or -1. */
  function secretValidUntil(key: VerifiableKey, secret: string, digest: string, now: number): number {
    let matched: { expiresAt: number | null } | null = null;
    const matches = hasher.matcher(secret);
    // Check every slot (no early exit) so timing does not tell which slot matched.
    for (const stored of key.secrets) {
      if (stored.expiresAt !== null && stored.expiresAt <= now) continue;
      if (matches(stored)) matched = stored;
    }
    if (!matched) return -1;
    const entries = proven.get(key) ?? [];
    // Two slots, a few secrets in their grace period, and the forms of each: keep the list short.
    if (entries.length >= 6) entries.shift();
    entries.push({ digest, expiresAt: matched.expiresAt });
    if (entries.length === 1) proven.set(key, entries);
    return matched.expiresAt ?? Number.POSITIVE_INFINITY;
  }

  /** The key a memo vouches for, when `presented` is what it proved and its key is still the one cached. */
  function recall(memo: CredentialMemo, presented: PresentedKey, now: number): VerifiableKey | undefined {
    const { key, until } = memo;
    if (!key || until === undefined || until <= now || !samePresented(memo.presented, presented)) {
      return undefined;
    }
    return lookup.cached?.(key.keyId) === key ? key : undefined;
  }

  type Proof = VerifiableKey | VerifyResult;

  /**
   * Parses, looks up and checks the secret: the key, or the failure. Answers synchronously
   * unless the key has to be read from the store, so a cached key costs no promise.
   */
  function prove(request: VerifyRequest, now: number): Proof | Promise<Proof> {
    const presented = request.key;
    const digest = hash('sha256', typeof presented === 'string' ? presented : pairText(presented), 'binary');
    // A credential proven before for the cached key needs no parsing: it is the same bytes.
    const claimedId = typeof presented === 'string' ? keyIdIn(presented) : presented.keyId;
    const cachedKey = claimedId === undefined ? undefined : lookup.cached?.(claimedId);
    const until = cachedKey ? provenUntil(cachedKey, digest, now) : -1;
    if (cachedKey && until !== -1) {
      if (request.orgId !== undefined && cachedKey.orgId !== request.orgId) return NOT_FOUND;
      return remembered(request, cachedKey, until);
    }
    const parsed =
      typeof presented === 'string'
        ? parseKey(presented, prefix)
        : parseKeyPair(presented.keyId, presented.tail, { prefix, environments: environments.slugs() });
    if (!parsed.ok) return MALFORMED;
    // The id the string claimed is the id it parsed to: a cached key was asked for (and
    // counted as a hit) once already.
    const loaded = parsed.key.keyId === claimedId ? cachedKey : lookup.cached?.(parsed.key.keyId);
    if (loaded) return checkSecret(request, loaded, parsed.key, digest, now);
    return lookup
      .findByKeyId(parsed.key.keyId)
      .then((found) => checkSecret(request, found, parsed.key, digest, now));
  }

  /** Checks a parsed key against the key record it names. */
  function checkSecret(
    request: VerifyRequest,
    key: VerifiableKey | undefined,
    parsed: { environment: string; secret: string },
    digest: string,
    now: number,
  ): Proof {
    // A key string names its environment; a key moved to another one would not match it.
    if (!key || key.revoked || key.environment !== parsed.environment) return NOT_FOUND;
    if (request.orgId !== undefined && key.orgId !== request.orgId) return NOT_FOUND;
    const until = secretValidUntil(key, parsed.secret, digest, now);
    if (until === -1) return NOT_FOUND;
    return remembered(request, key, until);
  }

  /** Remembers a proven key in the caller's memo, and returns it. */
  function remembered(request: VerifyRequest, key: VerifiableKey, until: number): VerifiableKey {
    if (request.memo) {
      request.memo.presented = request.key;
      request.memo.key = key;
      request.memo.until = until;
    }
    return key;
  }

  function recorded(key: VerifiableKey, now: number, result: VerifyResult): VerifyResult {
    deps.sink?.record({ keyId: key.id, orgId: key.orgId, code: result.code, at: now });
    return result;
  }

  /** Policy, rate limit and quota for a key whose secret is proven: the verifier's answer. */
  function decide(
    request: VerifyRequest,
    key: VerifiableKey,
    now: number,
  ): VerifyResult | Promise<VerifyResult> {
    const identity = key.identity;
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
    const limited = (key.rateLimit && deps.rateLimiter) || (key.quota && deps.quota);
    if (limited) return spend(key, identity, request.cost ?? 1, now);
    return recorded(key, now, { valid: true, code: 'VALID', key: identity });
  }

  /** Spends the call's cost from the key's rate limit, then from its quota. */
  async function spend(
    key: VerifiableKey,
    identity: KeyIdentity,
    cost: number,
    now: number,
  ): Promise<VerifyResult> {
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
  }

  function verifyNow(request: VerifyRequest): VerifyResult | Promise<VerifyResult> {
    const now = clock();
    const known = request.memo ? recall(request.memo, request.key, now) : undefined;
    if (known) {
      if (request.orgId !== undefined && known.orgId !== request.orgId) return NOT_FOUND;
      return decide(request, known, now);
    }
    const proof = prove(request, now);
    if (proof instanceof Promise) return proof.then((settled) => afterProof(request, settled, now));
    return afterProof(request, proof, now);
  }

  function afterProof(
    request: VerifyRequest,
    proof: Proof,
    now: number,
  ): VerifyResult | Promise<VerifyResult> {
    return 'code' in proof ? proof : decide(request, proof, now);
  }

  return {
    verifyNow,
    async verify(request) {
      return verifyNow(request);
    },
  };
}
