import type { Role, User, UserKind } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from '../database.ts';
import { contains } from './contains.ts';
import { decodeCursor, type Page, toPage } from './page.ts';

export function userRowToUser(row: Selectable<UserTable>): User {
  return {
    id: row.id,
    orgId: row.org_id,
    email: row.email,
    name: row.name,
    kind: row.kind as UserKind,
    role: row.role as Role,
    isOperator: row.is_operator === 1,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertUser(
  db: Kysely<Database>,
  user: User,
  passwordHash: string | null,
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      org_id: user.orgId,
      email: user.email,
      name: user.name,
      kind: user.kind,
      role: user.role,
      is_operator: user.isOperator ? 1 : 0,
      enabled: user.enabled ? 1 : 0,
      password_hash: passwordHash,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
      deleted_at: null,
    })
    .execute();
}

/** A live (not deleted) user by id. */
export async function findUser(db: Kysely<Database>, id: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && userRowToUser(row);
}

/** A live user and password hash by email (emails are stored lower-cased). */
export async function findUserCredentials(
  db: Kysely<Database>,
  email: string,
): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && { user: userRowToUser(row), passwordHash: row.password_hash };
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserFilter {
  orgId: string;
  kind?: UserKind | undefined;
  search?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listUsers(
  db: Kysely<Database>,
  filter: UserFilter,
): Promise<Page<User> | 'bad-cursor'> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', filter.orgId)
    .where('deleted_at', 'is', null);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.search) {
    const search = filter.search;
    query = query.where((eb) => eb.or([contains('name', search), contains('email', search)]));
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
  return toPage(rows, filter.limit, userRowToUser);
}

/** Writes a user's mutable fields; the password hash only when given. */
export async function updateUser(db: Kysely<Database>, user: User, passwordHash?: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      name: user.name,
      role: user.role,
      kind: user.kind,
      enabled: user.enabled ? 1 : 0,
      updated_at: user.updatedAt,
      ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
    })
    .where('id', '=', user.id)
    .execute();
}

/** Marks a user deleted; its email stays taken so audit trails keep pointing at one person. */
export async function markUserDeleted(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ deleted_at: now, enabled: 0, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * The live, enabled owners of an organization, read for a change that could remove one. With
 * `lock` (PostgreSQL) their rows are locked until the transaction ends, in id order, so two
 * owners demoting each other at once are serialised and the second sees the first's change;
 * SQLite runs one write transaction at a time, so it needs no lock (and has no FOR UPDATE).
 */
export async function lockActiveOwners(
  db: Kysely<Database>,
  orgId: string,
  options: { lock: boolean },
): Promise<string[]> {
  const query = db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .where('enabled', '=', 1)
    .where('deleted_at', 'is', null)
    .orderBy('id');
  const rows = await (options.lock ? query.forUpdate() : query).execute();
  return rows.map((row) => row.id);
}

/** Whether any user (even deleted) has this email. */
export async function emailTaken(db: Kysely<Database>, email: string): Promise<boolean> {
  return (
    (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined
  );
}
