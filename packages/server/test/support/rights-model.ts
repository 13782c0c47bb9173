/**
 * An independent model of docs/authorization.md, for the generated-attack test: the state of a
 * few organizations (users, keys, who can sign in), each principal's rights, and the answer the
 * server should give to each action. It shares no code with the server: it is the page written a
 * second time, as plainly as it reads, so that the two can be held against each other.
 */

export type Role = 'owner' | 'admin' | 'member';

export const ORG_SCOPES = [
  'keys:read',
  'keys:write',
  'keys:verify',
  'users:read',
  'users:write',
  'resources:read',
  'resources:write',
  'audit:read',
];
export const MEMBER_SCOPES = ['keys:read', 'keys:write', 'keys:verify', 'resources:read'];
export const OPERATOR_SCOPES = ['orgs:read', 'orgs:write', 'catalog:write', 'keys:verify-all'];
const ADMIN_API = new Set([...ORG_SCOPES, ...OPERATOR_SCOPES]);
const ROLE_SCOPES: Record<Role, readonly string[]> = {
  owner: ORG_SCOPES,
  admin: ORG_SCOPES,
  member: MEMBER_SCOPES,
};
const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

export interface ModelUser {
  id: string;
  org: string;
  email: string;
  role: Role;
  operator: boolean;
  enabled: boolean;
  deleted: boolean;
  hasPassword: boolean;
}

export interface ModelKey {
  id: string;
  /** The key string that works now (the primary secret). */
  token: string;
  org: string;
  owner: string | null;
  accountable: string | null;
  scopes: string[];
  environment: string;
  resources: string[] | null;
  ipAllowlist: string[] | null;
  expiresAt: number | null;
  enabled: boolean;
  revoked: boolean;
}

/** What a principal may do. `platform`, `resources`, `environment`: null means every one. */
export interface ModelRights {
  org: string;
  user: string | null;
  role: Role | null;
  operator: boolean;
  scopes: Set<string>;
  platform: Set<string> | null;
  resources: Set<string> | null;
  environment: string | null;
  ipAllowlist: string[] | null;
  expiresAt: number | null;
  ownKeysOnly: boolean;
}

/** A principal: a key, or a user signing in (whether or not it holds a session right now). */
export type Principal = { kind: 'key'; id: string } | { kind: 'user'; id: string };

/** The grant a new or changed key asks for. `undefined`: not given. */
export interface GrantSpec {
  owner?: string | null;
  scopes: string[];
  environment?: string;
  resources?: string[] | null;
  ipAllowlist?: string[] | null;
  expiresAt?: number | null;
}

/** The answer the model expects: a status, and for a success what it changes. */
export type Outcome = { status: number; apply?: () => void };

const ok = (apply?: () => void): Outcome => ({ status: 200, apply });
const refuse = (status: number): Outcome => ({ status });

/** Whether `cidr` lies within one of `outer` (the model knows only the ranges it generates). */
function cidrWithin(cidr: string, outer: readonly string[]): boolean {
  const bits = (c: string) => Number(c.split('/')[1] ?? 32);
  const net = (c: string) => (c.split('/')[0] as string).split('.').map(Number);
  return outer.some((o) => {
    if (bits(cidr) < bits(o)) return false;
    const [a, b] = [net(cidr), net(o)];
    const whole = Math.floor(bits(o) / 8);
    return a.slice(0, whole).every((octet, i) => octet === b[i]);
  });
}

export class RightsModel {
  readonly users = new Map<string, ModelUser>();
  readonly keys = new Map<string, ModelKey>();

  /** The rights of a user signing in; null when it cannot. */
  userRights(id: string): ModelRights | null {
    const user = this.users.get(id);
    if (!user || user.deleted || !user.enabled) return null;
    return {
      org: user.org,
      user: user.id,
      role: user.role,
      operator: user.operator,
      scopes: new Set([...ROLE_SCOPES[user.role], ...(user.operator ? OPERATOR_SCOPES : [])]),
      platform: null,
      resources: null,
      environment: null,
      ipAllowlist: null,
      expiresAt: null,
      ownKeysOnly: user.role === 'member',
    };
  }

  /** The rights of a key; null when it does not authenticate. */
  keyRights(id: string): ModelRights | null {
    const key = this.keys.get(id);
    if (!key || key.revoked || !key.enabled) return null;
    if (key.owner !== null && this.userRights(key.owner) === null) return null;
    const accountable = key.accountable === null ? undefined : this.users.get(key.accountable);
    const live = accountable && !accountable.deleted ? accountable : undefined;
    const usable = live ? (this.userRights(live.id)?.scopes ?? new Set<string>()) : new Set<string>();
    return {
      org: key.org,
      user: live?.id ?? null,
      role: live?.role ?? null,
      operator: live?.operator ?? false,
      scopes: new Set(key.scopes.filter((s) => ADMIN_API.has(s) && usable.has(s))),
      platform: new Set(key.scopes.filter((s) => !ADMIN_API.has(s))),
      resources: key.resources && new Set(key.resources),
      environment: key.environment,
      ipAllowlist: key.ipAllowlist,
      expiresAt: key.expiresAt,
      ownKeysOnly: live?.role !== 'owner' && live?.role !== 'admin',
    };
  }

