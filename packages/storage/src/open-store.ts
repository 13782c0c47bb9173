/**
 * @module Store
 *
 * Opens the database for either dialect and runs migrations. This is the only place that
 * branches on the dialect; everything above it speaks Kysely.
 */
import type { VerifiableKey } from '@keyward/core';
import { Kysely, type MigrationResultSet, Migrator } from 'kysely';
import type { Database } from './database.ts';
import { createPostgresDialect, postgresCapabilities } from './dialects/postgres.ts';
import { createPostgresKeyLoader } from './dialects/postgres-key-loader.ts';
import { createSqliteDialect, sqliteCapabilities } from './dialects/sqlite.ts';
import { createSqliteKeyLoader } from './dialects/sqlite-key-loader.ts';
import { migrationProvider } from './migrations/index.ts';
import type { DialectCapabilities, StorageConfig } from './storage-config.ts';

/** An open database. */
export interface Store {
  db: Kysely<Database>;
  capabilities: DialectCapabilities;
  /** Applies pending migrations and reports each. */
  migrate(): Promise<MigrationResultSet>;
  /**
   * The verification lookup of one key by id: the key, its accountable user's state and its live
   * secrets in one prepared statement (repositories/verifiable-key.repository.ts). Always reads
   * the primary database.
   */
  loadVerifiableKey(id: string, now: number): Promise<VerifiableKey | undefined>;
  /** Connection pool usage (PostgreSQL); null for SQLite's single connection. */
  poolStats(): { total: number; idle: number; waiting: number } | null;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens a store. Nothing is migrated until {@link Store.migrate} is called.
 *
 * @example
 * const store = openStore({ driver: 'sqlite', path: './data/keyward.db' });
 * await store.migrate();
 */
export function openStore(config: StorageConfig): Store {
  const { db, capabilities, pool, loadKey } = (() => {
    switch (config.driver) {
      case 'sqlite': {
        const { dialect, database } = createSqliteDialect(config.path);
        const db = new Kysely<Database>({ dialect });
        return {
          db,
          capabilities: sqliteCapabilities,
          pool: null,
          loadKey: createSqliteKeyLoader(db, database),
        };
      }
      case 'postgres': {
        const { dialect, pool } = createPostgresDialect(config.url, config.poolSize);
        const db = new Kysely<Database>({ dialect });
        return { db, capabilities: postgresCapabilities, pool, loadKey: createPostgresKeyLoader(db, pool) };
      }
    }
  })();
  let closed = false;
  return {
    db,
    capabilities,
    migrate() {
      return new Migrator({
        db,
        provider: migrationProvider,
        migrationTableName: 'keyward_migrations',
        migrationLockTableName: 'keyward_migrations_lock',
      }).migrateToLatest();
    },
    async loadVerifiableKey(id, now) {
      return loadKey(id, now);
    },
    poolStats() {
      return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    async ping() {
      try {
        await db.selectFrom('environments').select('slug').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
