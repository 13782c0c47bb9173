import type { Environment, Resource, Scope } from '@keyward/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, EnvironmentTable, ResourceTable, ScopeTable } from '../database.ts';

export function environmentRowToEnvironment(row: Selectable<EnvironmentTable>): Environment {
  return { slug: row.slug, name: row.name, isProduction: row.is_production === 1, createdAt: row.created_at };
}

export async function listEnvironments(db: Kysely<Database>): Promise<Environment[]> {
  const rows = await db
    .selectFrom('environments')
    .selectAll()
    .orderBy('created_at')
    .orderBy('slug')
    .execute();
  return rows.map(environmentRowToEnvironment);
}

export async function insertEnvironment(db: Kysely<Database>, env: Environment): Promise<void> {
  await db
    .insertInto('environments')
    .values({
      slug: env.slug,
      name: env.name,
      is_production: env.isProduction ? 1 : 0,
      created_at: env.createdAt,
    })
    .execute();
}

export function scopeRowToScope(row: Selectable<ScopeTable>): Scope {
  return { name: row.name, module: row.module, moduleTitle: row.module_title, description: row.description };
}

export async function listScopes(db: Kysely<Database>): Promise<Scope[]> {
  const rows = await db.selectFrom('scopes').selectAll().orderBy('module').orderBy('name').execute();
  return rows.map(scopeRowToScope);
}

export async function insertScope(db: Kysely<Database>, scope: Scope, now: number): Promise<void> {
  await db
    .insertInto('scopes')
    .values({
      name: scope.name,
      module: scope.module,
      module_title: scope.moduleTitle,
      description: scope.description,
      created_at: now,
    })
    .execute();
}

export function resourceRowToResource(row: Selectable<ResourceTable>): Resource {
  return {
    orgId: row.org_id,
    id: row.id,
    name: row.name,
    exposed: row.exposed === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listResources(
  db: Kysely<Database>,
  orgId: string,
  exposedOnly = false,
): Promise<Resource[]> {
  let query = db.selectFrom('resources').selectAll().where('org_id', '=', orgId);
  if (exposedOnly) query = query.where('exposed', '=', 1);
  const rows = await query.orderBy('id').execute();
  return rows.map(resourceRowToResource);
}

export async function findResource(
  db: Kysely<Database>,
  orgId: string,
  id: string,
): Promise<Resource | undefined> {
  const row = await db
    .selectFrom('resources')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && resourceRowToResource(row);
}

/** Inserts or replaces a resource (PUT semantics). */
export async function upsertResource(db: Kysely<Database>, resource: Resource): Promise<void> {
  await db
    .insertInto('resources')
    .values({
      org_id: resource.orgId,
      id: resource.id,
      name: resource.name,
      exposed: resource.exposed ? 1 : 0,
      created_at: resource.createdAt,
      updated_at: resource.updatedAt,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'id']).doUpdateSet({
        name: resource.name,
        exposed: resource.exposed ? 1 : 0,
        updated_at: resource.updatedAt,
      }),
    )
    .execute();
}
