import {
  ALL_KEYWARD_SCOPES,
  ALL_OPERATOR_SCOPES,
  DEFAULT_SCOPES,
  isAdminApiScope,
  newSortableId,
} from '@keyward/core';
import { type Kysely, sql } from 'kysely';

/**
 * Brings existing keys into the rights model (docs/authorization.md):
 *
 * - every key gets an accountable user, whose current rights bound it: its owner; else the user
 *   who made it; else, for a key made by a key, that key's accountable user; else, for an
 *   ownerless key with Keyward scopes made by the system (the CLI), the organization's first
 *   owner. Ownerless keys with only platform scopes made by the system keep none;
 * - the operator scopes join the catalogue. Operator power used to come from owning a key; now
 *   it needs an operator scope on the key itself. A key owned by an operator, made by that
 *   operator or the system, that held every Keyward scope (the bootstrap key, or one made like
 *   it) is given the operator scopes so existing set-ups keep working; any narrower key of an
 *   operator loses powers it was never granted. Each such change is written to the audit trail.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when it was written, not today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('accountable_user_id', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('api_keys_accountable_user')
    .on('api_keys')
    .columns(['accountable_user_id'])
    .execute();

  const now = Date.now();
  for (const scope of DEFAULT_SCOPES.filter((s) => ALL_OPERATOR_SCOPES.includes(s.name))) {
    await db
      .insertInto('scopes')
      .values({
        name: scope.name,
        module: scope.module,
        module_title: scope.moduleTitle,
        description: scope.description,
        created_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  await db
    .updateTable('api_keys')
    .set({ accountable_user_id: sql`owner_id` })
    .where('owner_id', 'is not', null)
    .execute();

  // Ownerless keys are few (integration keys); resolve them one by one, oldest first, so a key
  // made by a key finds its maker already resolved.
  const ownerless: {
    id: string;
    org_id: string;
    created_by_type: string;
    created_by_id: string | null;
    scopes: string;
  }[] = await db
    .selectFrom('api_keys')
    .select(['id', 'org_id', 'created_by_type', 'created_by_id', 'scopes'])
    .where('owner_id', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const live = new Set(
    (await db.selectFrom('users').select('id').where('deleted_at', 'is', null).execute()).map(
      (u: { id: string }) => u.id,
    ),
  );
  const resolved = new Map<string, string | null>();
  const firstOwners = new Map<string, string | null>();
  for (const key of ownerless) {
    let accountable: string | null = null;
    if (key.created_by_type === 'user' && key.created_by_id && live.has(key.created_by_id)) {
      accountable = key.created_by_id;
    } else if (key.created_by_type === 'key' && key.created_by_id) {
      accountable =
        resolved.get(key.created_by_id) ??
        (
          await db
            .selectFrom('api_keys')
            .select('accountable_user_id')
            .where('id', '=', key.created_by_id)
            .executeTakeFirst()
        )?.accountable_user_id ??
        null;
    }
    const scopes = JSON.parse(key.scopes) as string[];
    if (accountable === null && key.created_by_type === 'system' && scopes.some(isAdminApiScope)) {
      if (!firstOwners.has(key.org_id)) {
        const owner = await db
          .selectFrom('users')
          .select('id')
          .where('org_id', '=', key.org_id)
          .where('role', '=', 'owner')
          .where('deleted_at', 'is', null)
          .orderBy('created_at')
          .orderBy('id')
          .executeTakeFirst();
        firstOwners.set(key.org_id, owner?.id ?? null);
      }
      accountable = firstOwners.get(key.org_id) ?? null;
    }
    resolved.set(key.id, accountable);
    if (accountable !== null) {
      await db
        .updateTable('api_keys')
        .set({ accountable_user_id: accountable })
        .where('id', '=', key.id)
        .execute();
    }
  }

  const operatorKeys: {
    id: string;
    org_id: string;
    scopes: string;
    owner_id: string;
    created_by_type: string;
    created_by_id: string | null;
  }[] = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.owner_id')
    .select([
      'api_keys.id as id',
      'api_keys.org_id as org_id',
      'api_keys.scopes as scopes',
      'api_keys.owner_id as owner_id',
      'api_keys.created_by_type as created_by_type',
      'api_keys.created_by_id as created_by_id',
    ])
    .where('users.is_operator', '=', 1)
    .where('api_keys.revoked_at', 'is', null)
    .execute();
  for (const key of operatorKeys) {
    const scopes = JSON.parse(key.scopes) as string[];
    const madeByOwner =
      key.created_by_type === 'system' ||
      (key.created_by_type === 'user' && key.created_by_id === key.owner_id);
    if (!madeByOwner || !ALL_KEYWARD_SCOPES.every((s) => scopes.includes(s))) continue;
    const widened = [...new Set([...scopes, ...ALL_OPERATOR_SCOPES])];
    await db
      .updateTable('api_keys')
      .set({ scopes: JSON.stringify(widened), updated_at: now })
      .where('id', '=', key.id)
      .execute();
    await db
      .insertInto('audit_events')
      .values({
        id: newSortableId('audit', now),
        org_id: key.org_id,
        at: now,
        actor_type: 'system',
        actor_id: null,
        actor_name: 'migration',
        action: 'key.update',
        target_type: 'key',
        target_id: key.id,
        before_json: JSON.stringify({ scopes }),
        after_json: JSON.stringify({
          scopes: widened,
          reason: 'operator powers now need operator scopes on the key itself',
        }),
        ip: null,
        user_agent: null,
        request_id: null,
      })
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as in up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('api_keys_accountable_user').execute();
  await db.schema.alterTable('api_keys').dropColumn('accountable_user_id').execute();
}
