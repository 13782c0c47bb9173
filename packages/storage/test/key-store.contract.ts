/**
 * The store's contract for verification, run once per dialect (key-store.sqlite.test.ts,
 * key-store.postgres.test.ts): what `loadVerifiableKey` reads, in one statement, whatever the
 * database. Rows are written with Kysely directly, so the suite depends on nothing above storage.
 */
import { createTestDatabase, type TestDialect } from '@keyward/test-utils';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openStore, type Store } from '../src/index.ts';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

/** Opens a fresh, migrated store of the dialect, and how to throw it away. */
export interface ContractTarget {
  dialect: string;
  open(): Promise<{ store: Store; drop(): Promise<void> }>;
}

async function seed(db: Kysely<Database>) {
  await db.insertInto('orgs').values({ id: 'org_contract0001', name: 'Acme', created_at: NOW }).execute();
  const user = (id: string, overrides: Partial<Database['users']> = {}) => ({
    id,
    org_id: 'org_contract0001',
    email: `${id}@acme.test`,
    name: id,
    kind: 'person',
    role: 'admin',
    is_operator: 0,
    enabled: 1,
    password_hash: null,
    created_at: NOW,
    updated_at: NOW,
    deleted_at: null,
    ...overrides,
  });
  await db
    .insertInto('users')
    .values([
      user('usr_owner000001', { role: 'owner', is_operator: 1 }),
      user('usr_off00000001', { enabled: 0 }),
      user('usr_gone0000001', { deleted_at: NOW - HOUR }),
    ])
    .execute();
}

/** A fresh, migrated store on a test database of its own (see test-utils' test databases). */
export async function openTestStore(dialect: TestDialect): Promise<{ store: Store; drop(): Promise<void> }> {
  const database = await createTestDatabase(dialect);
  const store = openStore(database.storage);
  const migrated = await store.migrate();
  if (migrated.error) throw migrated.error;
  return {
    store,
    async drop() {
      await store.close();
      await database.drop();
    },
  };
}

function keyRow(id: string, owner: string | null, overrides: Record<string, unknown> = {}) {
  return {
    id,
    org_id: 'org_contract0001',
    name: id,
    owner_id: owner,
    accountable_user_id: owner,
    created_by_type: 'system',
    created_by_id: null,
    created_by_name: 'contract',
    environment: 'live',
    scopes: '["export","keys:read"]',
    resources: '["wf-1"]',
    enabled: 1,
    revoked_at: null,
    expires_at: null,
    metadata: '{"tier":"gold","nested":{"a":[1,2]}}',
    rate_limit_limit: 10,
    rate_limit_window_s: 60,
    quota_remaining: null,
    quota_refill_amount: null,
    quota_refill_interval_s: null,
    quota_refilled_at: null,
    ip_allowlist: '["10.0.0.0/8"]',
    created_at: NOW,
    updated_at: NOW,
    last_used_at: null,
    ...overrides,
  };
}

function secretRow(keyId: string, id: string, slot: string, createdAt: number, expiresAt: number | null) {
  return {
    id,
    key_id: keyId,
    slot,
    digest: `digest-of-${id}`,
    pepper_version: 1,
    hint: 'abcd',
    created_at: createdAt,
    expires_at: expiresAt,
  };
}

