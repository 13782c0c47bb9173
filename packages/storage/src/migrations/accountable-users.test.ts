import { ALL_KEYWARD_SCOPES, ALL_OPERATOR_SCOPES } from '@keyward/core';
import { type Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { openStore, type Store } from '../open-store.ts';
import * as initial from './2026-11-24T0001-initial.ts';
import * as sessions from './2026-11-24T0101-sessions.ts';
import * as usage from './2026-11-24T0201-usage.ts';
import { migrationProvider } from './index.ts';

const BEFORE = {
  '2026-11-24T0001-initial': initial,
  '2026-11-24T0101-sessions': sessions,
  '2026-11-24T0201-usage': usage,
};

const migrator = (db: Kysely<Database>, provider = migrationProvider) =>
  new Migrator({
    db,
    provider,
    migrationTableName: 'keyward_migrations',
    migrationLockTableName: 'keyward_migrations_lock',
  });

describe('migration 2026-12-04T0001: accountable users and operator scopes', () => {
  let store: Store;
  afterEach(async () => store?.close());

  it('gives existing keys the user their rights follow, and operator scopes only to operators’ own full keys', async () => {
    store = openStore({ driver: 'sqlite', path: ':memory:' });
    const db = store.db;
    expect(
      (await migrator(db, { getMigrations: async () => BEFORE }).migrateToLatest()).error,
    ).toBeUndefined();

    const now = 1_800_000_000_000;
    await db.insertInto('orgs').values({ id: 'org_1', name: 'Acme', created_at: now }).execute();
    const user = (id: string, role: string, extra: { is_operator?: number; deleted_at?: number } = {}) => ({
      id,
      org_id: 'org_1',
      email: `${id}@acme.test`,
      name: id,
      kind: 'person',
      role,
      is_operator: extra.is_operator ?? 0,
      enabled: 1,
      password_hash: null,
      created_at: now + Number(id.slice(-1)),
      updated_at: now,
      deleted_at: extra.deleted_at ?? null,
    });
    await db
      .insertInto('users')
      .values([
        user('usr_0', 'owner', { is_operator: 1 }),
        user('usr_1', 'admin'),
        user('usr_2', 'admin', { deleted_at: now }),
      ] as never)
      .execute();
    const key = (id: string, scopes: string[], by: [string, string | null], owner: string | null = null) => ({
      id,
      org_id: 'org_1',
      name: id,
      owner_id: owner,
      created_by_type: by[0],
      created_by_id: by[1],
      created_by_name: null,
      environment: 'live',
      scopes: JSON.stringify(scopes),
      resources: null,
      enabled: 1,
      revoked_at: null,
      expires_at: null,
      metadata: '{}',
      rate_limit_limit: null,
      rate_limit_window_s: null,
      quota_remaining: null,
      quota_refill_amount: null,
      quota_refill_interval_s: null,
      quota_refilled_at: null,
      ip_allowlist: null,
      created_at: now + Number(id.slice(-1)),
      updated_at: now,
      last_used_at: null,
    });
    await db
      .insertInto('api_keys')
      .values([
        key('key_1', ['export'], ['user', 'usr_0'], 'usr_1'),
        key('key_2', ['keys:read'], ['user', 'usr_1']),
        key('key_3', ['keys:read'], ['key', 'key_2']),
        key('key_4', ['keys:write'], ['system', null]),
        key('key_5', ['export'], ['system', null]),
        key('key_6', [...ALL_KEYWARD_SCOPES], ['user', 'usr_0'], 'usr_0'),
        key('key_7', ['export', 'keys:read'], ['user', 'usr_0'], 'usr_0'),
        key('key_8', ['keys:read'], ['user', 'usr_2']),
      ] as never)
      .execute();

    expect((await migrator(db).migrateToLatest()).error).toBeUndefined();
    const rows = await db
      .selectFrom('api_keys')
      .select(['id', 'accountable_user_id', 'scopes'])
      .orderBy('id')
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    // The owner; the user who made it; the maker of its maker; the org's first owner for the
    // system's Keyward keys; nobody for the system's platform keys, or for a deleted maker.
    expect(rows.map((row) => [row.id, row.accountable_user_id])).toEqual([
      ['key_1', 'usr_1'],
      ['key_2', 'usr_1'],
      ['key_3', 'usr_1'],
      ['key_4', 'usr_0'],
      ['key_5', null],
      ['key_6', 'usr_0'],
      ['key_7', 'usr_0'],
      ['key_8', null],
    ]);
    expect(JSON.parse(byId.get('key_6')?.scopes ?? '[]')).toEqual([
      ...ALL_KEYWARD_SCOPES,
      ...ALL_OPERATOR_SCOPES,
    ]);
    expect(JSON.parse(byId.get('key_7')?.scopes ?? '[]')).toEqual(['export', 'keys:read']);
    const audit = await db.selectFrom('audit_events').selectAll().where('target_id', '=', 'key_6').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'key.update', actor_type: 'system', actor_name: 'migration' });
    const catalogue = await db.selectFrom('scopes').select('name').execute();
    expect(catalogue.map((s) => s.name)).toEqual(expect.arrayContaining([...ALL_OPERATOR_SCOPES]));
  });
});
