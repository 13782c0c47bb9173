/** Where Keyward keeps its data: an embedded SQLite file (the default) or PostgreSQL. */
export type StorageConfig =
  | { driver: 'sqlite'; path: string }
  | { driver: 'postgres'; url: string; poolSize: number };

/** What differs between the dialects, named as flags (Kysely's `DialectAdapter` style). */
export interface DialectCapabilities {
  name: 'sqlite' | 'postgres';
  /** More than one connection may run statements at once. */
  supportsMultipleConnections: boolean;
  /** `LISTEN`/`NOTIFY` is available for cross-node invalidation. */
  supportsNotify: boolean;
}
