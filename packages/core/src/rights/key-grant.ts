/**
 * @module Key grants
 *
 * Nobody grants what they do not hold: a key made (changed, re-enabled, regenerated) by a
 * principal is never wider than the principal in any dimension — scopes, resources, environment,
 * IP allowlist, expiry — and its Keyward scopes fit what its accountable user may use.
 * These functions say where a grant goes too far; the key service turns that into an error.
 */
import { isAdminApiScope } from '../catalog.ts';
import { cidrWithin } from '../policy/ip-allowlist.ts';
import type { KeyGrant, Rights } from './rights.ts';

/** The first dimension in which a grant is wider than it may be. */
export interface GrantExcess {
  field: 'scopes' | 'resources' | 'environment' | 'ipAllowlist' | 'expiresAt';
  /** The scope, resource, environment or range that goes too far, when there is one. */
  value?: string;
  message: string;
}

/** The first way `grant` is wider than `maker`'s rights, or null when it lies within them. */
export function grantExcess(maker: Rights, grant: KeyGrant): GrantExcess | null {
  for (const scope of grant.scopes) {
    const held = isAdminApiScope(scope)
      ? maker.scopes.has(scope)
      : maker.platformScopes === null || maker.platformScopes.has(scope);
    if (!held)
      return {
        field: 'scopes',
        value: scope,
        message: `You cannot grant "${scope}", which you do not hold.`,
      };
  }
  if (maker.resources !== null) {
    if (grant.resources === null)
      return { field: 'resources', message: 'You are limited to resources, so the key must be too.' };
    const outside = grant.resources.find((resource) => !maker.resources?.has(resource));
    if (outside !== undefined)
      return { field: 'resources', value: outside, message: `You cannot grant resource "${outside}".` };
  }
  if (maker.environment !== null && grant.environment !== maker.environment) {
    return {
      field: 'environment',
      value: grant.environment,
      message: `You are limited to the environment "${maker.environment}".`,
    };
  }
  if (maker.ipAllowlist !== null) {
    if (grant.ipAllowlist === null)
      return { field: 'ipAllowlist', message: 'You are limited to addresses, so the key must be too.' };
    const outside = grant.ipAllowlist.find((cidr) => !cidrWithin(cidr, maker.ipAllowlist ?? []));
    if (outside !== undefined)
      return {
        field: 'ipAllowlist',
        value: outside,
        message: `"${outside}" lies outside your own addresses.`,
      };
  }
  if (maker.expiresAt !== null && (grant.expiresAt === null || grant.expiresAt > maker.expiresAt)) {
    return {
      field: 'expiresAt',
      message: `The key cannot outlive you: it must expire by ${new Date(maker.expiresAt).toISOString()}.`,
    };
  }
  return null;
}

/**
 * The first Keyward or operator scope of `scopes` that the key's accountable user cannot use
 * (`accountable` is that user's rights, null when the key would have none), or null.
 */
export function scopeBeyondAccountable(accountable: Rights | null, scopes: readonly string[]): string | null {
  for (const scope of scopes) {
    if (isAdminApiScope(scope) && !accountable?.scopes.has(scope)) return scope;
  }
  return null;
}

/**
 * The limits a new key takes from its maker when it names none of its own: a key made by a key
 * stays within the maker's resources, environment, addresses and lifetime without the caller
 * having to repeat them.
 */
export function inheritedLimits(
  maker: Rights,
  given: {
    resources?: readonly string[] | null | undefined;
    environment?: string | undefined;
    ipAllowlist?: readonly string[] | null | undefined;
    expiresAt?: number | null | undefined;
  },
): {
  resources: readonly string[] | null | undefined;
  environment: string | undefined;
  ipAllowlist: readonly string[] | null | undefined;
  expiresAt: number | null | undefined;
} {
  return {
    resources: given.resources === undefined && maker.resources ? [...maker.resources] : given.resources,
    environment: given.environment ?? maker.environment ?? undefined,
    ipAllowlist: given.ipAllowlist === undefined && maker.ipAllowlist ? maker.ipAllowlist : given.ipAllowlist,
    expiresAt: given.expiresAt === undefined && maker.expiresAt !== null ? maker.expiresAt : given.expiresAt,
  };
}

/** Why a scope cannot go on a key: the maker does not hold it, or the key's user could not use it. */
export type ScopeRefusal = 'not-held' | 'owner-cannot-use';

/**
 * Whether `maker` may put `scope` on a key accountable to a user with rights `accountable`
 * (null: no user): null when it may, else why not. What the UI offers in its scope picker.
 */
export function scopeRefusal(maker: Rights, accountable: Rights | null, scope: string): ScopeRefusal | null {
  if (scopeBeyondAccountable(accountable, [scope]) !== null) return 'owner-cannot-use';
  const held = isAdminApiScope(scope)
    ? maker.scopes.has(scope)
    : maker.platformScopes === null || maker.platformScopes.has(scope);
  return held ? null : 'not-held';
}
