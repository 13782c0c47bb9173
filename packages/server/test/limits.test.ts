import { formatKey, generateKeyId, generateSecret } from '@keyward/core';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(testDialects())(
  '%s: rate limits, quotas, IP allowlists and the brute-force guard',
  (dialect) => {
    let world: TestWorld;
    let admin: string;
    beforeAll(async () => {
      world = await createTestWorld({ dialect });
      admin = world.admin.apiKey;
    });
    afterAll(async () => world?.close());

    const verify = async (body: Record<string, unknown>) => (await world.verify(body)).body;

    it('answers RATE_LIMITED past the limit, with the reset time, and recovers in the next window', async () => {
      const key = await world.createKey({
        name: 'limited',
        scopes: [],
        rateLimit: { limit: 3, windowSeconds: 1 },
      });
      // Start at the beginning of a window so the three calls share it.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push(await verify({ key: key.key }));
      expect(codes.map((r) => r.code)).toEqual(['VALID', 'VALID', 'VALID', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(codes[2].ratelimit).toMatchObject({ limit: 3, remaining: 0 });
      expect(Date.parse(codes[3].ratelimit.reset)).toBeGreaterThan(Date.now() - 1000);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await verify({ key: key.key })).code).toBe('VALID');
    });

    it('spends a quota by cost, answers USAGE_EXCEEDED when spent, and never overspends under concurrency', async () => {
      const key = await world.createKey({ name: 'metered', scopes: [], quota: { remaining: 10 } });
      expect(await verify({ key: key.key, cost: 4 })).toMatchObject({ code: 'VALID', remaining: 6 });
      const results = await Promise.all(Array.from({ length: 20 }, () => verify({ key: key.key })));
      expect(results.filter((r) => r.code === 'VALID')).toHaveLength(6);
      expect(results.filter((r) => r.code === 'USAGE_EXCEEDED')).toHaveLength(14);
      // A spent quota is spent even for a call that costs nothing.
      expect(await verify({ key: key.key, cost: 0 })).toMatchObject({ code: 'USAGE_EXCEEDED', remaining: 0 });
      // Topping the quota up through the API takes effect at once.
      await world.request({
        method: 'PATCH',
        url: `/v1/keys/${key.id}`,
        key: admin,
        body: { quota: { remaining: 1 } },
      });
      expect((await verify({ key: key.key })).code).toBe('VALID');
      expect((await verify({ key: key.key })).code).toBe('USAGE_EXCEEDED');
    });

    it('refills a quota once its interval has passed', async () => {
      const key = await world.createKey({
        name: 'refilled',
        scopes: [],
        quota: { remaining: 1, refill: { amount: 2, intervalSeconds: 1 } },
      });
      expect((await verify({ key: key.key })).code).toBe('VALID');
      expect((await verify({ key: key.key })).code).toBe('USAGE_EXCEEDED');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await verify({ key: key.key })).toMatchObject({ code: 'VALID', remaining: 1 });
    });

    it('answers IP_FORBIDDEN outside the allowlist, for IPv4 and IPv6', async () => {
      const key = await world.createKey({
        name: 'office',
        scopes: [],
        ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
      });
      expect((await verify({ key: key.key, ip: '203.0.113.9' })).code).toBe('VALID');
      expect((await verify({ key: key.key, ip: '::ffff:203.0.113.9' })).code).toBe('VALID');
      expect((await verify({ key: key.key, ip: '2001:db8::42' })).code).toBe('VALID');
      expect((await verify({ key: key.key, ip: '198.51.100.1' })).code).toBe('IP_FORBIDDEN');
      expect((await verify({ key: key.key })).code).toBe('IP_FORBIDDEN');
      // On admin routes the caller's own address is checked (127.0.0.1 here).
      const adminKey = await world.createKey({
        name: 'office admin',
        scopes: ['keys:read'],
        ipAllowlist: ['10.0.0.0/8'],
      });
      const refused = await world.request({ url: '/v1/keys', key: adminKey.key });
      expect(refused.status).toBe(401);
    });

    it('takes as long to refuse an unknown key id as a known id with a wrong secret', async () => {
      const known = await world.createKey({ name: 'known', scopes: [] });
      const keyId = known.key.split('_')[2] as string;
      const wrongSecret = formatKey({ prefix: 'kw', environment: 'live', keyId, secret: generateSecret() });
      const unknownId = formatKey({
        prefix: 'kw',
        environment: 'live',
        keyId: generateKeyId(),
        secret: generateSecret(),
      });
      const timed = async (key: string) => {
        const started = performance.now();
        const answer = await world.verify({ key });
        expect(answer.body.code).toBe('NOT_FOUND');
        return performance.now() - started;
      };
      for (let i = 0; i < 30; i++) await Promise.all([timed(wrongSecret), timed(unknownId)]);
      const times: { known: number[]; unknown: number[] } = { known: [], unknown: [] };
      // Alternated, so the shared machine's noise falls on both alike.
      for (let i = 0; i < 300; i++) {
        times.known.push(await timed(wrongSecret));
        times.unknown.push(await timed(unknownId));
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
      const ratio = median(times.unknown) / median(times.known);
      expect(ratio, `unknown ${median(times.unknown)} ms, known ${median(times.known)} ms`).toBeGreaterThan(
        0.75,
      );
      expect(ratio).toBeLessThan(1.33);
    });

    it('slows, then refuses, a client that keeps guessing, without slowing anyone else', async () => {
      const good = await world.createKey({ name: 'innocent', scopes: [] });
      const guess = `kw_live_${'a'.repeat(12)}_${'b'.repeat(39)}`;
      const codes: string[] = [];
      const started = Date.now();
      for (let i = 0; i < 21; i++) {
        const response = await world.verify({ key: guess, ip: '198.51.100.66' });
        codes.push(response.status === 429 ? 'BLOCKED' : response.body.code);
      }
      expect(Date.now() - started).toBeGreaterThan(2000);
      expect(codes.slice(0, 20).every((c) => c === 'MALFORMED')).toBe(true);
      expect(codes[20]).toBe('BLOCKED');
      // The same client however it is written: no fresh budget for another spelling.
      for (const ip of ['::ffff:198.51.100.66', ' 198.51.100.66 ', '::FFFF:C633:6442']) {
        const again = await world.verify({ key: guess, ip });
        expect(again.status, ip).toBe(429);
      }
      const innocent = Date.now();
      expect((await verify({ key: good.key, ip: '198.51.100.67' })).code).toBe('VALID');
      expect(Date.now() - innocent).toBeLessThan(500);
    });
  },
);
