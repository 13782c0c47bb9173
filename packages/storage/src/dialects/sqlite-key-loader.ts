/**
 * The verification lookup on SQLite as one prepared statement. A cache miss is the one read on
 * the verify path, and preparing the statement once (instead of building and compiling the
 * query through Kysely on every call) takes most of its cost away. The key's live secrets come
 * in the same row, folded into a JSON array by a subquery: one statement costs ~15 µs here
 * against ~23 µs for the key and its secrets read by two (docs/benchmarks.md). The statement
 * mirrors `findVerifiableKey` in `repositories/verifiable-key.repository.ts`.
 */

import type { VerifiableKey } from '@keyward/core';
import type Database from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { KeySecretTable } from '../database.ts';
import { type VerifiableKeyRow, verifiableKeyFromRows } from '../repositories/verifiable-key.repository.ts';

const LOAD_KEY = `SELECT api_keys.*, users.enabled AS accountable_enabled, users.role AS accountable_role,
    users.is_operator AS accountable_is_operator,
    (SELECT json_group_array(json_array(key_secrets.id, key_secrets.slot, key_secrets.digest,
          key_secrets.pepper_version, key_secrets.hint, key_secrets.created_at, key_secrets.expires_at)
        ORDER BY key_secrets.slot, key_secrets.created_at)
      FROM key_secrets
      WHERE key_secrets.key_id = api_keys.id
        AND (key_secrets.expires_at IS NULL OR key_secrets.expires_at > ?)) AS live_secrets
  FROM api_keys LEFT JOIN users ON users.id = api_keys.accountable_user_id AND users.deleted_at IS NULL
  WHERE api_keys.id = ?`;

/** A secret as the subquery lists it: the columns of `key_secrets` but the key id, in order. */
type SecretTuple = [string, string, string, number, string, number, number | null];

function secretsIn(keyId: string, json: string): Selectable<KeySecretTable>[] {
  return (JSON.parse(json) as SecretTuple[]).map(
    ([id, slot, digest, pepper_version, hint, created_at, expires_at]) => ({
      id,
      key_id: keyId,
      slot,
      digest,
      pepper_version,
      hint,
      created_at,
      expires_at,
    }),
  );
}

export function createSqliteKeyLoader(database: Database.Database) {
  // Prepared lazily: the tables exist only once migrations have run.
  let statement: Database.Statement | null = null;
  return (id: string, now: number): VerifiableKey | undefined => {
    statement ??= database.prepare(LOAD_KEY);
    const row = statement.get(now, id) as (VerifiableKeyRow & { live_secrets: string }) | undefined;
    if (!row) return undefined;
    return verifiableKeyFromRows(row, secretsIn(id, row.live_secrets));
  };
}
