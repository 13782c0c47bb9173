import type { AddressInfo } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachedVerifier, createClient, ROUTES } from '../src/index.ts';

describe('sdk: client against a live server', () => {
  let world: TestWorld;
  let baseUrl: string;
  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite' });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => world?.close());

  it('covers every operation of /openapi.json, and only those', async () => {
    const doc = (await world.request({ url: '/openapi.json' })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'head')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...Object.values(ROUTES)].sort()).toEqual(documented.sort());
  });

  it('has the Key and User fields the server documents', async () => {
    const doc = (await world.request({ url: '/openapi.json' })).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const keward = await createClient({ baseUrl, key: world.admin.apiKey }).keys.create({
      name: 'shape',
      scopes: [],
    });
    expect(Object.keys(keward.result ?? {}).sort()).toEqual(
      [...Object.keys(doc.components.schemas.Key?.properties ?? {}), 'key'].sort(),
    );
    const me = await createClient({ baseUrl, key: world.admin.apiKey }).users.get(world.admin.user.id);
    expect(Object.keys(me.result ?? {}).sort()).toEqual(
      Object.keys(doc.components.schemas.User?.properties ?? {}).sort(),
    );
  });

  it('creates, verifies and revokes keys, returning { result } or { error } and never throwing', async () => {
    const keyward = createClient({ baseUrl, key: world.admin.apiKey });
    const created = await keyward.keys.create({ name: 'sdk', scopes: ['export'] });
    expect(created.result?.key).toMatch(/^kw_live_/);
    // The admin key is a live key: it makes no key for another environment.
    const elsewhere = await keyward.keys.create({ name: 'sdk', scopes: ['export'], environment: 'test' });
    expect(elsewhere.error).toMatchObject({ status: 403, code: 'GRANT_EXCEEDS_CALLER' });
    const verified = await keyward.verify({ key: created.result?.key ?? '', scopes: ['export'] });
    expect(verified.result).toMatchObject({ valid: true, code: 'VALID', key: { name: 'sdk' } });
    await keyward.keys.revoke(created.result?.id ?? '');
    expect((await keyward.verify({ key: created.result?.key ?? '' })).result?.code).toBe('NOT_FOUND');
    const missing = await keyward.keys.get('key_000000000000');
    expect(missing.error).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: expect.any(String) });
    const unauthenticated = await createClient({ baseUrl }).keys.list();
    expect(unauthenticated.error?.code).toBe('UNAUTHENTICATED');
  });

  it('retries network failures and then reports them as an error value', async () => {
    let attempts = 0;
    const client = createClient({
      baseUrl: 'http://127.0.0.1:9',
      key: 'x',
      retries: 2,
      fetch: async (...args) => {
        attempts++;
        return fetch(...args);
      },
    });
    const answer = await client.keys.list();
    expect(answer.error?.code).toBe('NETWORK_ERROR');
    expect(attempts).toBe(3);
  });

  it('keeps a local cache exact through the event stream, and falls back when the stream is down', async () => {
    const client = createClient({ baseUrl, key: world.admin.apiKey });
    const verifier = createCachedVerifier({ client, baseUrl, key: world.admin.apiKey });
    try {
      const deadline = Date.now() + 5000;
      while (!verifier.isLive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(verifier.isLive()).toBe(true);
      const created = await client.keys.create({ name: 'cached', scopes: [] });
      const key = created.result?.key ?? '';
      expect((await verifier.verify({ key })).result?.code).toBe('VALID');
      // Served from the cache now: the usage counter sees one verification, not two.
      expect((await verifier.verify({ key })).result?.code).toBe('VALID');
      const revokedAt = Date.now();
      await client.keys.revoke(created.result?.id ?? '');
      let code = 'VALID';
      while (code === 'VALID' && Date.now() - revokedAt < 2000) {
        // Let I/O run between calls, as it does between real requests.
        await new Promise((resolve) => setImmediate(resolve));
        code = (await verifier.verify({ key })).result?.code ?? '';
      }
      expect(code).toBe('NOT_FOUND');
      expect(Date.now() - revokedAt).toBeLessThan(1000);
    } finally {
      verifier.close();
    }
    const offline = createCachedVerifier({ client, baseUrl: 'http://127.0.0.1:9', key: 'x' });
    try {
      const created = await client.keys.create({ name: 'fallback', scopes: [] });
      expect(offline.isLive()).toBe(false);
      expect((await offline.verify({ key: created.result?.key ?? '' })).result?.code).toBe('VALID');
      await client.keys.disable(created.result?.id ?? '');
      expect((await offline.verify({ key: created.result?.key ?? '' })).result?.code).toBe('DISABLED');
    } finally {
      offline.close();
    }
  });
});
