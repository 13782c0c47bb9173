/**
 * @module Key grants
 *
 * Nobody grants what they do not hold: a key made (changed, re-enabled, regenerated) by a
 * principal is never wider than the principal in any dimension — scopes, resources, environment,
 * IP allowlist, expiry, rate limit, quota — and its Keyward scopes fit what its accountable user
 * may use.
 * These functions say where a grant goes too far; the key service turns that into an error.
 */
import { isAdminApiScope } from '../catalog.ts';
import type { QuotaPolicy, RateLimitPolicy } from '../model.ts';
import { cidrWithin } from '../policy/ip-allowlist.ts';
import { type KeyGrant, type Rights, rankOf } from './rights.ts';

/** The first dimension in which a grant is wider than it may be. */
export interface GrantExcess {
  field: 'scopes' | 'resources' | 'environment' | 'ipAllowlist' | 'expiresAt' | 'rateLimit' | 'quota';
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
  if (maker.rateLimit !== null && !rateWithin(grant.rateLimit, maker.rateLimit)) {
    return {
      field: 'rateLimit',
      message: `You are limited to ${maker.rateLimit.limit} per ${maker.rateLimit.windowSeconds} s, so the key must be too.`,
    };
  }
  if (maker.quota !== null && !quotaWithin(grant.quota, maker.quota)) {
    return {
      field: 'quota',
      message: `You have ${maker.quota.remaining} uses left${maker.quota.refill ? ', refilled no faster than your own' : ''}: the key can have no more.`,
    };
  }
  return null;
}

/** A rate no faster on average, and no larger in a burst. */
export function rateWithin(rate: RateLimitPolicy | null, bound: RateLimitPolicy): boolean {
  return (
    rate !== null &&
    rate.limit <= bound.limit &&
    rate.limit * bound.windowSeconds <= bound.limit * rate.windowSeconds
  );
}

/** No more uses left, and a refill no larger nor more often (none when the bound has none). */
export function quotaWithin(quota: QuotaPolicy | null, bound: QuotaPolicy): boolean {
  if (quota === null || quota.remaining > bound.remaining) return false;
  if (quota.refill === null) return true;
  return (
    bound.refill !== null &&
    quota.refill.amount <= bound.refill.amount &&
    quota.refill.intervalSeconds >= bound.refill.intervalSeconds
  );
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
 * stays within the maker's resources, environment, addresses, lifetime, rate and usage without
 * the caller having to repeat them.
 */
export function inheritedLimits(
  maker: Rights,
  given: {
    resources?: readonly string[] | null | undefined;
    environment?: string | undefined;
    ipAllowlist?: readonly string[] | null | undefined;
    expiresAt?: number | null | undefined;
    rateLimit?: RateLimitPolicy | null | undefined;
    quota?: QuotaPolicy | null | undefined;
  },
): {
  resources: readonly string[] | null | undefined;
  environment: string | undefined;
  ipAllowlist: readonly string[] | null | undefined;
  expiresAt: number | null | undefined;
  rateLimit: RateLimitPolicy | null | undefined;
  quota: QuotaPolicy | null | undefined;
} {
  const inherit = <T>(value: T | null | undefined, own: T | null) =>
    value === undefined && own !== null ? own : value;
  return {
    resources: inherit(given.resources, maker.resources && [...maker.resources]),
    environment: given.environment ?? maker.environment ?? undefined,
    ipAllowlist: inherit(given.ipAllowlist, maker.ipAllowlist),
    expiresAt: inherit(given.expiresAt, maker.expiresAt),
    rateLimit: inherit(given.rateLimit, maker.rateLimit),
    quota: inherit(given.quota, maker.quota),
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

/**
 * Whether `inner` lies within `outer` in every dimension, whom it may manage included: what a
 * principal reaches through a key it obtained (a key it made, a secret it regenerated) must lie
 * within what it held. The services check grants dimension by dimension ({@link grantExcess});
 * this is the order the model is stated in, for its tests.
 */
export function rightsWithin(inner: Rights, outer: Rights): boolean {
  if (inner.orgId !== outer.orgId) return false;
  for (const scope of inner.scopes) if (!outer.scopes.has(scope)) return false;
  if (!setWithin(inner.platformScopes, outer.platformScopes)) return false;
  if (!setWithin(inner.resources, outer.resources)) return false;
  if (outer.environment !== null && inner.environment !== outer.environment) return false;
  if (outer.ipAllowlist !== null) {
    if (inner.ipAllowlist === null) return false;
    if (!inner.ipAllowlist.every((cidr) => cidrWithin(cidr, outer.ipAllowlist ?? []))) return false;
  }
  if (outer.expiresAt !== null && (inner.expiresAt === null || inner.expiresAt > outer.expiresAt))
    return false;
  if (outer.rateLimit !== null && !rateWithin(inner.rateLimit, outer.rateLimit)) return false;
  if (outer.quota !== null && !quotaWithin(inner.quota, outer.quota)) return false;
  if (inner.isOperator && !outer.isOperator) return false;
  if (outer.ownKeysOnly && !(inner.ownKeysOnly && inner.userId === outer.userId)) return false;
  return rankOf(inner.role) <= rankOf(outer.role);
}

/** A set within another; null stands for "everything". */
function setWithin(inner: ReadonlySet<string> | null, outer: ReadonlySet<string> | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  for (const item of inner) if (!outer.has(item)) return false;
  return true;
}
