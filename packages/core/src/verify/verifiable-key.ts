import type { ApiKey, KeySecret, QuotaPolicy, RateLimitPolicy } from '../model.ts';
import type { IpAllowlist } from '../policy/ip-allowlist.ts';
import { compileIpAllowlist } from '../policy/ip-allowlist.ts';
import type { UserState } from '../rights/rights.ts';
import type { SecretDigest } from '../secret/secret-hasher.ts';

/**
 * Everything verification needs to know about one key, prepared once when the key is loaded
 * (sets instead of arrays, compiled allowlist) so a cached check allocates nothing.
 */
export interface VerifiableKey {
  id: string;
  /** The id inside the key string. */
  keyId: string;
  orgId: string;
  name: string;
  ownerId: string | null;
  environment: string;
  scopes: readonly string[];
  scopeSet: ReadonlySet<string>;
  resources: ReadonlySet<string> | null;
  enabled: boolean;
  /** False when the owner is disabled; a deleted owner's keys are revoked instead. */
  ownerEnabled: boolean;
  /**
   * The user accountable for the key (its owner, else whoever made it), as it is now; its rights
   * bound what the key may do on Keyward's own API. Null when there is none or it was deleted.
   */
  accountable: UserState | null;
  revoked: boolean;
  expiresAt: number | null;
  metadata: Record<string, unknown>;
  ipAllowlist: IpAllowlist | null;
  rateLimit: RateLimitPolicy | null;
  quota: QuotaPolicy | null;
  secrets: readonly (SecretDigest & { expiresAt: number | null })[];
}

/**
 * Prepares a key, its secrets and its accountable user's state (null when it has none, or that
 * user was deleted) for verification. An owned key's accountable user is its owner.
 */
export function toVerifiableKey(
  key: ApiKey,
  secrets: readonly KeySecret[],
  accountable: UserState | null,
): VerifiableKey {
  return {
    id: key.id,
    keyId: key.id.slice(4),
    orgId: key.orgId,
    name: key.name,
    ownerId: key.ownerId,
    environment: key.environment,
    scopes: key.scopes,
    scopeSet: new Set(key.scopes),
    resources: key.resources ? new Set(key.resources) : null,
    enabled: key.enabled,
    ownerEnabled: key.ownerId === null || (accountable?.id === key.ownerId && accountable.enabled),
    accountable,
    revoked: key.revokedAt !== null,
    expiresAt: key.expiresAt,
    metadata: key.metadata,
    ipAllowlist: key.ipAllowlist ? compileIpAllowlist(key.ipAllowlist) : null,
    rateLimit: key.rateLimit,
    quota: key.quota,
    secrets: secrets.map(({ digest, pepperVersion, expiresAt }) => ({ digest, pepperVersion, expiresAt })),
  };
}
