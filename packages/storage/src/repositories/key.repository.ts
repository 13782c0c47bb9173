import type { Actor, ApiKey, KeySecret, SecretSlot } from '@keyward/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ApiKeyTable, Database, KeySecretTable } from '../database.ts';
import { contains } from './contains.ts';
import { fromJson, fromJsonOrNull, toJson, toJsonOrNull } from './json.ts';
import { decodeCursor, type Page, toPage } from './page.ts';

export function keyRowToKey(row: Selectable<ApiKeyTable>): ApiKey {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    ownerId: row.owner_id,
    accountableUserId: row.accountable_user_id,
    createdBy: {
      type: row.created_by_type as Actor['type'],
      id: row.created_by_id,
      name: row.created_by_name,
    },
    environment: row.environment,
    scopes: fromJson<string[]>(row.scopes),
    resources: fromJsonOrNull<string[]>(row.resources),
    enabled: row.enabled === 1,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    rateLimit:
      row.rate_limit_limit !== null && row.rate_limit_window_s !== null
        ? { limit: row.rate_limit_limit, windowSeconds: row.rate_limit_window_s }
        : null,
    quota:
      row.quota_remaining !== null
        ? {
            remaining: row.quota_remaining,
            refill:
              row.quota_refill_amount !== null && row.quota_refill_interval_s !== null
                ? { amount: row.quota_refill_amount, intervalSeconds: row.quota_refill_interval_s }
                : null,
          }
        : null,
    ipAllowlist: fromJsonOrNull<string[]>(row.ip_allowlist),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The columns of a key's mutable fields, for insert and update alike. */
function keyColumns(
  key: ApiKey,
): Omit<
  Selectable<ApiKeyTable>,
  'id' | 'org_id' | 'created_at' | 'created_by_type' | 'created_by_id' | 'created_by_name' | 'last_used_at'
> {
  return {
    name: key.name,
    owner_id: key.ownerId,
    accountable_user_id: key.accountableUserId,
    environment: key.environment,
    scopes: toJson(key.scopes),
    resources: toJsonOrNull(key.resources),
    enabled: key.enabled ? 1 : 0,
    revoked_at: key.revokedAt,
    expires_at: key.expiresAt,
    metadata: toJson(key.metadata),
    rate_limit_limit: key.rateLimit?.limit ?? null,
    rate_limit_window_s: key.rateLimit?.windowSeconds ?? null,
    quota_remaining: key.quota?.remaining ?? null,
    quota_refill_amount: key.quota?.refill?.amount ?? null,
    quota_refill_interval_s: key.quota?.refill?.intervalSeconds ?? null,
    quota_refilled_at: key.quota?.refill ? key.updatedAt : null,
    ip_allowlist: toJsonOrNull(key.ipAllowlist),
    updated_at: key.updatedAt,
  };
}

export async function insertKey(db: Kysely<Database>, key: ApiKey): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: key.id,
      org_id: key.orgId,
      created_at: key.createdAt,
      created_by_type: key.createdBy.type,
      created_by_id: key.createdBy.id,
      created_by_name: key.createdBy.name,
      last_used_at: key.lastUsedAt,
      ...keyColumns(key),
    })
    .execute();
}

/** Writes a key's mutable fields. Quota columns are written only when `withQuota` is set. */
export async function updateKey(
  db: Kysely<Database>,
  key: ApiKey,
  options: { withQuota: boolean },
): Promise<void> {
  const columns: Updateable<ApiKeyTable> = keyColumns(key);
  if (!options.withQuota) {
    delete columns.quota_remaining;
    delete columns.quota_refill_amount;
    delete columns.quota_refill_interval_s;
    delete columns.quota_refilled_at;
  }
  await db.updateTable('api_keys').set(columns).where('id', '=', key.id).execute();
}

export async function findKey(db: Kysely<Database>, id: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && keyRowToKey(row);
}

export type KeyStatusFilter = 'active' | 'disabled' | 'expired' | 'revoked';

