/**
 * @module API types
 *
 * The shapes of Keyward's HTTP API as the admin UI reads them (see `/openapi.json`). Only
 * what the UI uses is declared; unknown fields are ignored.
 */

/** An organization (tenant). */
export interface Org {
  id: string;
  name: string;
}

/** Role of a user inside its organization. */
export type Role = 'owner' | 'admin' | 'member';

/** A person or a service (automation) account. */
export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  kind: 'person' | 'service';
  role: Role;
  isOperator: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The signed-in user, as returned by login, setup and `GET /v1/auth/me`. */
export interface SessionInfo {
  user: User;
  org: Org;
  scopes: string[];
  csrfToken: string;
}

/** Who did something: a user, a key or the system. */
export interface Actor {
  type: 'user' | 'key' | 'system';
  id: string;
  name: string;
}

/** A deployment environment such as `live` or `test`. */
export interface Environment {
  slug: string;
  name: string;
  isProduction: boolean;
}

/** A scope of the operator's catalogue, grouped by module. */
export interface Scope {
  name: string;
  module: string;
  moduleTitle: string;
  description: string;
}

/** Something a key may be restricted to, e.g. a workflow. */
export interface Resource {
  id: string;
  name: string;
  exposed: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a key's status can be; `owner_disabled` means its owner user is disabled. */
export type KeyStatus = 'active' | 'disabled' | 'expired' | 'revoked' | 'owner_disabled';

/** A rate limit: at most `limit` verifications per window. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** A usage quota, optionally refilled on an interval. */
export interface Quota {
  remaining: number;
  refill: { amount: number; intervalSeconds: number } | null;
}

/** One of a key's two secret slots; only a short hint of the secret is ever shown. */
export interface KeySecret {
  slot: 'primary' | 'secondary';
  hint: string;
  createdAt: string;
  expiresAt: string | null;
}

/** An API key, without its secret. */
export interface Key {
  id: string;
  name: string;
  orgId: string;
  ownerId: string | null;
  owner: { id: string; email: string; name: string } | null;
  createdBy: Actor;
  environment: string;
  scopes: string[];
  resources: string[] | null;
  enabled: boolean;
  status: KeyStatus;
  expiresAt: string | null;
  metadata: Record<string, unknown>;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  ipAllowlist: string[] | null;
  secrets: KeySecret[];
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key just created or regenerated: the only time its full value is available. */
export interface KeyWithSecret extends Key {
  key: string;
  slot?: 'primary' | 'secondary';
}

/** Fields of `POST /v1/keys`. */
export interface CreateKeyInput {
  name: string;
  environment?: string;
  scopes: string[];
  resources?: string[] | null;
  expiresAt?: string | null;
  /** Omitted: the caller owns the key; null: no owner (an organization key). */
  ownerId?: string | null;
  metadata?: Record<string, unknown>;
  rateLimit?: RateLimit;
  quota?: { remaining: number; refill?: { amount: number; intervalSeconds: number } };
  ipAllowlist?: string[];
}

/** Filters of `GET /v1/keys`. */
export interface KeyFilters {
  ownerId?: string;
  environment?: string;
  status?: string;
  search?: string;
}

/** One bucket of `GET /v1/keys/{id}/usage`: verification counts by outcome code. */
export interface UsageBucket {
  start: string;
  counts: Partial<Record<string, number>>;
}

/** Verifications of a key over time. */
export interface Usage {
  granularity: 'hour' | 'day';
  buckets: UsageBucket[];
}

/** Fields of `POST /v1/users`. */
export interface CreateUserInput {
  email: string;
  name: string;
  kind: 'person' | 'service';
  role: Role;
  password?: string;
}

/** Fields of `PATCH /v1/users/{id}`. */
export interface UpdateUserInput {
  name?: string;
  role?: Role;
  enabled?: boolean;
  password?: string;
}

/** One entry of the audit trail. */
export interface AuditEvent {
  id: string;
  orgId: string;
  at: string;
  actor: Actor;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Filters of `GET /v1/audit`. */
export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  target?: string;
}

/** A page of a cursor-paginated list. */
export interface Page<TItem> {
  items: TItem[];
  nextCursor: string | null;
}

/** Answer of `POST /v1/verify`. */
export interface VerifyResult {
  valid: boolean;
  code: string;
}