  rightsOf(principal: Principal): ModelRights | null {
    return principal.kind === 'key' ? this.keyRights(principal.id) : this.userRights(principal.id);
  }

  /** Whether `actor` may manage `user`: itself; else same org, rank and below, operators by operators. */
  mayManage(actor: ModelRights, user: ModelUser): boolean {
    if (actor.org !== user.org) return false;
    if (actor.user === user.id) return true;
    if (user.operator && !actor.operator) return false;
    return actor.role !== null && actor.role !== 'member' && RANK[actor.role] >= RANK[user.role];
  }

  /** Whether `actor` may give `role`: its rank, and every Keyward scope of the role held. */
  mayGive(actor: ModelRights, role: Role): boolean {
    if (actor.role === null || actor.role === 'member' || RANK[actor.role] < RANK[role]) return false;
    return ROLE_SCOPES[role].every((s) => actor.scopes.has(s));
  }

  /** Whether a key's grant lies within `actor`'s rights. */
  grantWithin(
    actor: ModelRights,
    key: Omit<ModelKey, 'id' | 'token' | 'org' | 'owner' | 'accountable' | 'enabled' | 'revoked'>,
  ): boolean {
    for (const scope of key.scopes) {
      if (
        ADMIN_API.has(scope)
          ? !actor.scopes.has(scope)
          : actor.platform !== null && !actor.platform.has(scope)
      )
        return false;
    }
    if (actor.resources && (key.resources === null || key.resources.some((r) => !actor.resources?.has(r))))
      return false;
    if (actor.environment !== null && key.environment !== actor.environment) return false;
    if (
      actor.ipAllowlist &&
      (key.ipAllowlist === null || !key.ipAllowlist.every((c) => cidrWithin(c, actor.ipAllowlist ?? [])))
    )
      return false;
    if (actor.expiresAt !== null && (key.expiresAt === null || key.expiresAt > actor.expiresAt)) return false;
    return true;
  }

  /** Whether the key's Keyward scopes fit what its accountable user may use now. */
  fitsAccountable(accountable: string | null, scopes: readonly string[]): boolean {
    const usable = accountable === null ? null : this.userRights(accountable);
    return scopes.every((s) => !ADMIN_API.has(s) || (usable?.scopes.has(s) ?? false));
  }

  /** Whether `actor` sees key `key`: its org, and its own keys only for members. */
  sees(actor: ModelRights, key: ModelKey): boolean {
    return key.org === actor.org && (!actor.ownKeysOnly || key.owner === actor.user);
  }

  liveOwners(org: string): ModelUser[] {
    return [...this.users.values()].filter(
      (u) => u.org === org && u.role === 'owner' && u.enabled && !u.deleted,
    );
  }

  // ---- actions: each returns the expected answer, and what a success changes ----