export interface KeyFilter {
  orgId: string;
  ownerId?: string | undefined;
  environment?: string | undefined;
  status?: KeyStatusFilter | undefined;
  search?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  now: number;
}

export async function listKeys(
  db: Kysely<Database>,
  filter: KeyFilter,
): Promise<Page<ApiKey> | 'bad-cursor'> {
  let query = db.selectFrom('api_keys').selectAll().where('org_id', '=', filter.orgId);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.environment) query = query.where('environment', '=', filter.environment);
  if (filter.search) query = query.where(contains('name', filter.search));
  const now = filter.now;
  switch (filter.status) {
    case undefined:
      break;
    case 'revoked':
      query = query.where('revoked_at', 'is not', null);
      break;
    case 'disabled':
      query = query.where('revoked_at', 'is', null).where('enabled', '=', 0);
      break;
    case 'expired':
      query = query.where('revoked_at', 'is', null).where('enabled', '=', 1).where('expires_at', '<=', now);
      break;
    case 'active':
      query = query
        .where('revoked_at', 'is', null)
        .where('enabled', '=', 1)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
      break;
  }
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    if (!cursor) return 'bad-cursor';
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return toPage(rows, filter.limit, keyRowToKey);
}

export function secretRowToSecret(row: Selectable<KeySecretTable>): KeySecret {
  return {
    id: row.id,
    keyId: row.key_id,
    slot: row.slot as SecretSlot,
    digest: row.digest,
    pepperVersion: row.pepper_version,
    hint: row.hint,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function insertSecret(db: Kysely<Database>, secret: KeySecret): Promise<void> {
  await db
    .insertInto('key_secrets')
    .values({
      id: secret.id,
      key_id: secret.keyId,
      slot: secret.slot,
      digest: secret.digest,
      pepper_version: secret.pepperVersion,
      hint: secret.hint,
      created_at: secret.createdAt,
      expires_at: secret.expiresAt,
    })
    .execute();
}

/** Secrets of a key that are still valid at `now` (current ones and those in their grace period). */
export async function listLiveSecrets(
  db: Kysely<Database>,
  keyId: string,
  now: number,
): Promise<KeySecret[]> {
  const rows = await db
    .selectFrom('key_secrets')
    .selectAll()
    .where('key_id', '=', keyId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('slot')
    .orderBy('created_at')
    .execute();
  return rows.map(secretRowToSecret);
}

/**
 * Retires a slot's current secret: kept valid until `expiresAt` (a grace period), or deleted
 * when there is no grace. Expired rows are removed on the way.
 */
export async function retireSlot(
  db: Kysely<Database>,
  options: { keyId: string; slot: SecretSlot; expiresAt: number | null; now: number },
): Promise<void> {
  await db
    .deleteFrom('key_secrets')
    .where('key_id', '=', options.keyId)
    .where('expires_at', '<=', options.now)
    .execute();
  const current = db
    .updateTable('key_secrets')
    .where('key_id', '=', options.keyId)
    .where('slot', '=', options.slot)
    .where('expires_at', 'is', null);
  if (options.expiresAt === null) {
    await db
      .deleteFrom('key_secrets')
      .where('key_id', '=', options.keyId)
      .where('slot', '=', options.slot)
      .where('expires_at', 'is', null)
      .execute();
  } else {
    await current.set({ expires_at: options.expiresAt }).execute();
  }
}

/** Revokes every live key of a user (the user was deleted); returns the ids revoked. */
export async function revokeKeysOfOwner(
  db: Kysely<Database>,
  ownerId: string,
  now: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select('id')
    .where('owner_id', '=', ownerId)
    .where('revoked_at', 'is', null)
    .execute();
  if (rows.length > 0) {
    await db
      .updateTable('api_keys')
      .set({ revoked_at: now, updated_at: now })
      .where('owner_id', '=', ownerId)
      .where('revoked_at', 'is', null)
      .execute();
  }
  return rows.map((r) => r.id);
}
