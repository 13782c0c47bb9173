/**
 * @module Domain model
 *
 * Plain domain objects. Timestamps are epoch milliseconds; storage maps rows to these and the
 * HTTP layer renders them as ISO strings.
 */

/** A user's role in its organization. */
export type Role = 'owner' | 'admin' | 'member';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

/** A person, or an automation account (S: "Service-User"). */
export type UserKind = 'person' | 'service';
export const USER_KINDS: readonly UserKind[] = ['person', 'service'];

/** Who did something: a user, a key, or the system itself (CLI on the local database, jobs). */
export interface Actor {
  type: 'user' | 'key' | 'system';
  id: string | null;
  name: string | null;
}

/** A tenant. Nothing crosses organizations. */
export interface Org {
  id: string;
  name: string;
  createdAt: number;
}

/** A user of one organization. */
export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  kind: UserKind;
  role: Role;
  isOperator: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A deployment target such as `live` (production) or `test`. */
export interface Environment {
  slug: string;
  name: string;
  isProduction: boolean;
  createdAt: number;
}

/** A permission from the operator's catalogue, grouped into modules. */
export interface Scope {
  name: string;
  module: string;
  moduleTitle: string;
  description: string;
}

/** Something a key may be restricted to, registered by the platform per organization. */
export interface Resource {
  orgId: string;
  id: string;
  name: string;
  exposed: boolean;
  createdAt: number;
  updatedAt: number;
}

/** At most `limit` verifications per `windowSeconds`. */
export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

/** A usage budget, optionally refilled to `amount` every `intervalSeconds`. */
export interface QuotaPolicy {
  remaining: number;
  refill: { amount: number; intervalSeconds: number } | null;
}

/** The two secret slots of a key; both are valid at once. */
export type SecretSlot = 'primary' | 'secondary';
export const SECRET_SLOTS: readonly SecretSlot[] = ['primary', 'secondary'];

/** A stored secret digest. A regenerated secret may keep the old one valid until `expiresAt`. */
export interface KeySecret {
  id: string;
  keyId: string;
  slot: SecretSlot;
  digest: string;
  pepperVersion: number;
  /** The first characters of the secret, for telling keys apart in lists. */
  hint: string;
  createdAt: number;
  /** Null for the slot's current secret; set when a regeneration left it valid for a grace period. */
  expiresAt: number | null;
}

/** An API key, without its secrets. */
export interface ApiKey {
  id: string;
  orgId: string;
  name: string;
  ownerId: string | null;
  /**
   * The user whose current rights bound the key on Keyward's own API: the owner, else the user
   * accountable for whoever made it. Null only for keys without Keyward scopes made by the system.
   */
  accountableUserId: string | null;
  createdBy: Actor;
  environment: string;
  scopes: string[];
  resources: string[] | null;
  enabled: boolean;
  revokedAt: number | null;
  expiresAt: number | null;
  metadata: Record<string, unknown>;
  rateLimit: RateLimitPolicy | null;
  quota: QuotaPolicy | null;
  ipAllowlist: string[] | null;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
}

/** What a key's state looks like to an admin. */
export type KeyStatus = 'active' | 'disabled' | 'expired' | 'revoked' | 'owner_disabled';

/** Derives the status shown in lists from a key, its owner and the time. */
export function keyStatus(key: ApiKey, ownerEnabled: boolean, now: number): KeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (!key.enabled) return 'disabled';
  if (!ownerEnabled) return 'owner_disabled';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

/** One entry of the audit trail. */
export interface AuditEvent {
  id: string;
  orgId: string | null;
  at: number;
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
