import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DialectCapabilities } from '../storage-config.ts';

/** PostgreSQL capabilities: a pool of connections and LISTEN/NOTIFY. */
export const postgresCapabilities: DialectCapabilities = Object.freeze({
  name: 'postgres',
  supportsMultipleConnections: true,
  supportsNotify: true,
});

// Epoch milliseconds are stored as int8; pg returns int8 as a string by default because it may
// exceed 2^53. Ours never do, so parse them as numbers once, for every pool.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** Opens a PostgreSQL pool. Connections are made lazily, on first use. */
export function createPostgresDialect(
  url: string,
  poolSize: number,
): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next checkout simply opens a new connection.
  pool.on('error', () => {});
  return { dialect: new PostgresDialect({ pool }), pool };
}
