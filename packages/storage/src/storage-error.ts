/**
 * @module Storage errors
 *
 * Driver errors normalised, so that nothing above storage reads a driver's codes or messages:
 *
 * - a unique constraint violated (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL
 *   `23505`): {@link isUniqueViolation};
 * - the database could not be reached or did not answer in time: every such driver error is
 *   rethrown by the dialect as one {@link StoreUnavailableError}, which the server answers
 *   with 503 `STORE_UNAVAILABLE`. Its message names the kind of failure only; the driver's
 *   error, which may carry a host name, stays in `cause` for the log.
 */

/** True when `error` means a unique constraint was violated. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Why the store is unavailable: it cannot be reached, or it did not answer in time. */
export type StoreUnavailableReason = 'unreachable' | 'timeout';

/** The database could not be reached or did not answer in time; retrying later may succeed. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly reason: StoreUnavailableReason;

  constructor(reason: StoreUnavailableReason, cause: unknown) {
    super(reason === 'timeout' ? 'The database did not answer in time.' : 'The database cannot be reached.', {
      cause,
    });
    this.reason = reason;
  }
}

/** True when `error` is a {@link StoreUnavailableError}. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": the statement or an idle
 * transaction timed out, the server is shutting down or starting (a restart, a failover,
 * `pg_terminate_backend`), it has no connection slot left, or the connection broke (class 08).
 */
const TIMEOUT_STATES = new Set(['57014', '25P03']);
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket errors of a connection that failed or broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * node-postgres reports a lost or timed-out connection by message only (no code): these are
 * the ones it uses, for a connection that ended, a connect or pool wait that timed out, a read
 * that timed out, and a client or pool no longer usable after one of those.
 */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end)/;
const TIMEOUT_MESSAGES =
  /^(timeout expired|timeout exceeded when trying to connect|Query read timeout|Connection terminated due to connection timeout)/;

/**
 * Whether a PostgreSQL driver error means the store is unavailable, and why; null for any
 * other error (a constraint, a syntax error: those are bugs or domain outcomes).
 */
export function postgresUnavailability(error: unknown): StoreUnavailableReason | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TIMEOUT_STATES.has(code)) return 'timeout';
    if (UNREACHABLE_STATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) return 'unreachable';
  }
  if (TIMEOUT_MESSAGES.test(error.message)) return 'timeout';
  if (UNREACHABLE_MESSAGES.test(error.message)) return 'unreachable';
  return null;
}

/** `error` as a {@link StoreUnavailableError} when it means one, else `error` itself. */
export function normalisePostgresError(error: unknown): unknown {
  if (isStoreUnavailable(error)) return error;
  const reason = postgresUnavailability(error);
  return reason ? new StoreUnavailableError(reason, error) : error;
}
