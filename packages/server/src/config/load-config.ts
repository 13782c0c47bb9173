/**
 * @module Configuration
 *
 * `loadConfig(env)` runs once at start-up: it reads the `KEYWARD_*` variables (and `PORT`),
 * validates them, applies defaults from one object and returns a deep-frozen config. Bad
 * configuration throws a {@link ConfigError} whose message is one clear line. Only `main.ts`
 * and the CLI pass `process.env` here; everything else receives the config.
 */
import { resolve } from 'node:path';
import { KEY_FORMAT } from '@keyward/core';
import { DEFAULT_POSTGRES_TIMEOUTS } from '@keyward/storage';
import type { KeywardConfig } from './keyward-config.ts';

/** Raised for invalid configuration; the message names the variable and the problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  keyPrefix: 'kw',
  logLevel: 'info',
  poolSize: 10,
  bodyLimit: 64 * 1024,
  db: DEFAULT_POSTGRES_TIMEOUTS,
  // A healthy Redis answers in well under a millisecond; a busy one may stall for a few
  // hundred. Waiting up to a second tells a slow Redis from a lost one without failing closed.
  redisConnectTimeoutMs: 2000,
  redisCommandTimeoutMs: 1000,
  shutdownTimeoutMs: 10_000,
} as const;

/** Bounds of every timeout setting, in ms. */
const TIMEOUT_RANGE: [number, number] = [50, 600_000];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  range: [number, number],
): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < range[0] || n > range[1])
    throw new ConfigError(`${name} must be between ${range[0]} and ${range[1]}, got ${n}`);
  return n;
}

function parseTimeout(env: Record<string, string | undefined>, name: string, fallback: number): number {
  return parseInteger(name, env[name], fallback, TIMEOUT_RANGE);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates configuration from environment variables.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): KeywardConfig {
  const dataDir = resolve(env.KEYWARD_DATA_DIR || DEFAULTS.dataDir);
  const databaseUrl = env.KEYWARD_DATABASE_URL || '';
  let storage: KeywardConfig['storage'];
  if (databaseUrl === '') {
    storage = { driver: 'sqlite', path: resolve(dataDir, 'keyward.db') };
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    storage = {
      driver: 'postgres',
      url: databaseUrl,
      poolSize: parseInteger('KEYWARD_DB_POOL_SIZE', env.KEYWARD_DB_POOL_SIZE, DEFAULTS.poolSize, [1, 1000]),
      timeouts: {
        connectMs: parseTimeout(env, 'KEYWARD_DB_CONNECT_TIMEOUT_MS', DEFAULTS.db.connectMs),
        statementMs: parseTimeout(env, 'KEYWARD_DB_STATEMENT_TIMEOUT_MS', DEFAULTS.db.statementMs),
        idleInTransactionMs: parseTimeout(
          env,
          'KEYWARD_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
          DEFAULTS.db.idleInTransactionMs,
        ),
        keepAliveMs: parseTimeout(env, 'KEYWARD_DB_KEEPALIVE_MS', DEFAULTS.db.keepAliveMs),
      },
    };
  } else if (databaseUrl.startsWith('sqlite:')) {
    storage = { driver: 'sqlite', path: resolve(databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '')) };
  } else {
    throw new ConfigError('KEYWARD_DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
  }

  const redisUrl = env.KEYWARD_REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('KEYWARD_REDIS_URL must start with redis:// or rediss://');
  }

  const keyPrefix = env.KEYWARD_KEY_PREFIX || DEFAULTS.keyPrefix;
  if (!KEY_FORMAT.prefixPattern.test(keyPrefix)) {
    throw new ConfigError(
      'KEYWARD_KEY_PREFIX must be 1-16 lower-case letters or digits, starting with a letter',
    );
  }

  const logLevel = (env.KEYWARD_LOG_LEVEL || DEFAULTS.logLevel) as KeywardConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`KEYWARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const trustProxyRaw = env.KEYWARD_TRUST_PROXY;
  const trustProxy =
    trustProxyRaw && /[.:]/.test(trustProxyRaw)
      ? trustProxyRaw.split(',').map((entry) => entry.trim())
      : parseBoolean('KEYWARD_TRUST_PROXY', trustProxyRaw, false);

  return deepFreeze({
    host: env.KEYWARD_HOST || DEFAULTS.host,
    port: parseInteger('KEYWARD_PORT', env.KEYWARD_PORT ?? env.PORT, DEFAULTS.port, [0, 65535]),
    dataDir,
    storage,
    redisUrl,
    redisPrefix: env.KEYWARD_REDIS_PREFIX || 'keyward:',
    redisTimeouts: {
      connectMs: parseTimeout(env, 'KEYWARD_REDIS_CONNECT_TIMEOUT_MS', DEFAULTS.redisConnectTimeoutMs),
      commandMs: parseTimeout(env, 'KEYWARD_REDIS_COMMAND_TIMEOUT_MS', DEFAULTS.redisCommandTimeoutMs),
    },
    keyPrefix,
    allowQueryKey: parseBoolean('KEYWARD_ALLOW_QUERY_KEY', env.KEYWARD_ALLOW_QUERY_KEY, false),
    logLevel,
    pepper: env.KEYWARD_PEPPER || null,
    trustProxy,
    bodyLimit: parseInteger('KEYWARD_BODY_LIMIT', env.KEYWARD_BODY_LIMIT, DEFAULTS.bodyLimit, [
      1024,
      16 * 1024 * 1024,
    ]),
    headersTimeoutMs: parseInteger(
      'KEYWARD_HEADERS_TIMEOUT_MS',
      env.KEYWARD_HEADERS_TIMEOUT_MS,
      10_000,
      [100, 600_000],
    ),
    requestTimeoutMs: parseInteger(
      'KEYWARD_REQUEST_TIMEOUT_MS',
      env.KEYWARD_REQUEST_TIMEOUT_MS,
      30_000,
      [100, 600_000],
    ),
    maxConnections: parseInteger(
      'KEYWARD_MAX_CONNECTIONS',
      env.KEYWARD_MAX_CONNECTIONS,
      10_000,
      [1, 1_000_000],
    ),
    shutdownTimeoutMs: parseTimeout(env, 'KEYWARD_SHUTDOWN_TIMEOUT_MS', DEFAULTS.shutdownTimeoutMs),
  });
}
