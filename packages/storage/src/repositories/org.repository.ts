import type { Org } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, OrgTable } from '../database.ts';

export function orgRowToOrg(row: Selectable<OrgTable>): Org {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export async function insertOrg(db: Kysely<Database>, org: Org): Promise<void> {
  await db.insertInto('orgs').values({ id: org.id, name: org.name, created_at: org.createdAt }).execute();
}

export async function findOrg(db: Kysely<Database>, id: string): Promise<Org | undefined> {
  const row = await db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && orgRowToOrg(row);
}

export async function listOrgs(db: Kysely<Database>): Promise<Org[]> {
  const rows = await db.selectFrom('orgs').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(orgRowToOrg);
}

export async function countOrgs(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
