/**
 * Two real Keyward nodes (child processes) on one PostgreSQL database and one Redis, on
 * loopback, as docs/deployment.md describes.
 */
import { randomBytes } from 'node:crypto';
import {
  bootstrapWithCli,
  callApi as call,
  createTestDatabase,
  type KeywardProcess,
  startKeyward,
  TEST_PEPPER,
  type TestDatabase,
} from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS_URL = process.env.KEYWARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Node = KeywardProcess;

describe('postgres + redis: two nodes', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let admin: string;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    if (database.storage.driver !== 'postgres') throw new Error('unreachable');
    env = {
      ...process.env,
      KEYWARD_DATABASE_URL: database.storage.url,
      KEYWARD_DATA_DIR: database.dataDir,
      KEYWARD_PEPPER: TEST_PEPPER,
      KEYWARD_REDIS_URL: REDIS_URL,
      KEYWARD_REDIS_PREFIX: `kwtest:${randomBytes(4).toString('hex')}:`,
      KEYWARD_LOG_LEVEL: 'warn',
    };
    admin = (await bootstrapWithCli(env)).apiKey;
    [a, b] = await Promise.all([startKeyward(env), startKeyward(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('rejects a key on node B within a second of its revocation on node A', async () => {
    const created = await call(a.url, admin, '/v1/keys', {
      method: 'POST',
      body: { name: 'hot', scopes: [] },
    });
    const key: string = created.body.key;
    // Warm node B's cache.
    expect((await call(b.url, admin, '/v1/verify', { method: 'POST', body: { key } })).body.code).toBe(
      'VALID',
    );
    expect((await call(b.url, admin, '/v1/verify', { method: 'POST', body: { key } })).body.code).toBe(
      'VALID',
    );
    const revokedAt = performance.now();
    await call(a.url, admin, `/v1/keys/${created.body.id}`, { method: 'DELETE' });
    let code = 'VALID';
    while (code === 'VALID' && performance.now() - revokedAt < 5000) {
      code = (await call(b.url, admin, '/v1/verify', { method: 'POST', body: { key } })).body.code;
    }
    const latency = performance.now() - revokedAt;
    console.log(`revocation reached node B after ${latency.toFixed(1)} ms`);
    expect(code).toBe('NOT_FOUND');
    expect(latency).toBeLessThan(1000);
  });

  it('spends a quota of 100 exactly once across 2 nodes × 50 concurrent clients', async () => {
    const created = await call(a.url, admin, '/v1/keys', {
      method: 'POST',
      body: { name: 'quota', scopes: [], quota: { remaining: 100 } },
    });
    const key: string = created.body.key;
    let valid = 0;
    let exceeded = 0;
    const client = async (node: Node, calls: number) => {
      for (let i = 0; i < calls; i++) {
        const code = (await call(node.url, admin, '/v1/verify', { method: 'POST', body: { key } })).body.code;
        if (code === 'VALID') valid++;
        else if (code === 'USAGE_EXCEEDED') exceeded++;
      }
    };
    await Promise.all(Array.from({ length: 100 }, (_, i) => client(i % 2 === 0 ? a : b, 3)));
    expect(valid).toBe(100);
    expect(exceeded).toBe(200);
  });

  it('holds a rate limit of 10 per second across both nodes', async () => {
    const created = await call(a.url, admin, '/v1/keys', {
      method: 'POST',
      body: { name: 'limit', scopes: [], rateLimit: { limit: 10, windowSeconds: 1 } },
    });
    const key: string = created.body.key;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(i % 2 === 0 ? a.url : b.url, admin, '/v1/verify', { method: 'POST', body: { key } }),
      ),
    );
    const perWindow = new Map<string, number>();
    for (const { body } of results) {
      if (body.code === 'VALID')
        perWindow.set(body.ratelimit.reset, (perWindow.get(body.ratelimit.reset) ?? 0) + 1);
    }
    expect([...perWindow.values()].reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    for (const count of perWindow.values()) expect(count).toBeLessThanOrEqual(10);
  });
});