  createKey(as: Principal, spec: GrantSpec, made: () => ModelKey): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (!actor.scopes.has('keys:write')) return refuse(403);
    return this.grantNew(actor, spec, made);
  }

  /** A new key by `actor`: limits it leaves out are the actor's; then who may own it, and within what. */
  private grantNew(actor: ModelRights, spec: GrantSpec, made: () => ModelKey): Outcome {
    const resources =
      spec.resources === undefined && actor.resources ? [...actor.resources] : (spec.resources ?? null);
    const environment = spec.environment ?? actor.environment ?? 'live';
    const ipAllowlist =
      spec.ipAllowlist === undefined && actor.ipAllowlist ? actor.ipAllowlist : (spec.ipAllowlist ?? null);
    const expiresAt =
      spec.expiresAt === undefined && actor.expiresAt !== null ? actor.expiresAt : (spec.expiresAt ?? null);
    const owner = spec.owner === undefined ? actor.user : spec.owner;
    if (owner !== null) {
      const user = this.users.get(owner);
      if (!user || user.deleted || user.org !== actor.org) return refuse(400);
    }
    const accountable = owner ?? actor.user;
    const accountableUser = accountable === null ? undefined : this.users.get(accountable);
    if (accountableUser && !accountableUser.deleted && !this.mayManage(actor, accountableUser))
      return refuse(403);
    const grant = { scopes: [...new Set(spec.scopes)], environment, resources, ipAllowlist, expiresAt };
    if (!this.fitsAccountable(accountable, grant.scopes)) return refuse(400);
    if (!this.grantWithin(actor, grant)) return refuse(403);
    return {
      status: 201,
      apply: () => {
        const key = made();
        Object.assign(key, { ...grant, org: actor.org, owner, accountable, enabled: true, revoked: false });
        this.keys.set(key.id, key);
      },
    };
  }

  /** The checks every change of an existing key makes first: credential, scope, sight, revocation. */
  private changeable(as: Principal, id: string): { actor: ModelRights; key: ModelKey } | Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (!actor.scopes.has('keys:write')) return refuse(403);
    const key = this.keys.get(id) as ModelKey;
    if (!this.sees(actor, key)) return refuse(404);
    if (key.revoked) return refuse(409);
    return { actor, key };
  }

  /** Re-granting an existing key (as it will be): may manage its accountable user, grant within. */
  private regrantable(actor: ModelRights, key: ModelKey, scopesChanged: boolean): boolean | 400 {
    const accountable = key.accountable === null ? undefined : this.users.get(key.accountable);
    if (accountable && !accountable.deleted && !this.mayManage(actor, accountable)) return false;
    if (scopesChanged && !this.fitsAccountable(key.accountable, key.scopes)) return 400;
    return this.grantWithin(actor, key);
  }

  patchKey(as: Principal, id: string, patch: Partial<Omit<GrantSpec, 'owner' | 'environment'>>): Outcome {
    const found = this.changeable(as, id);
    if ('status' in found) return found;
    const next: ModelKey = {
      ...found.key,
      scopes: patch.scopes ? [...new Set(patch.scopes)] : found.key.scopes,
      resources: patch.resources === undefined ? found.key.resources : patch.resources,
      ipAllowlist: patch.ipAllowlist === undefined ? found.key.ipAllowlist : patch.ipAllowlist,
      expiresAt: patch.expiresAt === undefined ? found.key.expiresAt : patch.expiresAt,
    };
    const verdict = this.regrantable(found.actor, next, patch.scopes !== undefined);
    if (verdict !== true) return refuse(verdict === 400 ? 400 : 403);
    return ok(() => this.keys.set(id, next));
  }

  regenerate(as: Principal, id: string, token: () => string): Outcome {
    const found = this.changeable(as, id);
    if ('status' in found) return found;
    if (this.regrantable(found.actor, found.key, false) !== true) return refuse(403);
    return ok(() => {
      found.key.token = token();
    });
  }

  setKeyEnabled(as: Principal, id: string, enabled: boolean): Outcome {
    const found = this.changeable(as, id);
    if ('status' in found) return found;
    if (enabled && !found.key.enabled && this.regrantable(found.actor, found.key, false) !== true)
      return refuse(403);
    return ok(() => {
      found.key.enabled = enabled;
    });
  }

  revokeKey(as: Principal, id: string): Outcome {
    const found = this.changeable(as, id);
    if ('status' in found) return found;
    return ok(() => {
      found.key.revoked = true;
    });
  }

  /** `POST /api_tokens/` with a session (a user) or a key, naming scopes or not: a key owned by itself. */
  mint(as: Principal, scopes: string[] | undefined, made: () => ModelKey): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (as.kind === 'key' && !actor.scopes.has('keys:write')) return refuse(403);
    if (actor.user === null || actor.role === null) return refuse(403);
    const defaults =
      as.kind === 'user' ? [...ROLE_SCOPES[actor.role]] : [...actor.scopes, ...(actor.platform ?? [])];
    return this.grantNew(actor, { owner: actor.user, scopes: scopes ?? defaults }, made);
  }

  createUser(as: Principal, role: Role, withPassword: boolean, made: () => ModelUser): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (!actor.scopes.has('users:write')) return refuse(403);
    if (!this.mayGive(actor, role)) return refuse(403);
    if (withPassword && actor.platform !== null) return refuse(403);
    return {
      status: 201,
      apply: () => {
        const user = made();
        Object.assign(user, {
          org: actor.org,
          role,
          operator: false,
          enabled: true,
          deleted: false,
          hasPassword: withPassword,
        });
        this.users.set(user.id, user);
      },
    };
  }

  patchUser(
    as: Principal,
    id: string,
    patch: { role?: Role; enabled?: boolean; password?: boolean },
  ): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (!actor.scopes.has('users:write')) return refuse(403);
    const user = this.users.get(id) as ModelUser;
    if (user.org !== actor.org || user.deleted) return refuse(404);
    if (!this.mayManage(actor, user)) return refuse(403);
    const role = patch.role ?? user.role;
    if (RANK[role] > RANK[user.role] && !this.mayGive(actor, role)) return refuse(403);
    const opens = patch.password === true || (patch.enabled === true && !user.enabled);
    if (opens && (actor.platform !== null || !this.mayGive(actor, role))) return refuse(403);
    const enabled = patch.enabled ?? user.enabled;
    if (user.role === 'owner' && user.enabled && (role !== 'owner' || !enabled)) {
      if (this.liveOwners(user.org).filter((u) => u.id !== user.id).length === 0) return refuse(409);
    }
    return ok(() => {
      user.role = role;
      user.enabled = enabled;
      if (patch.password) user.hasPassword = true;
    });
  }

  deleteUser(as: Principal, id: string): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    if (!actor.scopes.has('users:write')) return refuse(403);
    const user = this.users.get(id) as ModelUser;
    if (user.org !== actor.org || user.deleted) return refuse(404);
    if (!this.mayManage(actor, user)) return refuse(403);
    if (
      user.role === 'owner' &&
      user.enabled &&
      this.liveOwners(user.org).filter((u) => u.id !== id).length === 0
    )
      return refuse(409);
    return ok(() => {
      user.deleted = true;
      user.enabled = false;
      for (const key of this.keys.values()) if (key.owner === id) key.revoked = true;
    });
  }

  /** `POST /v1/verify` of key `id` by `as`: the status, and the code when it answers. */
  verify(as: Principal, id: string): { status: number; code?: string } {
    const actor = this.rightsOf(as);
    if (!actor) return { status: 401 };
    if (!actor.scopes.has('keys:verify')) return { status: 403 };
    const key = this.keys.get(id) as ModelKey;
    if (key.org !== actor.org && !actor.scopes.has('keys:verify-all'))
      return { status: 200, code: 'NOT_FOUND' };
    if (key.revoked) return { status: 200, code: 'NOT_FOUND' };
    if (!key.enabled || (key.owner !== null && this.userRights(key.owner) === null))
      return { status: 200, code: 'DISABLED' };
    if (key.environment !== 'live') return { status: 200, code: 'ENVIRONMENT_MISMATCH' };
    if (key.ipAllowlist !== null) return { status: 200, code: 'IP_FORBIDDEN' };
    return { status: 200, code: 'VALID' };
  }

  /** A read that needs one scope. */
  probe(as: Principal, scope: string): Outcome {
    const actor = this.rightsOf(as);
    if (!actor) return refuse(401);
    return actor.scopes.has(scope) ? ok() : refuse(403);
  }
}

