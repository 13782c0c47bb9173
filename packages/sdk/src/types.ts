/**
 * @module API types
 *
 * The shapes of Keyward's HTTP API as the SDK sees them. A test compares them with the
 * server's `/openapi.json`, so they cannot drift apart silently.
 */

/** Every verification outcome, in the order the checks run. */
export type VerifyCode =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'DISABLED'
  | 'EXPIRED'
  | 'ENVIRONMENT_MISMATCH'
  | 'IP_FORBIDDEN'
  | 'INSUFFICIENT_SCOPE'
  | 'RESOURCE_FORBIDDEN'
  | 'RATE_LIMITED'
  | 'USAGE_EXCEEDED'
  | 'VALID';

/** A required-scopes expression: a name, a list (all of), `{ anyOf }` or `{ allOf }`. */
export type ScopeQuery =
  | string
  | readonly ScopeQuery[]
  | { anyOf: readonly ScopeQuery[] }
  | { allOf: readonly ScopeQuery[] };

export interface VerifyRequest {
  key: string;
  scopes?: ScopeQuery;
  resource?: string;
  environment?: string;
  ip?: string;
  cost?: number;
}

/** The identity of a verified key, to hand downstream. */
export interface KeyIdentity {
  id: string;
  name: string;
  orgId: string;
  ownerId: string | null;
  environment: string;
  scopes: string[];
  metadata: Record<string, unknown>;
}

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  key?: KeyIdentity;
  ratelimit?: { limit: number; remaining: number; reset: string };
  remaining?: number;
}

export interface Actor {
  type: 'user' | 'key' | 'system';
  id: string | null;
  name: string | null;
}

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
  status: 'active' | 'disabled' | 'expired' | 'revoked' | 'owner_disabled';
  expiresAt: string | null;
  metadata: Record<string, unknown>;
  rateLimit: { limit: number; windowSeconds: number } | null;
  quota: { remaining: number; refill?: { amount: number; intervalSeconds: number } | null } | null;
  ipAllowlist: string[] | null;
  secrets: { slot: 'primary' | 'secondary'; hint: string; createdAt: string; expiresAt: string | null }[];
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key with its full secret string, returned once by create and regenerate. */
export type IssuedKey = Key & { key: string };

export interface CreateKeyRequest {
  name: string;
  scopes: string[];
  environment?: string;
  ownerId?: string | null;
  resources?: string[] | null;
  expiresAt?: string | null;
  metadata?: Record<string, unknown>;
  rateLimit?: { limit: number; windowSeconds: number } | null;
  quota?: { remaining: number; refill?: { amount: number; intervalSeconds: number } | null } | null;
  ipAllowlist?: string[] | null;
}

export type UpdateKeyRequest = Partial<Omit<CreateKeyRequest, 'environment' | 'ownerId'>> & {
  enabled?: boolean;
};

export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  kind: 'person' | 'service';
  role: 'owner' | 'admin' | 'member';
  isOperator: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEvent {
  id: string;
  orgId: string | null;
  at: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The error body of every failed API call. */
export interface ApiError {
  code: string;
  message: string;
  requestId: string;
  docs?: string;
  details?: Record<string, unknown>;
}
