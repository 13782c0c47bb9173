import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.ts';

const POSTGRES = { KEYWARD_DATABASE_URL: 'postgres://keyward@db.internal/keyward' };

describe('configuration: timeouts toward PostgreSQL and Redis', () => {
  it('bounds every wait by default', () => {
    const config = loadConfig({ ...POSTGRES, KEYWARD_REDIS_URL: 'redis://cache.internal:6379' });
    if (config.storage.driver !== 'postgres') throw new Error('expected postgres');
    expect(config.storage.timeouts).toEqual({
      connectMs: 2000,
      statementMs: 2000,
      idleInTransactionMs: 5000,
      keepAliveMs: 10_000,
    });
    expect(config.redisTimeouts).toEqual({ connectMs: 2000, commandMs: 1000 });
    expect(config.shutdownTimeoutMs).toBe(10_000);
  });

  it('reads each timeout from its variable', () => {
    const config = loadConfig({
      ...POSTGRES,
      KEYWARD_DB_CONNECT_TIMEOUT_MS: '500',
      KEYWARD_DB_STATEMENT_TIMEOUT_MS: '750',
      KEYWARD_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000',
      KEYWARD_DB_KEEPALIVE_MS: '4000',
      KEYWARD_REDIS_CONNECT_TIMEOUT_MS: '600',
      KEYWARD_REDIS_COMMAND_TIMEOUT_MS: '250',
      KEYWARD_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    if (config.storage.driver !== 'postgres') throw new Error('expected postgres');
    expect(config.storage.timeouts).toEqual({
      connectMs: 500,
      statementMs: 750,
      idleInTransactionMs: 3000,
      keepAliveMs: 4000,
    });
    expect(config.redisTimeouts).toEqual({ connectMs: 600, commandMs: 250 });
    expect(config.shutdownTimeoutMs).toBe(5000);
    expect(Object.isFrozen(config.storage.timeouts)).toBe(true);
  });

  it('refuses a timeout that is not a sane number of milliseconds, naming the variable', () => {
    for (const [name, value] of [
      ['KEYWARD_DB_STATEMENT_TIMEOUT_MS', '2s'],
      ['KEYWARD_DB_CONNECT_TIMEOUT_MS', '0'],
      ['KEYWARD_REDIS_COMMAND_TIMEOUT_MS', '-1'],
      ['KEYWARD_SHUTDOWN_TIMEOUT_MS', '99999999'],
    ] as const) {
      expect(() => loadConfig({ ...POSTGRES, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...POSTGRES, [name]: value })).toThrow(new RegExp(`^${name} must`));
    }
  });
});
