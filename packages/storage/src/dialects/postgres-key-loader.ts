/**
 * The verification lookup on PostgreSQL as one named prepared statement: one round trip, and
 * the plan made once per connection instead of on every cache miss (building, compiling and
 * planning the query each time cost about as much as the round trip itself). The statement
 * mirrors `findVerifiableKey` in `repositories/verifiable-key.repository.ts`.
 */
import type { VerifiableKey } from '@keyward/core';
import type pg from 'pg';
import {
  type JoinedVerifiableKeyRow,
  verifiableKeyFromJoinedRows,
} from '../repositories/verifiable-key.repository.ts';

const LOAD_KEY = {
  name: 'keyward_load_verifiable_key',
  text: `SELECT api_keys.*, users.enabled AS accountable_enabled, users.role AS accountable_role,
      users.is_operator AS accountable_is_operator, key_secrets.id AS secret_id, key_secrets.slot AS secret_slot,
      key_secrets.digest AS secret_digest, key_secrets.pepper_version AS secret_pepper_version,
      key_secrets.hint AS secret_hint, key_secrets.created_at AS secret_created_at,
      key_secrets.expires_at AS secret_expires_at
    FROM api_keys
    LEFT JOIN users ON users.id = api_keys.accountable_user_id AND users.deleted_at IS NULL
    LEFT JOIN key_secrets ON key_secrets.key_id = api_keys.id
      AND (key_secrets.expires_at IS NULL OR key_secrets.expires_at > $2)
    WHERE api_keys.id = $1
    ORDER BY key_secrets.slot, key_secrets.created_at`,
};

export function createPostgresKeyLoader(pool: pg.Pool) {
  return async (id: string, now: number): Promise<VerifiableKey | undefined> => {
    const result = await pool.query<JoinedVerifiableKeyRow>({ ...LOAD_KEY, values: [id, now] });
    return verifiableKeyFromJoinedRows(id, result.rows);
  };
}
