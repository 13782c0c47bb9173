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
  /** True when the database answers a trivial query within `timeoutMs` (default 1 s). */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** What {@link openStore} reports besides its answers. */
export interface StoreOptions {
  /**
   * Told of connection failures that no caller is waiting on (a pooled connection lost while
   * idle or between statements); callers waiting on one get a `StoreUnavailableError`.
   */
  onConnectionError?: (error: unknown) => void;
}

/**
 * Opens a store. Nothing is migrated until {@link Store.migrate} is called.
 *
 * @example
 * const store = openStore({ driver: 'sqlite', path: './data/keyward.db' });
 * await store.migrate();
 */
export function openStore(config: StorageConfig, options: StoreOptions = {}): Store {
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
        const { dialect, pool } = createPostgresDialect({
          url: config.url,
          poolSize: config.poolSize,
          timeouts: config.timeouts,
          onError: options.onConnectionError,
        });
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
    async ping(timeoutMs = 1000) {
      // The pool may be busy with statements that wait on a database gone silent: a readiness
      // probe must answer on time all the same.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const answered = db
        .selectFrom('environments')
        .select('slug')
        .limit(1)
        .execute()
        .then(
          () => true,
          () => false,
        );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
