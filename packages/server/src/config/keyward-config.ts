import type { StorageConfig } from '@keyward/storage';

/** The validated, frozen configuration of one Keyward node. */
export interface KeywardConfig {
  host: string;
  port: number;
  dataDir: string;
  storage: StorageConfig;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so deployments can share a Redis. */
  redisPrefix: string;
  /** How long a node waits on Redis, in ms: to connect, and for each command's reply. */
  redisTimeouts: { connectMs: number; commandMs: number };
  keyPrefix: string;
  allowQueryKey: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Pepper versions from `KEYWARD_PEPPER`, or null to use (and create) the file in the data dir. */
  pepper: string | null;
  /** Trust `X-Forwarded-For` from these proxy addresses/CIDRs (`true`: from any); false behind none. */
  trustProxy: boolean | string[];
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Time a client has to send its request headers (slow-loris guard), in ms. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, in ms. */
  requestTimeoutMs: number;
  /** Open connections a node accepts at once; more are refused. */
  maxConnections: number;
  /**
   * Time SIGTERM has to finish in-flight requests, flush usage and close connections, in ms;
   * past it, pending usage goes to the spool file and the process exits.
   */
  shutdownTimeoutMs: number;
}
