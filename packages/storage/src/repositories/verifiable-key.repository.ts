import { type Role, toVerifiableKey, type VerifiableKey } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyTable, Database, KeySecretTable } from '../database.ts';
import { keyRowToKey, secretRowToSecret } from './key.repository.ts';

/** A key row joined with the three owner columns verification needs. */
export type VerifiableKeyRow = Selectable<ApiKeyTable> & {
  owner_enabled: number | null;
  owner_role: string | null;
  owner_is_operator: number | null;
};

/** Builds the verification view from the joined key row and its live secret rows. */
export function verifiableKeyFromRows(
  row: VerifiableKeyRow,
  secrets: readonly Selectable<KeySecretTable>[],
): VerifiableKey {
  const { owner_enabled, owner_role, owner_is_operator, ...keyRow } = row;
  const owner =
    owner_enabled === null
      ? null
      : { enabled: owner_enabled === 1, role: owner_role as Role, isOperator: owner_is_operator === 1 };
  return toVerifiableKey(keyRowToKey(keyRow), secrets.map(secretRowToSecret), owner);
}

/**
 * Loads what verification needs for one key: the key, its live secrets and whether its owner
 * is enabled. A deleted owner's keys are revoked when the owner is deleted, so only the
 * enabled flag matters here. Used on a cache miss; always reads the primary database. (SQLite
 * uses the prepared-statement twin in `dialects/sqlite-key-loader.ts`.)
 */
export async function findVerifiableKey(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<VerifiableKey | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.owner_id')
    .selectAll('api_keys')
    .select([
      'users.enabled as owner_enabled',
      'users.role as owner_role',
      'users.is_operator as owner_is_operator',
    ])
    .where('api_keys.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const secrets = await db
    .selectFrom('key_secrets')
    .selectAll()
    .where('key_id', '=', id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('slot')
    .orderBy('created_at')
    .execute();
  return verifiableKeyFromRows(row, secrets);
}