// ---- the order of rights, for the invariant ----

const setWithin = (inner: Set<string> | null, outer: Set<string> | null) =>
  outer === null || (inner !== null && [...inner].every((x) => outer.has(x)));

/** Whether `inner` reaches nothing `outer` does not, in any dimension (null rights: nothing). */
export function within(inner: ModelRights | null, outer: ModelRights | null): boolean {
  if (inner === null) return true;
  if (outer === null) return false;
  if (inner.org !== outer.org) return false;
  if (![...inner.scopes].every((s) => outer.scopes.has(s))) return false;
  if (!setWithin(inner.platform, outer.platform) || !setWithin(inner.resources, outer.resources))
    return false;
  if (outer.environment !== null && inner.environment !== outer.environment) return false;
  if (outer.ipAllowlist && !inner.ipAllowlist?.every((c) => cidrWithin(c, outer.ipAllowlist ?? [])))
    return false;
  if (outer.expiresAt !== null && (inner.expiresAt === null || inner.expiresAt > outer.expiresAt))
    return false;
  if (inner.operator && !outer.operator) return false;
  if (outer.ownKeysOnly && !(inner.ownKeysOnly && inner.user === outer.user)) return false;
  const rank = (r: Role | null) => (r === null ? 0 : RANK[r]);
  return rank(inner.role) <= rank(outer.role);
}

/** The least rights reaching everything `a` or `b` reaches (same org), or null across orgs. */
export function join(a: ModelRights | null, b: ModelRights | null): ModelRights | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.org !== b.org) return null;
  const union = (x: Set<string> | null, y: Set<string> | null) =>
    x === null || y === null ? null : new Set([...x, ...y]);
  const rank = (r: Role | null) => (r === null ? 0 : RANK[r]);
  return {
    org: a.org,
    user: a.user === b.user ? a.user : null,
    role: rank(a.role) >= rank(b.role) ? a.role : b.role,
    operator: a.operator || b.operator,
    scopes: new Set([...a.scopes, ...b.scopes]),
    platform: union(a.platform, b.platform),
    resources: union(a.resources, b.resources),
    environment: a.environment === b.environment ? a.environment : null,
    ipAllowlist: a.ipAllowlist && b.ipAllowlist ? [...a.ipAllowlist, ...b.ipAllowlist] : null,
    expiresAt: a.expiresAt === null || b.expiresAt === null ? null : Math.max(a.expiresAt, b.expiresAt),
    ownKeysOnly: a.ownKeysOnly && b.ownKeysOnly && a.user === b.user,
  };
}
