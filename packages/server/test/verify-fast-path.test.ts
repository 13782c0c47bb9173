/**
 * The verify fast path must be the same route as the Fastify one, only faster. Each request
 * below is sent over real HTTP twice: to `/v1/verify`, which the fast path takes, and to
 * `/v1/verify/`, which it leaves to Fastify (the router ignores the trailing slash). Status,
 * headers (but the date) and body must be identical, and the fast path must have taken exactly
 * the requests of the common shape.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('POST /v1/verify fast path', () => {
  let world: TestWorld;
  let base: string;
  let admin: string;
  const REQUEST_ID = 'parity-1';

  beforeAll(async () => {
    world = await createTestWorld({ env: { KEYWARD_BODY_LIMIT: '4096' } });
    admin = world.admin.apiKey;
    base = await world.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => world.close());

  async function send(
    path: string,
    init: { headers?: Record<string, string>; body?: string },
  ): Promise<Sent> {
    const response = await fetch(base + path, {
      method: 'POST',
      headers: { 'x-request-id': REQUEST_ID, ...init.headers },
      body: init.body,
    });
    const headers = Object.fromEntries(response.headers);
    delete headers.date;
    return { status: response.status, headers, body: await response.text() };
  }

  /** Sends the request both ways and returns the (identical) answer. */
  async function bothWays(
    init: { headers?: Record<string, string>; body?: string },
    expectFast: boolean,
  ): Promise<Sent & { json: any }> {
    const before = world.verifyFastPath.taken();
    const fast = await send('/v1/verify', init);
    expect(world.verifyFastPath.taken() - before).toBe(expectFast ? 1 : 0);
    const slow = await send('/v1/verify/', init);
    expect(world.verifyFastPath.taken() - before).toBe(expectFast ? 1 : 0);
    expect(fast).toEqual(slow);
    return { ...fast, json: JSON.parse(fast.body) };
  }

  const json = (key: string, body: unknown, contentType = 'application/json') => ({
    headers: { authorization: `Api-Key ${key}`, 'content-type': contentType },
    body: JSON.stringify(body),
  });

  it('answers verifications exactly as the Fastify route does', async () => {
    const key = await world.createKey({
      name: 'parity',
      scopes: ['export', 'deployment'],
      environment: 'live',
      metadata: { plan: 'pro', nested: { a: [1, 2] } },
    });
    const valid = await bothWays(json(admin, { key: key.key, scopes: ['export'] }), true);
    expect(valid.status).toBe(200);
    expect(valid.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(valid.headers['x-request-id']).toBe(REQUEST_ID);
    expect(valid.json).toMatchObject({
      valid: true,
      code: 'VALID',
      key: { id: key.id, name: 'parity', scopes: ['export', 'deployment'], metadata: { plan: 'pro' } },
    });

    const [keyId, secret] = [key.id.replace(/^key_/, ''), key.key.split('_').at(-1)];
    const cases: [unknown, string][] = [
      [{ key: `${keyId}:${secret}` }, 'VALID'],
      [{ key: key.key, scopes: { anyOf: ['nope', 'deployment'] }, cost: 2 }, 'VALID'],
      [{ key: key.key, scopes: ['admin'] }, 'INSUFFICIENT_SCOPE'],
      [{ key: key.key, environment: 'test' }, 'ENVIRONMENT_MISMATCH'],
      [{ key: `${key.key.slice(0, -8)}AAAAAAAA` }, 'MALFORMED'],
      [{ key: 'kw_live_000000000000_000000000000000000000000000000000000000' }, 'MALFORMED'],
    ];
    for (const [body, code] of cases) {
      const answer = await bothWays(json(admin, body), true);
      expect([answer.status, answer.json.code]).toEqual([200, code]);
    }
  });

  it('shows a key as it is now, the moment it changes', async () => {
    const key = await world.createKey({ name: 'before', scopes: ['export'], metadata: { plan: 'free' } });
    const fast = async (body: unknown) => JSON.parse((await send('/v1/verify', json(admin, body))).body);
    expect(await fast({ key: key.key, scopes: ['export'] })).toMatchObject({ key: { name: 'before' } });
    expect(await fast({ key: key.key, scopes: ['export'] })).toMatchObject({ key: { name: 'before' } });

    const patched = await fetch(`${base}/v1/keys/${key.id}`, {
      method: 'PATCH',
      headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after', metadata: { plan: 'pro' } }),
    });
    expect(patched.status).toBe(200);
    expect(await fast({ key: key.key, scopes: ['export'] })).toMatchObject({
      valid: true,
      key: { name: 'after', metadata: { plan: 'pro' } },
    });
    // Another outcome for the same loaded key is its own answer, not the remembered VALID one.
    expect(await fast({ key: key.key, scopes: ['admin'] })).toMatchObject({
      valid: false,
      code: 'INSUFFICIENT_SCOPE',
      key: { name: 'after' },
    });
  });

  it('reports rate-limit state the same way', async () => {
    const key = await world.createKey({
      name: 'limited',
      scopes: [],
      rateLimit: { limit: 100, windowSeconds: 3600 },
    });
    // Stateful: the three calls spend the same window, alternating between the two paths.
    const answers = [];
    for (const path of ['/v1/verify', '/v1/verify/', '/v1/verify']) {
      answers.push(await send(path, json(admin, { key: key.key })));
    }
    const [first, second, third] = answers.map((answer) => JSON.parse(answer.body));
    expect([first, second, third].map((a) => a.ratelimit.remaining)).toEqual([99, 98, 97]);
    expect(second).toEqual({ ...first, ratelimit: { ...first.ratelimit, remaining: 98 } });
    expect(third).toEqual({ ...first, ratelimit: { ...first.ratelimit, remaining: 97 } });
    expect(answers[0]?.headers).toEqual(answers[1]?.headers);
  });

  it('refuses bad bodies with the same codes and messages, before looking at the caller', async () => {
    const bodies: [string, number, string][] = [
      ['{"key": ', 400, 'MALFORMED_JSON'],
      ['', 400, 'VALIDATION_FAILED'],
      ['[]', 400, 'VALIDATION_FAILED'],
      ['{"key": 1}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "extra": true}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "cost": -1}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "__proto__": {"admin": true}}', 400, 'MALFORMED_JSON'],
      [`{"key": "k", "scopes": ${'['.repeat(40)}${']'.repeat(40)}}`, 400, 'VALIDATION_FAILED'],
      [JSON.stringify({ key: 'k'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const caller of [admin, 'kw_live_000000000000_000000000000000000000000000000000000000']) {
      for (const [body, status, code] of bodies) {
        const answer = await bothWays(
          { headers: { 'x-api-key': caller, 'content-type': 'application/json; charset=utf-8' }, body },
          true,
        );
        expect([answer.status, answer.json.error.code, answer.json.error.requestId]).toEqual([
          status,
          code,
          REQUEST_ID,
        ]);
      }
    }
  });

  it('refuses callers without the right key the same way, and logs them as security events', async () => {
    const reader = await world.createKey({ name: 'reader', scopes: ['keys:read'] });
    const disabled = await world.createKey({ name: 'off', scopes: ['keys:verify'] });
    await world.request({ method: 'POST', url: `/v1/keys/${disabled.id}/disable`, key: admin });
    const body = { key: reader.key };
    const callers: [Record<string, string>, number, string][] = [
      [{ authorization: `Api-Key ${reader.key}` }, 403, 'INSUFFICIENT_SCOPE'],
      [{ authorization: `Bearer ${disabled.key}` }, 401, 'INVALID_CREDENTIAL'],
      [{ authorization: `Key=${admin.slice(0, -3)}abc` }, 401, 'MALFORMED_CREDENTIAL'],
      [
        { 'x-api-key': 'kw_live_000000000000_000000000000000000000000000000000000000' },
        401,
        'MALFORMED_CREDENTIAL',
      ],
    ];
    for (const [headers, status, code] of callers) {
      const answer = await bothWays(
        { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) },
        true,
      );
      expect([answer.status, answer.json.error.code]).toEqual([status, code]);
    }
    const lines = world.logs.filter((line) => line.includes('"auth.failure"') && line.includes(REQUEST_ID));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.join('\n')).not.toContain(disabled.key.split('_').at(-1));
  });

  it('leaves every other shape to the Fastify route', async () => {
    const pair = Buffer.from(`${admin.split('_')[2]}:${admin.split('_')[3]}`).toString('base64');
    const others: [{ headers?: Record<string, string>; body?: string }, number][] = [
      [{ headers: { 'content-type': 'application/json' }, body: '{"key":"k"}' }, 401],
      [
        { headers: { authorization: 'Basic Zm9vOmJhcg==', 'content-type': 'application/json' }, body: '{}' },
        400,
      ],
      [{ headers: { authorization: 'Nonsense x', 'content-type': 'application/json' }, body: '{}' }, 400],
      [{ headers: { authorization: `Api-Key ${admin}`, 'x-api-key': admin }, body: '{}' }, 400],
      [
        { headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/xml' }, body: '{}' },
        415,
      ],
    ];
    for (const [init, status] of others) {
      const answer = await bothWays(init, false);
      expect(answer.status).toBe(status);
    }
    // The Basic keyId:secret form of the caller is a key credential: the fast path takes it.
    const basic = await bothWays(
      {
        headers: { authorization: `Basic ${pair}`, 'content-type': 'application/json' },
        body: '{"key":"x"}',
      },
      true,
    );
    expect(basic.json.code).toBe('MALFORMED');
  });

  it('refuses a caller on a kept-alive connection the moment its key changes', async () => {
    // One socket for every request: the caller's proof is remembered per connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = await world.createKey({ name: 'target', scopes: [] });
    const caller = await world.createKey({ name: 'service', scopes: ['keys:verify'] });
    const post = (key: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
      new Promise<{ status: number; reused: boolean; code: string }>((resolve, reject) => {
        const body = JSON.stringify({ key: target.key });
        const credential = header === 'authorization' ? `Api-Key ${key}` : key;
        const req = httpRequest(`${base}/v1/verify`, {
          method: 'POST',
          agent,
          headers: { [header]: credential, 'content-type': 'application/json' },
        });
        req.on('response', (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => {
            const json = JSON.parse(text);
            resolve({
              status: response.statusCode ?? 0,
              reused: req.reusedSocket,
              code: json.code ?? json.error.code,
            });
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    const admin = (method: string, url: string, body?: unknown) =>
      world.request({ method, url, key: world.admin.apiKey, ...(body ? { body } : {}) });
    try {
      expect(await post(caller.key)).toMatchObject({ status: 200, code: 'VALID' });
      expect(await post(caller.key)).toEqual({ status: 200, reused: true, code: 'VALID' });
      await admin('POST', `/v1/keys/${caller.id}/disable`);
      expect(await post(caller.key)).toEqual({ status: 401, reused: true, code: 'INVALID_CREDENTIAL' });
      await admin('POST', `/v1/keys/${caller.id}/enable`);
      expect(await post(caller.key)).toEqual({ status: 200, reused: true, code: 'VALID' });
      await admin('PATCH', `/v1/keys/${caller.id}`, { scopes: ['keys:read'] });
      expect(await post(caller.key)).toEqual({ status: 403, reused: true, code: 'INSUFFICIENT_SCOPE' });
      await admin('PATCH', `/v1/keys/${caller.id}`, { scopes: ['keys:verify'] });
      expect(await post(caller.key)).toMatchObject({ status: 200, code: 'VALID' });
      // Another caller on the same connection is that caller, in either header.
      const reader = await world.createKey({ name: 'reader', scopes: ['keys:read'] });
      expect(await post(reader.key)).toEqual({ status: 403, reused: true, code: 'INSUFFICIENT_SCOPE' });
      expect(await post(caller.key, 'x-api-key')).toEqual({ status: 200, reused: true, code: 'VALID' });
      expect(await post(reader.key, 'x-api-key')).toEqual({
        status: 403,
        reused: true,
        code: 'INSUFFICIENT_SCOPE',
      });
      expect(await post(caller.key)).toEqual({ status: 200, reused: true, code: 'VALID' });
      // Another credential on the same connection is checked in full.
      const typo = `${caller.key.slice(0, -1)}${caller.key.endsWith('x') ? 'y' : 'x'}`;
      expect(await post(typo)).toMatchObject({ status: 401, code: 'MALFORMED_CREDENTIAL' });
      await admin('DELETE', `/v1/keys/${caller.id}`);
      expect(await post(caller.key)).toMatchObject({ status: 401, code: 'INVALID_CREDENTIAL' });
    } finally {
      agent.destroy();
    }
  });

  it('answers a burst from many connections, and requests pipelined on one, each with its own answer', async () => {
    // Answers are held until Node has read every socket that was ready, then written together
    // (app/response-batch.ts): each must still reach its own request, in order on a connection.
    const keys = await Promise.all([0, 1, 2].map((i) => world.createKey({ name: `burst-${i}`, scopes: [] })));
    const port = Number(new URL(base).port);
    const raw = (id: string, key: string, connection: 'keep-alive' | 'close') => {
      const body = JSON.stringify({ key });
      return (
        `POST /v1/verify HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Key ${admin}\r\n` +
        `Content-Type: application/json\r\nX-Request-Id: ${id}\r\nConnection: ${connection}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
      );
    };
    /** Writes `text` in one go and reads until the server closes: every answer on the connection. */
    const exchange = (text: string, leaveEarly = false) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(text);
          if (leaveEarly) socket.destroy();
        });
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (received += chunk));
        socket.on('close', () => resolve(received));
        socket.on('error', (error) => (leaveEarly ? resolve('') : reject(error)));
      });
    const answersIn = (text: string) =>
      text
        .split(/(?=HTTP\/1\.1 )/)
        .filter(Boolean)
        .map((answer) => ({
          status: Number(answer.slice(9, 12)),
          requestId: /x-request-id: (\S+)/i.exec(answer)?.[1],
          body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)),
        }));

    const taken = world.verifyFastPath.taken();
    const burst = Array.from({ length: 30 }, (_, i) => {
      const key = i % 4 === 3 ? 'kw_live_unknown' : (keys[i % 3] as { key: string }).key;
      // Every fifth connection pipelines a second request behind the first.
      const text =
        i % 5 === 0
          ? raw(`burst-${i}-a`, key, 'keep-alive') + raw(`burst-${i}-b`, 'kw_live_unknown', 'close')
          : raw(`burst-${i}`, key, 'close');
      return exchange(text);
    });
    // Clients that leave before their answer is written disturb nobody.
    const leavers = Array.from({ length: 5 }, (_, i) =>
      exchange(raw(`gone-${i}`, 'kw_live_x', 'close'), true),
    );
    const answers = (await Promise.all(burst)).map(answersIn);
    await Promise.all(leavers);

    answers.forEach((onConnection, i) => {
      const expectedFirst =
        i % 4 === 3
          ? { code: 'MALFORMED', valid: false }
          : { code: 'VALID', valid: true, key: { id: (keys[i % 3] as { id: string }).id } };
      const first = { status: 200, requestId: i % 5 === 0 ? `burst-${i}-a` : `burst-${i}` };
      expect(onConnection[0]).toMatchObject({ ...first, body: expectedFirst });
      if (i % 5 === 0) {
        expect(onConnection).toHaveLength(2);
        expect(onConnection[1]).toMatchObject({
          status: 200,
          requestId: `burst-${i}-b`,
          body: { code: 'MALFORMED' },
        });
      } else {
        expect(onConnection).toHaveLength(1);
      }
    });
    expect(world.verifyFastPath.taken() - taken).toBeGreaterThanOrEqual(36);
    // A leaver's request may still be read after its socket is gone; let those settle so the
    // next test counts only its own requests.
    let settled = world.verifyFastPath.taken();
    for (let quiet = 0; quiet < 4; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = world.verifyFastPath.taken();
      quiet = now === settled ? quiet + 1 : 0;
      settled = now;
    }
    // And the server answers the next caller as usual.
    const after = await send('/v1/verify', json(admin, { key: (keys[0] as { key: string }).key }));
    expect(after.status).toBe(200);
  });

  it('counts fast-path answers in the request metrics', async () => {
    const counted = async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const prefix = 'keyward_http_requests_total{route="/v1/verify",method="POST",status="200"}';
      const line = metrics.split('\n').find((l) => l.startsWith(prefix));
      return Number(line?.slice(prefix.length));
    };
    const before = await counted();
    const taken = world.verifyFastPath.taken();
    for (let i = 0; i < 3; i++) await send('/v1/verify', json(admin, { key: 'nope' }));
    expect(world.verifyFastPath.taken()).toBe(taken + 3);
    expect(await counted()).toBe(before + 3);
  });
});
