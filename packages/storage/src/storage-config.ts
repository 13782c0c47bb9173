/** Where Keyward keeps its data: an embedded SQLite file (the default) or PostgreSQL. */
export type StorageConfig =
  | { driver: 'sqlite'; path: string }
  | { driver: 'postgres'; url: string; poolSize: number; timeouts?: Partial<PostgresTimeouts> };

/**
 * How long a node waits on PostgreSQL, in milliseconds, so that no wait is unbounded: a
 * database that stops answering (a failover, a network partition) costs a request at most
 * `connectMs` for a connection and `statementMs` plus {@link READ_TIMEOUT_MARGIN_MS} for a
 * statement, after which it fails with `StoreUnavailableError`.
 */
export interface PostgresTimeouts {
  /** To open a connection, or to wait for a free one in the pool. */
  connectMs: number;
  /** A statement's run time on the server (`statement_timeout`). */
  statementMs: number;
  /** A transaction left idle on the server (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number;
  /** Idle time before TCP keep-alive probes start, which find a connection the network lost. */
  keepAliveMs: number;
}

/**
 * A statement's reply is awaited this much longer than the server's own statement timeout: the
 * server cancels a slow statement itself and says so, and only a database that does not answer
 * at all (a blackhole) meets this client-side limit.
 */
export const READ_TIMEOUT_MARGIN_MS = 500;

/** The defaults: a healthy database answers Keyward's statements in a few milliseconds. */
export const DEFAULT_POSTGRES_TIMEOUTS: Readonly<PostgresTimeouts> = Object.freeze({
  connectMs: 2000,
  statementMs: 2000,
  idleInTransactionMs: 5000,
  keepAliveMs: 10_000,
});

/** What differs between the dialects, named as flags (Kysely's `DialectAdapter` style). */
export interface DialectCapabilities {
  name: 'sqlite' | 'postgres';
  /** More than one connection may run statements at once. */
  supportsMultipleConnections: boolean;
  /** `LISTEN`/`NOTIFY` is available for cross-node invalidation. */
  supportsNotify: boolean;
}
