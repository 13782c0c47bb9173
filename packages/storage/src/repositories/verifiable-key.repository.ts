import { type Role, toVerifiableKey, type VerifiableKey } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyTable, Database, KeySecretTable } from '../database.ts';
import { keyRowToKey, secretRowToSecret } from './key.repository.ts';

/**
 * A key row joined with the columns of its accountable user that verification and rights need
 * (all null when the key has none, or that user was deleted).
 */
export type VerifiableKeyRow = Selectable<ApiKeyTable> & {
  accountable_enabled: number | null;
  accountable_role: string | null;
  accountable_is_operator: number | null;
};

/** Builds the verification view from the joined key row and its live secret rows. */
export function verifiableKeyFromRows(
  row: VerifiableKeyRow,
  secrets: readonly Selectable<KeySecretTable>[],
): VerifiableKey {
  const accountable =
    row.accountable_enabled === null || row.accountable_user_id === null
      ? null
      : {
          id: row.accountable_user_id,
          orgId: row.org_id,
          enabled: row.accountable_enabled === 1,
          role: row.accountable_role as Role,
          isOperator: row.accountable_is_operator === 1,
        };
  // The key row is read as it is (keyRowToKey takes only its own columns): copying it without
  // the user columns would cost a cold verification a needless object of thirty fields.
  return toVerifiableKey(keyRowToKey(row), secrets.map(secretRowToSecret), accountable);
}

/** A row of the one-query lookup: the key row, and one live secret or nulls. */
export type JoinedVerifiableKeyRow = VerifiableKeyRow & {
  secret_id: string | null;
  secret_slot: string | null;
  secret_digest: string | null;
  secret_pepper_version: number | null;
  secret_hint: string | null;
  secret_created_at: number | null;
  secret_expires_at: number | null;
};

/** Builds the verification view from the rows of the one-query lookup (one per live secret). */
export function verifiableKeyFromJoinedRows(
  id: string,
  rows: readonly JoinedVerifiableKeyRow[],
): VerifiableKey | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const secrets: Selectable<KeySecretTable>[] = [];
  for (const row of rows) {
    if (row.secret_id === null) continue;
    secrets.push({
      id: row.secret_id,
      key_id: id,
      slot: row.secret_slot as string,
      digest: row.secret_digest as string,
      pepper_version: row.secret_pepper_version as number,
      hint: row.secret_hint as string,
      created_at: row.secret_created_at as number,
      expires_at: row.secret_expires_at,
    });
  }
  // The first row carries the key's columns (and secret columns, which are not read as such).
  return verifiableKeyFromRows(first, secrets);
}

/**
 * Loads what verification needs for one key: the key, its live secrets and the state of its
 * accountable user (its owner, else whoever is accountable for its maker), in one query (one
 * round trip: on PostgreSQL that is most of a cold verification's time). A deleted user joins
 * as no user: a deleted owner's keys are revoked anyway, and an ownerless key whose maker was
 * deleted keeps no Keyward rights. Used on a cache miss; always reads the primary database.
 * The stores use prepared-statement twins of this query (`dialects/sqlite-key-loader.ts`,
 * `dialects/postgres-key-loader.ts`); it stays the portable reference they are tested against.
 */
export async function findVerifiableKey(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<VerifiableKey | undefined> {
  // One row per live secret (or one row with null secret columns when there is none).
  const rows = await db
    .selectFrom('api_keys')
    .leftJoin('users', (join) =>
      join.onRef('users.id', '=', 'api_keys.accountable_user_id').on('users.deleted_at', 'is', null),
    )
    .leftJoin('key_secrets', (join) =>
      join
        .onRef('key_secrets.key_id', '=', 'api_keys.id')
        .on((eb) =>
          eb.or([eb('key_secrets.expires_at', 'is', null), eb('key_secrets.expires_at', '>', now)]),
        ),
    )
    .selectAll('api_keys')
    .select([
      'users.enabled as accountable_enabled',
      'users.role as accountable_role',
      'users.is_operator as accountable_is_operator',
      'key_secrets.id as secret_id',
      'key_secrets.slot as secret_slot',
      'key_secrets.digest as secret_digest',
      'key_secrets.pepper_version as secret_pepper_version',
      'key_secrets.hint as secret_hint',
      'key_secrets.created_at as secret_created_at',
      'key_secrets.expires_at as secret_expires_at',
    ])
    .where('api_keys.id', '=', id)
    .orderBy('key_secrets.slot')
    .orderBy('key_secrets.created_at')
    .execute();
  return verifiableKeyFromJoinedRows(id, rows);
}
