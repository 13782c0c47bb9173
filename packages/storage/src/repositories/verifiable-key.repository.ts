/**
 * @module Verifiable keys
 *
 * What verification reads on a cache miss: one key, the state of its accountable user (its
 * owner, else whoever is accountable for its maker) and its live secrets, in one statement (one
 * round trip: on PostgreSQL that is most of a cold verification's time). The secrets come in
 * the same row, folded into a JSON array by Kysely's `jsonArrayFrom`, which each dialect spells
 * its own way (`kysely/helpers/sqlite`, `kysely/helpers/postgres`): the query is written once,
 * here, and each dialect compiles it with its helper and prepares it once
 * (`dialects/*-key-loader.ts`). A deleted user joins as no user: a deleted owner's keys are
 * revoked anyway, and an ownerless key whose maker was deleted keeps no Keyward rights.
 */
import { type Role, toVerifiableKey, type VerifiableKey } from '@keyward/core';
import type { Compilable, CompiledQuery, Kysely, Selectable } from 'kysely';
import type { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { ApiKeyTable, Database } from '../database.ts';
import { keyRowToKey } from './key.repository.ts';

/** A live secret as the query lists it: what checking a presented secret needs. */
export interface LiveSecretRow {
  digest: string;
  pepper_version: number;
  expires_at: number | null;
}

/** A row of the query: the key row, its accountable user's columns (null without one), its live secrets. */
export type VerifiableKeyRow = Selectable<ApiKeyTable> & {
  accountable_enabled: number | null;
  accountable_role: string | null;
  accountable_is_operator: number | null;
  /** JSON text on SQLite, already parsed on PostgreSQL. */
  live_secrets: string | LiveSecretRow[];
};

/**
 * A dialect's `jsonArrayFrom`: `kysely/helpers/sqlite`'s, or `kysely/helpers/postgres`'s, which
 * takes any expression where SQLite's takes a subquery.
 */
export type JsonArrayFrom = typeof sqliteJsonArrayFrom;

/** The query, for one dialect's `jsonArrayFrom`; `id` and `now` are its only parameters. */
export function verifiableKeyQuery(
  db: Kysely<Database>,
  jsonArrayFrom: JsonArrayFrom,
  id: string,
  now: number,
): Compilable<VerifiableKeyRow> {
  return db
    .selectFrom('api_keys')
    .leftJoin('users', (join) =>
      join.onRef('users.id', '=', 'api_keys.accountable_user_id').on('users.deleted_at', 'is', null),
    )
    .selectAll('api_keys')
    .select((eb) => [
      'users.enabled as accountable_enabled',
      'users.role as accountable_role',
      'users.is_operator as accountable_is_operator',
      jsonArrayFrom(
        eb
          .selectFrom('key_secrets')
          .select(['key_secrets.digest', 'key_secrets.pepper_version', 'key_secrets.expires_at'])
          .whereRef('key_secrets.key_id', '=', 'api_keys.id')
          .where((live) =>
            live.or([live('key_secrets.expires_at', 'is', null), live('key_secrets.expires_at', '>', now)]),
          )
          // Slot order, then age: the primary first, and within a slot the secret in its grace
          // period before its successor.
          .orderBy('key_secrets.slot')
          .orderBy('key_secrets.created_at'),
      ).as('live_secrets'),
    ])
    .where('api_keys.id', '=', id);
}

/** Stand-ins compiled in place of the two parameters, so the statement is compiled once. */
const ID = '\u0000keyward:id';
const NOW = -0.5;

/**
 * The query compiled once for a dialect, with how to fill in its parameters: the statement
 * text a driver prepares, and `values(id, now)` in the order it wants them.
 */
export function compileVerifiableKeyQuery(
  db: Kysely<Database>,
  jsonArrayFrom: JsonArrayFrom,
): { sql: string; values(id: string, now: number): unknown[] } {
  const compiled: CompiledQuery = verifiableKeyQuery(db, jsonArrayFrom, ID, NOW).compile();
  const order = compiled.parameters.map((value) => {
    if (value === ID) return 0;
    if (value === NOW) return 1;
    throw new Error(`unexpected parameter in the key query: ${String(value)}`);
  });
  return { sql: compiled.sql, values: (id, now) => order.map((slot) => (slot === 0 ? id : now)) };
}

/** The verification view of a row of the query. */
export function verifiableKeyFromRow(row: VerifiableKeyRow): VerifiableKey {
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
  const secrets = (
    typeof row.live_secrets === 'string' ? JSON.parse(row.live_secrets) : row.live_secrets
  ) as LiveSecretRow[];
  // The key row is read as it is (keyRowToKey takes only its own columns): copying it without
  // the other columns would cost a cold verification a needless object of thirty fields.
  return toVerifiableKey(
    keyRowToKey(row),
    secrets.map((secret) => ({
      digest: secret.digest,
      pepperVersion: secret.pepper_version,
      expiresAt: secret.expires_at,
    })),
    accountable,
  );
}
