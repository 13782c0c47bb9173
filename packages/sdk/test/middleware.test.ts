import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KeywardClient } from '../src/index.ts';
import { keyward as expressKeyward } from '../src/middleware/express.ts';
import { keywardPreHandler } from '../src/middleware/fastify.ts';
import { keyward as honoKeyward } from '../src/middleware/hono.ts';
import { keywardNode } from '../src/middleware/node.ts';

type App = { url: string; close(): Promise<void> };

async function listen(server: Server): Promise<App> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const guard = (verifier: KeywardClient) => ({ verifier, scopes: ['process:start'], resource: 'wf-1' });

const frameworks: Record<string, (verifier: KeywardClient) => Promise<App>> = {
  'node:http': async (verifier) => {
    const check = keywardNode(guard(verifier));
    return listen(
      createServer(async (req, res) => {
        const identity = await check(req, res);
        if (!identity) return;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ hello: identity.name }));
      }),
    );
  },
  express: async (verifier) => {
    const app = express();
    app.get('/flows', expressKeyward(guard(verifier)), (req, res) => {
      res.json({ hello: req.keyward?.name });
    });
    return listen(createServer(app));
  },
  fastify: async (verifier) => {
    const app = Fastify();
    app.get('/flows', { preHandler: keywardPreHandler(guard(verifier)) }, async (request) => ({
      hello: request.keyward?.name,
    }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: () => app.close(),
    };
  },
  hono: async (verifier) => {
    const app = new Hono();
    app.get('/flows', honoKeyward(guard(verifier)), (c) => c.json({ hello: c.get('keyward').name }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
};

describe('sdk middleware in real apps', () => {
  let world: TestWorld;
  let client: KeywardClient;
  let good: string;
  let wrongScope: string;
  let limited: string;
  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite' });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    client = createClient({ baseUrl, key: world.admin.apiKey });
    await client.resources.put('wf-1', { name: 'Flow 1', exposed: true });
    good = (await world.createKey({ name: 'integrator', scopes: ['process:start'], resources: ['wf-1'] }))
      .key;
    wrongScope = (await world.createKey({ name: 'exporter', scopes: ['export'] })).key;
    limited = (
      await world.createKey({
        name: 'limited',
        scopes: ['process:start'],
        rateLimit: { limit: 1, windowSeconds: 60 },
      })
    ).key;
  });
  afterAll(async () => world?.close());

  describe.each(Object.keys(frameworks))('%s', (framework) => {
    let app: App;
    beforeAll(async () => {
      app = await (frameworks[framework] as (v: KeywardClient) => Promise<App>)(client);
    });
    afterAll(async () => app?.close());

    const get = (headers: Record<string, string>, query = '') =>
      fetch(`${app.url}/flows${query}`, { headers });

    it('lets a good key through with its identity on the request', async () => {
      const response = await get({ authorization: `Api-Key ${good}` });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ hello: 'integrator' });
      const [, , id, tail] = good.split('_');
      const basic = await get({ authorization: `Basic ${Buffer.from(`${id}:${tail}`).toString('base64')}` });
      expect(basic.status).toBe(200);
      expect((await get({ 'x-api-key': good })).status).toBe(200);
    });

    it('answers 401, 403 and 429 with the error shape and rate-limit headers', async () => {
      const none = await get({});
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const typo = `${good.slice(0, -1)}${good.endsWith('x') ? 'y' : 'x'}`;
      const bad = await get({ authorization: `Bearer ${typo}` });
      expect(bad.status).toBe(401);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_CREDENTIAL');
      const forbidden = await get({ authorization: `Bearer ${wrongScope}` });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({
        error: { code: 'INSUFFICIENT_SCOPE', requestId: expect.any(String) },
      });
      const wrongEnvironment = await get({ authorization: `Bearer ${good}` }, '?_profile=Test');
      expect(wrongEnvironment.status).toBe(401);
      const first = await get({ authorization: `Bearer ${limited}` });
      if (first.status === 200) expect(first.headers.get('ratelimit-remaining')).toBe('0');
      const second = await get({ authorization: `Bearer ${limited}` });
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(second.headers.get('ratelimit-limit')).toBe('1');
    });
  });
});
