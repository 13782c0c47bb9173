import { type Role, toVerifiableKey, type VerifiableKey } from '@keyward/core';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { keyRowToKey, listLiveSecrets } from './key.repository.ts';

/**
 * Loads what verification needs for one key: the key, its live secrets and whether its owner
 * is enabled. A deleted owner's keys are revoked when the owner is deleted, so only the
 * enabled flag matters here. Used on a cache miss; always reads the primary database.
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
  const { owner_enabled, owner_role, owner_is_operator, ...keyRow } = row;
  const secrets = await listLiveSecrets(db, id, now);
  const owner =
    owner_enabled === null
      ? null
      : { enabled: owner_enabled === 1, role: owner_role as Role, isOperator: owner_is_operator === 1 };
  return toVerifiableKey(keyRowToKey(keyRow), secrets, owner);
}
