/**
 * The verification lookup on PostgreSQL: the Kysely query of
 * `repositories/verifiable-key.repository.ts` compiled with `kysely/helpers/postgres` once, and
 * sent as one named prepared statement: one round trip, and the plan made once per connection
 * instead of on every cache miss (building, compiling and planning the query each time cost
 * about as much as the round trip itself).
 */
import type { VerifiableKey } from '@keyward/core';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type pg from 'pg';
import type { Database } from '../database.ts';
import {
  compileVerifiableKeyQuery,
  type VerifiableKeyRow,
  verifiableKeyFromRow,
} from '../repositories/verifiable-key.repository.ts';
import { normalisePostgresError } from '../storage-error.ts';

export function createPostgresKeyLoader(db: Kysely<Database>, pool: pg.Pool) {
  const query = compileVerifiableKeyQuery(db, jsonArrayFrom);
  return async (id: string, now: number): Promise<VerifiableKey | undefined> => {
    // pg's pool.query destroys a client that failed, so only the error needs normalising.
    const result = await pool
      .query<VerifiableKeyRow>({
        name: 'keyward_load_verifiable_key',
        text: query.sql,
        values: query.values(id, now),
      })
      .catch((error: unknown) => {
        throw normalisePostgresError(error);
      });
    const row = result.rows[0];
    return row && verifiableKeyFromRow(row);
  };
}
