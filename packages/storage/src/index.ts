/**
 * @module @keyward/storage
 *
 * One Kysely code base for SQLite (the embedded default) and PostgreSQL: the schema, versioned
 * migrations, and repository functions that take the database (or a transaction) first.
 */
export type { Database } from './database.ts';
export { postgresClientConfig } from './dialects/postgres.ts';
export { openStore, type Store, type StoreOptions } from './open-store.ts';
export {
  type AuditFilter,
  insertAuditEvent,
  listAuditBatch,
  listAuditEvents,
} from './repositories/audit.repository.ts';
export {
  findResource,
  insertEnvironment,
  insertScope,
  listEnvironments,
  listResources,
  listScopes,
  upsertResource,
} from './repositories/catalog.repository.ts';
export {
  findKey,
  insertKey,
  insertSecret,
  type KeyFilter,
  type KeyStatusFilter,
  listKeys,
  listLiveSecrets,
  retireSlot,
  revokeKeysOfOwner,
  updateKey,
} from './repositories/key.repository.ts';
export { countOrgs, findOrg, insertOrg, listOrgs } from './repositories/org.repository.ts';
export type { Page } from './repositories/page.ts';
export {
  clearThrottle,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  findSession,
  insertSession,
  releaseAttempt,
  reserveAttempt,
  type SessionRow,
  type ThrottleRow,
  type ThrottleRule,
} from './repositories/session.repository.ts';
export { addUsage, listUsage, type UsageIncrement } from './repositories/usage.repository.ts';
export {
  countUsers,
  emailTaken,
  findUser,
  findUserCredentials,
  insertUser,
  listUsers,
  lockActiveOwners,
  markUserDeleted,
  type UserFilter,
  updateUser,
} from './repositories/user.repository.ts';
export {
  DEFAULT_POSTGRES_TIMEOUTS,
  type DialectCapabilities,
  type PostgresTimeouts,
  READ_TIMEOUT_MARGIN_MS,
  type StorageConfig,
} from './storage-config.ts';
export {
  isStoreUnavailable,
  isUniqueViolation,
  normalisePostgresError,
  StoreUnavailableError,
  type StoreUnavailableReason,
} from './storage-error.ts';
