/**
 * No key reaches the log through a URL, however it is spelled: generated query strings carry a
 * key under every encoding of `auth-key` the readers accept (percent-encoded letters in either
 * case, `+`, brackets, repeats), or as another parameter, or in the path, over a real socket,
 * to routes that log, routes that refuse and routes that do not exist — with keys in the query
 * string enabled and disabled. The captured log must hold none of the secrets.
 */
import type { AddressInfo } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../src/app/logger.ts';

/** A character as a URL may carry it: itself, or percent-encoded in either case. */
const spelled = (char: string) =>
  fc.constantFrom(
    char,
    `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
    `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
const spell = (text: string) => fc.tuple(...[...text].map(spelled)).map((chars) => chars.join(''));

const keyName = fc
  .tuple(fc.constantFrom('auth-key', 'AUTH-KEY', 'Auth-Key'), fc.constantFrom('', '[]', '[0]', '%5B%5D'))
  .chain(([name, suffix]) => spell(name).map((spelledName) => spelledName + suffix));

describe.each([
  ['enabled', 'true'],
  ['disabled', 'false'],
])('sqlite: URLs are logged without keys, query keys %s', (_label, allow) => {
  let world: TestWorld;
  let base: string;
  let secrets: string[];

  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite', env: { KEYWARD_ALLOW_QUERY_KEY: allow } });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    const keys = await Promise.all(
      [0, 1, 2].map((i) => world.createKey({ name: `k${i}`, scopes: ['keys:read'] })),
    );
    secrets = keys.map((k: { key: string }) => k.key);
  });
  afterAll(async () => world?.close());

  it('holds no secret in the log for any spelling of the key parameter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(keyName, fc.nat(2), fc.boolean()), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('/v1/keys', '/v1/verify', '/v1/users', '/no/such/route', '/healthz'),
        fc.boolean(),
        async (params, path, asOther) => {
          const query = params.map(([name, which, encodeValue]) => {
            const key = secrets[which] as string;
            const value = encodeValue ? key.replace('_', '%5F') : key;
            return `${asOther ? 'q' : name}=${value}`;
          });
          const response = await fetch(`${base}${path}?${query.join('&')}&limit=5`, {
            method: path === '/v1/verify' ? 'POST' : 'GET',
          });
          await response.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
    // And in the path itself, percent-encoded or not.
    for (const key of secrets) {
      await (await fetch(`${base}/v1/keys/${key}`)).arrayBuffer();
      await (await fetch(`${base}/v1/keys/${key.replaceAll('_', '%5F')}`)).arrayBuffer();
    }
    const log = world.logs.join('');
    expect(log).toContain('[REDACTED]');
    for (const key of secrets) {
      const secret = key.slice(key.lastIndexOf('_') + 1, -6);
      expect(log).not.toContain(secret);
    }
  }, 120_000);
});

describe('redactUrl', () => {
  it('keeps URLs without keys as they are', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), (url) => {
        const { pathname, search } = new URL(url);
        expect(redactUrl(pathname + search)).toBe(pathname + search);
      }),
    );
    expect(redactUrl('/v1/keys?search=crm&limit=5')).toBe('/v1/keys?search=crm&limit=5');
  });

  it('redacts the key parameter in every spelling, and anything shaped like a key', () => {
    expect(redactUrl('/v1/keys?auth%2Dkey=abc&x=1')).toBe('/v1/keys?auth%2Dkey=[REDACTED]&x=1');
    expect(redactUrl('/v1/keys?auth-key[]=abc')).toBe('/v1/keys?auth-key[]=[REDACTED]');
    expect(redactUrl('/v1/keys?%61uth-key=abc&auth-key=d')).toBe(
      '/v1/keys?%61uth-key=[REDACTED]&auth-key=[REDACTED]',
    );
    const key = `kw_live_${'a'.repeat(12)}_${'B'.repeat(39)}`;
    expect(redactUrl(`/x?note=${key}`)).toBe('/x?note=[REDACTED]');
    expect(redactUrl(`/v1/keys/${key}`)).toBe(`/v1/keys/kw_live_${'a'.repeat(12)}_[REDACTED]`);
  });
});
