import type { ApiKey, KeySecret, QuotaPolicy, RateLimitPolicy, Role } from '../model.ts';
import type { IpAllowlist } from '../policy/ip-allowlist.ts';
import { compileIpAllowlist } from '../policy/ip-allowlist.ts';
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
  /** The owner's role and operator flag bound what a key may do on Keyward's own API. */
  ownerRole: Role | null;
  ownerIsOperator: boolean;
  revoked: boolean;
  expiresAt: number | null;
  metadata: Record<string, unknown>;
  ipAllowlist: IpAllowlist | null;
  rateLimit: RateLimitPolicy | null;
  quota: QuotaPolicy | null;
  secrets: readonly (SecretDigest & { expiresAt: number | null })[];
}

/** The parts of a key's owner that verification needs; null for a key without owner. */
export interface KeyOwnerState {
  enabled: boolean;
  role: Role;
  isOperator: boolean;
}

/** Prepares a key, its secrets and its owner's state for verification. */
export function toVerifiableKey(
  key: ApiKey,
  secrets: readonly KeySecret[],
  owner: KeyOwnerState | null,
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
    ownerEnabled: owner?.enabled ?? true,
    ownerRole: owner?.role ?? null,
    ownerIsOperator: owner?.isOperator ?? false,
    revoked: key.revokedAt !== null,
    expiresAt: key.expiresAt,
    metadata: key.metadata,
    ipAllowlist: key.ipAllowlist ? compileIpAllowlist(key.ipAllowlist) : null,
    rateLimit: key.rateLimit,
    quota: key.quota,
    secrets: secrets.map(({ digest, pepperVersion, expiresAt }) => ({ digest, pepperVersion, expiresAt })),
  };
}
