import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { DialectCapabilities } from '../storage-config.ts';

/** SQLite capabilities: one connection, no cross-process notifications. */
export const sqliteCapabilities: DialectCapabilities = Object.freeze({
  name: 'sqlite',
  supportsMultipleConnections: false,
  supportsNotify: false,
});

/**
 * Opens an SQLite file (or `:memory:`) tuned for a server: WAL so readers never wait on the
 * writer, `synchronous=NORMAL` which in WAL mode survives a process crash without losing an
 * acknowledged commit, a busy timeout for a second process such as the CLI, and foreign keys.
 */
export function createSqliteDialect(path: string): { dialect: SqliteDialect; database: Database.Database } {
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return { dialect: new SqliteDialect({ database }), database };
}
