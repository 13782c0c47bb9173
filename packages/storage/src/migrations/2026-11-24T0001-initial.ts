import { DEFAULT_ENVIRONMENTS, DEFAULT_SCOPES } from '@keyward/core';
import type { Kysely } from 'kysely';

/**
 * The first schema: organizations, users, environments, the scope catalogue, resources, keys,
 * their secrets and the audit trail, with the default environments and scopes.
 * Portable types only (see `database.ts`); `bigint` holds epoch milliseconds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('is_operator', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('users_org_created')
    .on('users')
    .columns(['org_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('environments')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_production', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scopes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('module', 'text', (c) => c.notNull())
    .addColumn('module_title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('resources')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('exposed', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('resources_pk', ['org_id', 'id'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('environment', 'text', (c) => c.notNull().references('environments.slug'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('resources', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('rate_limit_limit', 'integer')
    .addColumn('rate_limit_window_s', 'integer')
    .addColumn('quota_remaining', 'bigint')
    .addColumn('quota_refill_amount', 'bigint')
    .addColumn('quota_refill_interval_s', 'integer')
    .addColumn('quota_refilled_at', 'bigint')
    .addColumn('ip_allowlist', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('api_keys_org_created')
    .on('api_keys')
    .columns(['org_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('api_keys_owner').on('api_keys').column('owner_id').execute();

  await db.schema
    .createTable('key_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('pepper_version', 'integer', (c) => c.notNull())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('key_secrets_key').on('key_secrets').column('key_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('audit_events_org_at')
    .on('audit_events')
    .columns(['org_id', 'at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_target')
    .on('audit_events')
    .columns(['target_id', 'at'])
    .execute();

  const now = Date.now();
  await (db as Kysely<Record<string, Record<string, unknown>>>)
    .insertInto('environments')
    .values(
      DEFAULT_ENVIRONMENTS.map((e) => ({
        slug: e.slug,
        name: e.name,
        is_production: e.isProduction ? 1 : 0,
        created_at: now,
      })),
    )
    .execute();
  await (db as Kysely<Record<string, Record<string, unknown>>>)
    .insertInto('scopes')
    .values(
      DEFAULT_SCOPES.map((s) => ({
        name: s.name,
        module: s.module,
        module_title: s.moduleTitle,
        description: s.description,
        created_at: now,
      })),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_events',
    'key_secrets',
    'api_keys',
    'resources',
    'scopes',
    'environments',
    'users',
    'orgs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
