import { PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import {
  DEFAULT_POSTGRES_TIMEOUTS,
  type DialectCapabilities,
  type PostgresTimeouts,
  READ_TIMEOUT_MARGIN_MS,
} from '../storage-config.ts';
import { isStoreUnavailable, normalisePostgresError, type StoreUnavailableError } from '../storage-error.ts';

/** PostgreSQL capabilities: a pool of connections and LISTEN/NOTIFY. */
export const postgresCapabilities: DialectCapabilities = Object.freeze({
  name: 'postgres',
  supportsMultipleConnections: true,
  supportsNotify: true,
});

// Epoch milliseconds are stored as int8; pg returns int8 as a string by default because it may
// exceed 2^53. Ours never do, so parse them as numbers once, for every pool.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/**
 * The connection settings every PostgreSQL connection of a node uses (the pool's, and the
 * invalidation bus's LISTEN connection): each wait bounded, and TCP keep-alive on.
 */
export function postgresClientConfig(url: string, timeouts: Partial<PostgresTimeouts> = {}): pg.ClientConfig {
  const t = { ...DEFAULT_POSTGRES_TIMEOUTS, ...timeouts };
  return {
    connectionString: url,
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    query_timeout: t.statementMs + READ_TIMEOUT_MARGIN_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveMs,
  };
}

/**
 * Kysely's view of a pool: each client's failures normalised ({@link normalisePostgresError}),
 * and a client whose connection failed given back to the pool to be destroyed rather than
 * reused (a statement that timed out on the client may still be running on it).
 */
function normalisingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect().catch((error: unknown) => {
        throw normalisePostgresError(error);
      });
      let broken: StoreUnavailableError | null = null;
      const guarded = {
        query: (sql: string, parameters: readonly unknown[]) => {
          // A broken connection is not asked again (Kysely's ROLLBACK after a failed statement
          // would wait out another timeout): the statement fails as the last one did.
          if (broken) return Promise.reject(broken);
          return client.query(sql, parameters as unknown[]).catch((error: unknown) => {
            const normalised = normalisePostgresError(error);
            // The server cancelled the statement itself: the connection is fine.
            if (isStoreUnavailable(normalised) && (error as { code?: unknown }).code !== '57014') {
              broken = normalised;
            }
            throw normalised;
          });
        },
        release: (destroy?: boolean) => client.release(destroy || broken !== null),
      };
      return guarded as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/**
 * Opens a PostgreSQL pool. Connections are made lazily, on first use, with bounded waits
 * ({@link postgresClientConfig}).
 */
export function createPostgresDialect(options: {
  url: string;
  poolSize: number;
  timeouts?: Partial<PostgresTimeouts> | undefined;
  onError?: ((error: unknown) => void) | undefined;
}): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({ ...postgresClientConfig(options.url, options.timeouts), max: options.poolSize });
  // A client that loses its connection emits 'error': on the pool too while idle, only on the
  // client itself while checked out (between the statements of a transaction, say). Without a
  // listener either would end the process; with one, the failure reaches whoever waits on the
  // client, and the pool replaces it on the next checkout. Each failure is told once.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', (error) => options.onError?.(error)));
  return { dialect: new PostgresDialect({ pool: normalisingPool(pool) }), pool };
}
