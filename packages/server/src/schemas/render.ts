/**
 * Renders domain objects as the API's JSON. The only place that turns epoch ms into ISO
 * strings and decides what a response shows; a secret digest never appears here.
 */
import { type ApiKey, type KeySecret, keyStatus, type User } from '@keyward/core';
import { toIso } from './common.ts';

export type OwnerSummary = Pick<User, 'id' | 'email' | 'name' | 'enabled'>;

export function renderKey(
  key: ApiKey,
  secrets: readonly KeySecret[],
  owner: OwnerSummary | null,
  now: number,
) {
  return {
    id: key.id,
    name: key.name,
    orgId: key.orgId,
    ownerId: key.ownerId,
    owner: owner && { id: owner.id, email: owner.email, name: owner.name },
    createdBy: key.createdBy,
    environment: key.environment,
    scopes: key.scopes,
    resources: key.resources,
    enabled: key.enabled,
    status: keyStatus(key, owner?.enabled ?? true, now),
    expiresAt: toIso(key.expiresAt),
    metadata: key.metadata,
    rateLimit: key.rateLimit,
    quota: key.quota,
    ipAllowlist: key.ipAllowlist,
    secrets: secrets.map((s) => ({
      slot: s.slot,
      hint: s.hint,
      createdAt: toIso(s.createdAt),
      expiresAt: toIso(s.expiresAt),
    })),
    createdAt: toIso(key.createdAt),
    updatedAt: toIso(key.updatedAt),
    lastUsedAt: toIso(key.lastUsedAt),
    revokedAt: toIso(key.revokedAt),
  };
}

export function renderUser(user: User) {
  return {
    id: user.id,
    orgId: user.orgId,
    email: user.email,
    name: user.name,
    kind: user.kind,
    role: user.role,
    isOperator: user.isOperator,
    enabled: user.enabled,
    createdAt: toIso(user.createdAt),
    updatedAt: toIso(user.updatedAt),
  };
}
