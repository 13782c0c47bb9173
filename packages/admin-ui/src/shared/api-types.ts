/**
 * @module API types
 *
 * The shapes of Keyward's HTTP API as the admin UI reads them. The resources the SDK also
 * speaks (keys, users, audit events, pages) come from the SDK's types, which a test checks
 * against `/openapi.json`; what only the UI reads is declared here.
 */
import type { IssuedKey, Key, User } from '@keyward/sdk/types';

export type { Actor, AuditEvent, Key, Page, User } from '@keyward/sdk/types';

/** An organization (tenant). */
export interface Org {
  id: string;
  name: string;
}

/** Role of a user inside its organization. */
export type Role = User['role'];

/** The signed-in user, as returned by login, setup and `GET /v1/auth/me`. */
export interface SessionInfo {
  user: User;
  org: Org;
  scopes: string[];
  csrfToken: string;
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
  /** Whether the signed-in user may grant it (on a key owned by the owner asked about). */
  grantable: boolean;
  reason?: 'not-held' | 'owner-cannot-use' | 'owner-not-manageable';
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
export type KeyStatus = Key['status'];

/** A rate limit: at most `limit` verifications per window. */
export type RateLimit = NonNullable<Key['rateLimit']>;

/** A key just created or regenerated: the only time its full value is available. */
export type KeyWithSecret = IssuedKey & { slot?: 'primary' | 'secondary' };

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

/** Filters of `GET /v1/audit`. */
export interface AuditFilters {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  target?: string;
}

/** Answer of `POST /v1/verify`. */
export interface VerifyResult {
  valid: boolean;
  code: string;
}
