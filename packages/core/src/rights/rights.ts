/**
 * @module Rights
 *
 * What a principal may do, computed from scratch at every use (docs/authorization.md):
 *
 * - a **user** acting in person holds its role's Keyward scopes, the operator scopes when it is
 *   an operator, and every platform scope, resource and environment;
 * - a **key** holds the intersection of its own grant and its accountable user's current rights:
 *   Keyward and operator scopes only when both the key was granted them and the user may use them
 *   now; its own platform scopes, resources, environment, IP allowlist and expiry;
 * - the **system** (the in-process CLI) holds every Keyward and operator scope of one org.
 *
 * Rights are values: nothing here reads a database. The server loads the user or the key (with
 * its accountable user's state) and asks these functions.
 */
import { ALL_KEYWARD_SCOPES, ALL_OPERATOR_SCOPES, isAdminApiScope, ROLE_SCOPES } from '../catalog.ts';
import type { QuotaPolicy, RateLimitPolicy, Role } from '../model.ts';

/** The state of a user that rights depend on. A deleted user is not a user: pass null. */
export interface UserState {
  id: string;
  orgId: string;
  role: Role;
  isOperator: boolean;
  enabled: boolean;
}

/** A key's own grant: the dimensions in which a key can be narrower than its maker. */
export interface KeyGrant {
  /** Keyward, operator and platform scopes alike. */
  scopes: readonly string[];
  /** Null: every resource. */
  resources: readonly string[] | null;
  environment: string;
  /** Null: any address. */
  ipAllowlist: readonly string[] | null;
  /** Epoch ms; null: never. */
  expiresAt: number | null;
  /** Null: no rate limit. */
  rateLimit: RateLimitPolicy | null;
  /** Null: no quota. */
  quota: QuotaPolicy | null;
}

/** What a principal may do. */
export interface Rights {
  readonly orgId: string;
  /** The user accountable for what is done with these rights; null for the system (and for keys with none). */
  readonly userId: string | null;
  /** That user's role, which decides whom the principal may manage (the system counts as an owner); null without a user. */
  readonly role: Role | null;
  /** Whether that user is an operator: only operators manage operators. */
  readonly isOperator: boolean;
  /** Keyward and operator scopes usable now: what guards Keyward's own API. */
  readonly scopes: ReadonlySet<string>;
  /** Platform scopes it holds; null: every scope of the catalogue. */
  readonly platformScopes: ReadonlySet<string> | null;
  /** Resources it is limited to; null: every resource. */
  readonly resources: ReadonlySet<string> | null;
  /** The environment it is limited to; null: every environment. */
  readonly environment: string | null;
  /** The address ranges it is limited to; null: any address. */
  readonly ipAllowlist: readonly string[] | null;
  /** When it ends (epoch ms); null: never. */
  readonly expiresAt: number | null;
  /** The rate it is limited to; null: none. Keys it makes are limited at least as much. */
  readonly rateLimit: RateLimitPolicy | null;
  /** The usage it has left (when it was loaded); null: no quota. Keys it makes get no more. */
  readonly quota: QuotaPolicy | null;
  /** Members (and keys without an accountable user) act on keys their user owns, and no other. */
  readonly ownKeysOnly: boolean;
}

/** How far each role reaches when managing users: a principal manages users of its rank and below. */
const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

/** The Keyward and operator scopes a user may use now; none when it is disabled. */
function scopesOfUser(user: UserState): ReadonlySet<string> {
  if (!user.enabled) return new Set();
  return new Set(
    user.isOperator ? [...ROLE_SCOPES[user.role], ...ALL_OPERATOR_SCOPES] : ROLE_SCOPES[user.role],
  );
}

/** The rights of a user acting in person (a session, or its email and password). */
export function userRights(user: UserState): Rights {
  return Object.freeze({
    orgId: user.orgId,
    userId: user.id,
    role: user.role,
    isOperator: user.isOperator,
    scopes: scopesOfUser(user),
    platformScopes: null,
    resources: null,
    environment: null,
    ipAllowlist: null,
    expiresAt: null,
    rateLimit: null,
    quota: null,
    ownKeysOnly: user.role === 'member',
  });
}

