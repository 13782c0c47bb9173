import { publicKeyId } from '../ids.ts';
import type { ApiKey, KeySecret, QuotaPolicy, RateLimitPolicy } from '../model.ts';
import type { IpAllowlist } from '../policy/ip-allowlist.ts';
import { compileIpAllowlist } from '../policy/ip-allowlist.ts';
import type { UserState } from '../rights/rights.ts';
import type { SecretDigest } from '../secret/secret-hasher.ts';

/**
 * The identity handed downstream on success (and, with the code, on a failure after the secret
 * matched). Part of the loaded key, so frozen with it.
 */
export interface KeyIdentity {
  readonly id: string;
  readonly name: string;
  readonly orgId: string;
  readonly ownerId: string | null;
  readonly environment: string;
  readonly scopes: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The rest of the key's grant and its accountable user: for Keyward's own authorization only, never in the public verify answer. */
  readonly resources: readonly string[] | null;
  readonly ipAllowlist: readonly string[] | null;
  readonly expiresAt: number | null;
  readonly rateLimit: Readonly<RateLimitPolicy> | null;
  readonly quota: Readonly<QuotaPolicy> | null;
  readonly accountable: Readonly<UserState> | null;
}

/**
 * Everything verification needs to know about one key, prepared once when the key is loaded
 * (sets instead of arrays, compiled allowlist) so a cached check allocates nothing.
 *
 * **A loaded key is immutable.** {@link toVerifiableKey} freezes the record, its identity and
 * everything they hold, and a change to the key or to its accountable user loads a new record
 * (the cache drops the old one on the invalidation event). So anything worked out from a loaded
 * key, or from its identity, stays true for as long as that object lives, and may be kept beside
 * it by object identity (a `WeakMap`): the verifier's proven credentials, and the server's one
 * view cache (`server/src/verification/key-views.ts`) for what it shows and grants.
 */
export interface VerifiableKey {
  readonly id: string;
  /** The id inside the key string. */
  readonly keyId: string;
  readonly orgId: string;
  readonly name: string;
  readonly ownerId: string | null;
  readonly environment: string;
  readonly scopes: readonly string[];
  readonly scopeSet: ReadonlySet<string>;
  readonly resources: ReadonlySet<string> | null;
  readonly enabled: boolean;
  /** False when the owner is disabled; a deleted owner's keys are revoked instead. */
  readonly ownerEnabled: boolean;
  /**
   * The user accountable for the key (its owner, else whoever made it), as it is now; its rights
   * bound what the key may do on Keyward's own API. Null when there is none or it was deleted.
   */
  readonly accountable: Readonly<UserState> | null;
  readonly revoked: boolean;
  readonly expiresAt: number | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly ipAllowlist: IpAllowlist | null;
  readonly rateLimit: Readonly<RateLimitPolicy> | null;
  readonly quota: Readonly<QuotaPolicy> | null;
  readonly secrets: readonly Readonly<SecretDigest & { expiresAt: number | null }>[];
  /** What a verification hands downstream: one object per loaded key. */
  readonly identity: KeyIdentity;
}

/** Freezes a JSON value (metadata) and everything in it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Prepares a key, its secrets and its accountable user's state (null when it has none, or that
 * user was deleted) for verification, as one frozen record. An owned key's accountable user is
 * its owner.
 */
export function toVerifiableKey(
  key: ApiKey,
  secrets: readonly Pick<KeySecret, 'digest' | 'pepperVersion' | 'expiresAt'>[],
  accountable: UserState | null,
): VerifiableKey {
  const scopes = Object.freeze([...key.scopes]);
  const metadata = deepFreeze(key.metadata);
  const user = accountable && Object.freeze({ ...accountable });
  const rateLimit = key.rateLimit && Object.freeze({ ...key.rateLimit });
  const quota = key.quota && deepFreeze({ ...key.quota });
  const identity: KeyIdentity = Object.freeze({
    id: key.id,
    name: key.name,
    orgId: key.orgId,
    ownerId: key.ownerId,
    environment: key.environment,
    scopes,
    metadata,
    resources: key.resources && Object.freeze([...key.resources]),
    ipAllowlist: key.ipAllowlist && Object.freeze([...key.ipAllowlist]),
    expiresAt: key.expiresAt,
    rateLimit,
    quota,
    accountable: user,
  });
  return Object.freeze({
    id: key.id,
    keyId: publicKeyId(key.id),
    orgId: key.orgId,
    name: key.name,
    ownerId: key.ownerId,
    environment: key.environment,
    scopes,
    scopeSet: new Set(scopes),
    resources: key.resources ? new Set(key.resources) : null,
    enabled: key.enabled,
    ownerEnabled: key.ownerId === null || (user?.id === key.ownerId && user.enabled),
    accountable: user,
    revoked: key.revokedAt !== null,
    expiresAt: key.expiresAt,
    metadata,
    ipAllowlist: key.ipAllowlist ? compileIpAllowlist(key.ipAllowlist) : null,
    rateLimit,
    quota,
    secrets: Object.freeze(
      secrets.map(({ digest, pepperVersion, expiresAt }) =>
        Object.freeze({ digest, pepperVersion, expiresAt }),
      ),
    ),
    identity,
  });
}
