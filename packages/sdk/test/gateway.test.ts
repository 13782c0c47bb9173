import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../cli/bin/keyward.js', import.meta.url));

describe('keyward gateway in front of a real upstream', () => {
  let world: TestWorld;
  let upstream: Server;
  let gateway: ReturnType<typeof spawn>;
  let gatewayUrl: string;
  let seen: { headers: IncomingMessage['headers']; url: string; body: string }[] = [];
  let integrator: string;
  let exporter: string;

  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite' });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    const keywardUrl = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    await world.request({
      method: 'PUT',
      url: '/v1/resources/wf-7',
      key: world.admin.apiKey,
      body: { name: 'Flow 7', exposed: true },
    });
    integrator = (
      await world.createKey({ name: 'Integrator Ltd', scopes: ['process:start'], resources: ['wf-7'] })
    ).key;
    exporter = (await world.createKey({ name: 'exporter', scopes: ['export'] })).key;
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, url: req.url ?? '', body });
        if (req.url?.startsWith('/flows/wf-7/fail')) {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream says no');
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ echoed: body.length }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const config = join(world.database.dataDir, 'routes.yaml');
    writeFileSync(
      config,
      [
        'keyward:',
        `  url: ${keywardUrl}`,
        // The gateway expands ${NAME} from its environment.
        '  key: $' + '{VERIFY_KEY}',
        'routes:',
        '  - match: { method: POST, path: /flows/*/start }',
        '    scopes: [process:start]',
        '    resource: "{1}"',
        '  - match: { path: /flows/wf-7/** }',
        '    scopes: [process:start]',
        '  - match: { path: /exports/** }',
        '    scopes: [export]',
      ].join('\n'),
    );
    gateway = spawn(
      process.execPath,
      [
        BIN,
        'gateway',
        '--upstream',
        `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        '--config',
        config,
        '--port',
        '0',
      ],
      { env: { ...process.env, VERIFY_KEY: world.admin.apiKey } },
    );
    gatewayUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      gateway.stderr?.on('data', (d) => (out += d));
      gateway.stdout?.on('data', (d) => {
        out += d;
        const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      gateway.on('close', () => reject(new Error(out)));
    });
  }, 60_000);

  afterAll(async () => {
    gateway?.kill('SIGTERM');
    await new Promise((resolve) => upstream?.close(resolve));
    await world?.close();
  });

  it('forwards an allowed request with the identity, without the credential, streaming the body', async () => {
    seen = [];
    const body = 'x'.repeat(300_000);
    const response = await fetch(`${gatewayUrl}/flows/wf-7/start?auth-key=nope&a=1`, {
      method: 'POST',
      headers: { authorization: `Api-Key ${integrator}`, 'x-keyward-key-id': 'spoofed' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: 300_000 });
    const forwarded = seen[0];
    expect(forwarded?.url).toBe('/flows/wf-7/start?a=1');
    expect(forwarded?.headers.authorization).toBeUndefined();
    expect(forwarded?.headers['x-keyward-key-id']).toMatch(/^key_/);
    expect(decodeURIComponent(String(forwarded?.headers['x-keyward-key-name']))).toBe('Integrator Ltd');
    expect(forwarded?.headers['x-keyward-org']).toBe(world.admin.org.id);
    expect(forwarded?.headers['x-keyward-owner']).toBe(world.admin.user.id);
  });

  it('refuses by scope and resource, and passes upstream errors through', async () => {
    seen = [];
    expect(
      (
        await fetch(`${gatewayUrl}/flows/wf-8/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${integrator}` },
        })
      ).status,
    ).toBe(403);
    expect(
      (await fetch(`${gatewayUrl}/exports/all`, { headers: { authorization: `Bearer ${integrator}` } }))
        .status,
    ).toBe(403);
    expect(
      (await fetch(`${gatewayUrl}/exports/all`, { headers: { authorization: `Bearer ${exporter}` } })).status,
    ).toBe(200);
    expect((await fetch(`${gatewayUrl}/exports/all`)).status).toBe(401);
    expect(
      (await fetch(`${gatewayUrl}/elsewhere`, { headers: { authorization: `Bearer ${exporter}` } })).status,
    ).toBe(404);
    const failing = await fetch(`${gatewayUrl}/flows/wf-7/fail`, {
      headers: { authorization: `Bearer ${integrator}` },
    });
    expect(failing.status).toBe(503);
    expect(await failing.text()).toBe('upstream says no');
    expect(seen.map((s) => s.url)).toEqual(['/exports/all', '/flows/wf-7/fail']);
  });
});