/**
 * The rights of a key: its grant, bounded by its accountable user's current rights. `accountable`
 * is that user's state as loaded with the key (null when it has none, or it was deleted).
 */
export function keyRights(key: KeyGrant & { orgId: string; accountable: UserState | null }): Rights {
  const user = key.accountable;
  const usable = user ? scopesOfUser(user) : new Set<string>();
  const scopes = new Set<string>();
  const platformScopes = new Set<string>();
  for (const scope of key.scopes) {
    if (!isAdminApiScope(scope)) platformScopes.add(scope);
    else if (usable.has(scope)) scopes.add(scope);
  }
  return Object.freeze({
    orgId: key.orgId,
    userId: user?.id ?? null,
    role: user?.role ?? null,
    isOperator: user?.isOperator ?? false,
    scopes,
    platformScopes,
    resources: key.resources ? new Set(key.resources) : null,
    environment: key.environment,
    ipAllowlist: key.ipAllowlist,
    expiresAt: key.expiresAt,
    rateLimit: key.rateLimit,
    quota: key.quota,
    ownKeysOnly: user?.role !== 'owner' && user?.role !== 'admin',
  });
}

/**
 * The rights of the in-process CLI in one organization: everything an owner and operator holds,
 * accountable to nobody (whoever runs it holds the database and the pepper anyway).
 */
export function systemRights(orgId: string): Rights {
  return Object.freeze({
    orgId,
    userId: null,
    role: 'owner',
    isOperator: true,
    scopes: new Set([...ALL_KEYWARD_SCOPES, ...ALL_OPERATOR_SCOPES]),
    platformScopes: null,
    resources: null,
    environment: null,
    ipAllowlist: null,
    expiresAt: null,
    rateLimit: null,
    quota: null,
    ownKeysOnly: false,
  });
}

/**
 * Whether `actor` may manage `user`: change it, disable or delete it, or make keys it owns.
 * Users manage themselves; otherwise only within the org, at the actor's rank and below, and an
 * operator only by an operator. Members manage nobody but themselves.
 */
export function mayManageUser(
  actor: Rights,
  user: Pick<UserState, 'id' | 'orgId' | 'role' | 'isOperator'>,
): boolean {
  if (actor.orgId !== user.orgId) return false;
  if (actor.userId !== null && actor.userId === user.id) return true;
  if (user.isOperator && !actor.isOperator) return false;
  return actor.role !== null && actor.role !== 'member' && RANK[actor.role] >= RANK[user.role];
}

/**
 * Whether `actor` may give a user `role` (make one with it, or raise one to it): nobody gives a
 * role above its own, nor one with a Keyward scope it does not hold itself. Lowering a role only
 * narrows, so that needs no more than {@link mayManageUser}.
 */
export function mayAssignRole(actor: Rights, role: Role): boolean {
  if (actor.role === null || actor.role === 'member' || RANK[actor.role] < RANK[role]) return false;
  return ROLE_SCOPES[role].every((scope) => actor.scopes.has(scope));
}

/** Whether a role change from `from` to `to` raises the user. */
export function raisesRole(from: Role, to: Role): boolean {
  return RANK[to] > RANK[from];
}

/**
 * Whether `actor` may give a user a way to sign in (a password) or give a disabled user its
 * sign-ins back. Someone who signs in holds every platform scope of the catalogue, so only a
 * principal that holds every platform scope itself — a person, or the system — may: a key is
 * never wider than its grant, and its grant names its platform scopes one by one.
 */
export function mayOpenSignIn(actor: Rights, user: Pick<UserState, 'role'>): boolean {
  return actor.platformScopes === null && mayAssignRole(actor, user.role);
}

/** How far a role reaches (0 without one): principals manage users of their rank and below. */
export const rankOf = (role: Role | null): number => (role === null ? 0 : RANK[role]);
