/**
 * The verification lookup on SQLite: the Kysely query of `repositories/verifiable-key.repository.ts`
 * compiled with `kysely/helpers/sqlite` once and prepared once on the connection. A cache miss
 * is the one read on the verify path, and building and compiling the query through Kysely on
 * every call would cost more than running it.
 */
import type { VerifiableKey } from '@keyward/core';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/sqlite';
import type { Database as Tables } from '../database.ts';
import {
  compileVerifiableKeyQuery,
  type VerifiableKeyRow,
  verifiableKeyFromRow,
} from '../repositories/verifiable-key.repository.ts';

export function createSqliteKeyLoader(db: Kysely<Tables>, database: Database.Database) {
  const query = compileVerifiableKeyQuery(db, jsonArrayFrom);
  // Prepared on first use: the tables exist only once migrations have run.
  let statement: Database.Statement | null = null;
  return (id: string, now: number): VerifiableKey | undefined => {
    statement ??= database.prepare(query.sql);
    const row = statement.get(...query.values(id, now)) as VerifiableKeyRow | undefined;
    return row && verifiableKeyFromRow(row);
  };
}