export function runKeyStoreContract(target: ContractTarget): void {
  describe(`${target.dialect}: loading a key for verification`, () => {
    let store: Store;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ store, drop } = await target.open());
      await seed(store.db);
      await store.db
        .insertInto('api_keys')
        .values([
          keyRow('key_full00000001', 'usr_owner000001'),
          keyRow('key_offowner0001', 'usr_off00000001'),
          keyRow('key_goneowner001', 'usr_gone0000001'),
          keyRow('key_orgwide00001', null, {
            accountable_user_id: null,
            scopes: '[]',
            resources: null,
            ip_allowlist: null,
            rate_limit_limit: null,
            rate_limit_window_s: null,
            quota_remaining: 5,
            metadata: '{}',
          }),
        ])
        .execute();
      await store.db
        .insertInto('key_secrets')
        .values([
          // Inserted out of order: the store lists them by slot, then age.
          secretRow('key_full00000001', 'sec_secondary01', 'secondary', NOW - 3 * HOUR, null),
          secretRow('key_full00000001', 'sec_primarynew1', 'primary', NOW - HOUR, null),
          secretRow('key_full00000001', 'sec_primarygrc1', 'primary', NOW - 2 * HOUR, NOW + HOUR),
          secretRow('key_full00000001', 'sec_primaryold1', 'primary', NOW - 4 * HOUR, NOW - 1),
        ])
        .execute();
    });
    afterAll(async () => drop?.());

    it('reads the key, its accountable user and only its live secrets, primary first and oldest first', async () => {
      const key = await store.loadVerifiableKey('key_full00000001', NOW);
      expect(key).toMatchObject({
        id: 'key_full00000001',
        keyId: 'full00000001',
        orgId: 'org_contract0001',
        scopes: ['export', 'keys:read'],
        metadata: { tier: 'gold', nested: { a: [1, 2] } },
        enabled: true,
        ownerEnabled: true,
        revoked: false,
        rateLimit: { limit: 10, windowSeconds: 60 },
        accountable: {
          id: 'usr_owner000001',
          orgId: 'org_contract0001',
          role: 'owner',
          isOperator: true,
          enabled: true,
        },
      });
      expect([...(key?.resources ?? [])]).toEqual(['wf-1']);
      expect(key?.secrets).toEqual([
        { digest: 'digest-of-sec_primarygrc1', pepperVersion: 1, expiresAt: NOW + HOUR },
        { digest: 'digest-of-sec_primarynew1', pepperVersion: 1, expiresAt: null },
        { digest: 'digest-of-sec_secondary01', pepperVersion: 1, expiresAt: null },
      ]);
      expect(key?.identity).toMatchObject({
        id: 'key_full00000001',
        ipAllowlist: ['10.0.0.0/8'],
        resources: ['wf-1'],
      });
    });

    it('hands out a frozen record, a new one on every load', async () => {
      const first = await store.loadVerifiableKey('key_full00000001', NOW);
      const second = await store.loadVerifiableKey('key_full00000001', NOW);
      expect(second?.identity).toEqual(first?.identity);
      expect(second?.secrets).toEqual(first?.secrets);
      expect(second).not.toBe(first);
      for (const part of [
        first,
        first?.identity,
        first?.metadata,
        first?.secrets,
        first?.scopes,
        first?.accountable,
      ]) {
        expect(Object.isFrozen(part)).toBe(true);
      }
      expect(() => {
        (first!.metadata.nested as { a: number[] }).a.push(3);
      }).toThrow(TypeError);
    });

    it('drops secrets as they expire', async () => {
      const later = await store.loadVerifiableKey('key_full00000001', NOW + HOUR);
      expect(later?.secrets.map((secret) => secret.digest)).toEqual([
        'digest-of-sec_primarynew1',
        'digest-of-sec_secondary01',
      ]);
    });

    it('joins a disabled owner as disabled, and a deleted one as no user', async () => {
      expect(await store.loadVerifiableKey('key_offowner0001', NOW)).toMatchObject({
        ownerEnabled: false,
        accountable: { id: 'usr_off00000001', enabled: false, role: 'admin', isOperator: false },
      });
      expect(await store.loadVerifiableKey('key_goneowner001', NOW)).toMatchObject({
        ownerEnabled: false,
        accountable: null,
      });
    });

    it('reads an organization-wide key without secrets or limits', async () => {
      expect(await store.loadVerifiableKey('key_orgwide00001', NOW)).toMatchObject({
        ownerId: null,
        ownerEnabled: true,
        accountable: null,
        resources: null,
        ipAllowlist: null,
        rateLimit: null,
        quota: { remaining: 5 },
        secrets: [],
      });
    });

    it('finds nothing for an unknown id', async () => {
      expect(await store.loadVerifiableKey('key_000000000000', NOW)).toBeUndefined();
    });
  });
}
