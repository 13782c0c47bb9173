/**
 * `POST /v1/verify` over real sockets, as the platform's services call it: every request below
 * reaches the verify handler the way production requests do (the server hands it the route
 * before Fastify), on kept-alive connections unless a test opens its own.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UNKNOWN = 'kw_live_000000000000_000000000000000000000000000000000000000';

describe('POST /v1/verify', () => {
  let world: TestWorld;
  let admin: string;
  let base: string;
  const REQUEST_ID = 'verify-1';

  beforeAll(async () => {
    world = await createTestWorld({ env: { KEYWARD_BODY_LIMIT: '4096', KEYWARD_ALLOW_QUERY_KEY: 'true' } });
    admin = world.admin.apiKey;
    base = await world.listen();
  });
  afterAll(() => world.close());

  /** Sends a raw request (headers as given, the body as text) and reads the whole answer. */
  async function send(init: { headers?: Record<string, string>; body?: string; path?: string }) {
    const response = await world.http({
      method: 'POST',
      url: init.path ?? '/v1/verify',
      headers: { 'x-request-id': REQUEST_ID, ...init.headers },
      rawBody: init.body,
    });
    return { ...response, json: response.body };
  }

  const json = (key: string, body: unknown, contentType = 'application/json') => ({
    headers: { authorization: `Api-Key ${key}`, 'content-type': contentType },
    body: JSON.stringify(body),
  });

  it('answers every outcome with a 200, the request id and the key shown as it is', async () => {
    const key = await world.createKey({
      name: 'shown',
      scopes: ['export', 'deployment'],
      environment: 'live',
      metadata: { plan: 'pro', nested: { a: [1, 2] } },
    });
    const valid = await send(json(admin, { key: key.key, scopes: ['export'] }));
    expect(valid.status).toBe(200);
    expect(valid.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(valid.headers['x-request-id']).toBe(REQUEST_ID);
    expect(valid.json).toEqual({
      valid: true,
      code: 'VALID',
      key: {
        id: key.id,
        name: 'shown',
        orgId: world.admin.org.id,
        ownerId: world.admin.user.id,
        environment: 'live',
        scopes: ['export', 'deployment'],
        metadata: { plan: 'pro', nested: { a: [1, 2] } },
      },
    });

    const [keyId, secret] = [key.id.replace(/^key_/, ''), key.key.split('_').at(-1)];
    const cases: [unknown, string][] = [
      [{ key: `${keyId}:${secret}` }, 'VALID'],
      [{ key: key.key, scopes: { anyOf: ['nope', 'deployment'] }, cost: 2 }, 'VALID'],
      [{ key: key.key, scopes: ['admin'] }, 'INSUFFICIENT_SCOPE'],
      [{ key: key.key, environment: 'test' }, 'ENVIRONMENT_MISMATCH'],
      [{ key: `${key.key.slice(0, -8)}AAAAAAAA` }, 'MALFORMED'],
      [{ key: UNKNOWN }, 'MALFORMED'],
    ];
    for (const [body, code] of cases) {
      const answer = await send(json(admin, body));
      expect([answer.status, answer.json.code], JSON.stringify(body)).toEqual([200, code]);
    }
  });

  it('gives app.inject the same answers as the socket', async () => {
    const key = await world.createKey({ name: 'both', scopes: ['export'] });
    for (const body of [{ key: key.key }, { key: key.key, scopes: ['admin'] }, { key: 1 }]) {
      const request = {
        method: 'POST',
        url: '/v1/verify',
        key: admin,
        headers: { 'x-request-id': 'same' },
        body,
      };
      const [socket, injected] = [await world.http(request), await world.request(request)];
      expect(injected.status).toBe(socket.status);
      expect(injected.text).toBe(socket.text);
      expect(injected.headers['x-request-id']).toBe('same');
    }
  });

  it('shows a key as it is now, the moment it changes', async () => {
    const key = await world.createKey({ name: 'before', scopes: ['export'], metadata: { plan: 'free' } });
    const verify = async (body: unknown) => (await send(json(admin, body))).json;
    expect(await verify({ key: key.key, scopes: ['export'] })).toMatchObject({ key: { name: 'before' } });
    expect(await verify({ key: key.key, scopes: ['export'] })).toMatchObject({ key: { name: 'before' } });
    const patched = await world.http({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      key: admin,
      body: { name: 'after', metadata: { plan: 'pro' } },
    });
    expect(patched.status).toBe(200);
    expect(await verify({ key: key.key, scopes: ['export'] })).toMatchObject({
      valid: true,
      key: { name: 'after', metadata: { plan: 'pro' } },
    });
    // Another outcome for the same loaded key is its own answer, not the remembered VALID one.
    expect(await verify({ key: key.key, scopes: ['admin'] })).toMatchObject({
      valid: false,
      code: 'INSUFFICIENT_SCOPE',
      key: { name: 'after' },
    });
  });

  it('reports the rate-limit state of each call', async () => {
    const key = await world.createKey({
      name: 'limited',
      scopes: [],
      rateLimit: { limit: 100, windowSeconds: 3600 },
    });
    const answers = [];
    for (const path of ['/v1/verify', '/v1/verify/', '/v1/verify?x=1']) {
      answers.push((await send({ ...json(admin, { key: key.key }), path })).json);
    }
    expect(answers.map((a) => a.ratelimit.remaining)).toEqual([99, 98, 97]);
    expect(answers[1]).toEqual({ ...answers[0], ratelimit: { ...answers[0].ratelimit, remaining: 98 } });
  });

  it('refuses bad bodies with stable codes, before looking at the caller', async () => {
    const bodies: [string, number, string][] = [
      ['{"key": ', 400, 'MALFORMED_JSON'],
      ['', 400, 'VALIDATION_FAILED'],
      ['[]', 400, 'VALIDATION_FAILED'],
      ['{"key": 1}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "extra": true}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "cost": -1}', 400, 'VALIDATION_FAILED'],
      ['{"key": "k", "__proto__": {"admin": true}}', 400, 'MALFORMED_JSON'],
      [`{"key": "k", "scopes": ${'['.repeat(40)}${']'.repeat(40)}}`, 400, 'VALIDATION_FAILED'],
      ['{"key": "k\\u0000"}', 400, 'INVALID_CHARACTERS'],
      [JSON.stringify({ key: 'k'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const caller of [admin, UNKNOWN]) {
      for (const [body, status, code] of bodies) {
        const answer = await send({
          headers: { 'x-api-key': caller, 'content-type': 'application/json; charset=utf-8' },
          body,
        });
        expect([answer.status, answer.json.error.code, answer.json.error.requestId], body).toEqual([
          status,
          code,
          REQUEST_ID,
        ]);
      }
    }
    const field = await send(json(admin, { key: 1 }));
    expect(field.json.error).toMatchObject({ details: { field: 'key' } });
  });

  it('refuses callers without the right credential, and logs them as security events', async () => {
    const reader = await world.createKey({ name: 'reader', scopes: ['keys:read'] });
    const disabled = await world.createKey({ name: 'off', scopes: ['keys:verify'] });
    await world.http({ method: 'POST', url: `/v1/keys/${disabled.id}/disable`, key: admin });
    const body = JSON.stringify({ key: reader.key });
    const callers: [Record<string, string>, number, string][] = [
      [{ authorization: `Api-Key ${reader.key}` }, 403, 'INSUFFICIENT_SCOPE'],
      [{ authorization: `Bearer ${disabled.key}` }, 401, 'INVALID_CREDENTIAL'],
      [{ authorization: `Key=${admin.slice(0, -3)}abc` }, 401, 'MALFORMED_CREDENTIAL'],
      [{ 'x-api-key': UNKNOWN }, 401, 'MALFORMED_CREDENTIAL'],
      [{}, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Basic Zm9vOmJhcg==' }, 401, 'MALFORMED_CREDENTIAL'],
      [{ authorization: 'Basic b3duZXJAYWNtZS50ZXN0OnB3' }, 401, 'INVALID_CREDENTIAL'],
      [{ authorization: 'Nonsense x' }, 401, 'MALFORMED_CREDENTIAL'],
      [{ authorization: `Api-Key ${admin}`, 'x-api-key': admin }, 400, 'DUPLICATE_CREDENTIALS'],
    ];
    for (const [headers, status, code] of callers) {
      const answer = await send({ headers: { ...headers, 'content-type': 'application/json' }, body });
      expect([answer.status, answer.json.error.code], JSON.stringify(headers)).toEqual([status, code]);
      // Every 401 names the schemes (RFC 7235 §3.1); a bad credential is RFC 6750's invalid_token.
      const challenge = String(answer.headers['www-authenticate'] ?? '');
      if (status === 401) {
        expect(challenge).toMatch(/^Api-Key realm="keyward", Bearer realm="keyward"/);
        expect(challenge.includes('error="invalid_token"')).toBe(code !== 'UNAUTHENTICATED');
      } else expect(challenge).toBe('');
    }
    const lines = world.logs.filter((line) => line.includes('"auth.failure"') && line.includes(REQUEST_ID));
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(lines.join('\n')).not.toContain(disabled.key.split('_').at(-1));
  });

  it('takes any credential the admin API takes: a session, the query string, HTTP Basic', async () => {
    const target = await world.createKey({ name: 'target', scopes: [] });
    const session = await world.signIn('owner@acme.test', 'correct horse battery staple');
    const bySession = await world.http({
      method: 'POST',
      url: '/v1/verify',
      session,
      body: { key: target.key },
    });
    expect(bySession.body).toMatchObject({ valid: true, code: 'VALID' });
    const noCsrf = await world.http({
      method: 'POST',
      url: '/v1/verify',
      headers: { cookie: session.cookie },
      body: { key: target.key },
    });
    expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, 'CSRF_FAILED']);

    const query = await world.http({
      method: 'POST',
      url: `/v1/verify?auth-key=${admin}`,
      body: { key: target.key },
    });
    expect(query.body.code).toBe('VALID');
    expect(String(query.headers.warning)).toContain('auth-key');
    const both = await world.http({
      method: 'POST',
      url: `/v1/verify?auth-key=${admin}`,
      key: admin,
      body: { key: target.key },
    });
    expect([both.status, both.body.error.code]).toEqual([400, 'DUPLICATE_CREDENTIALS']);

    const pair = Buffer.from(`${admin.split('_')[2]}:${admin.split('_')[3]}`).toString('base64');
    const basic = await world.verify({ key: target.key }, { headers: { authorization: `Basic ${pair}` } });
    expect(basic.body.code).toBe('VALID');
    const xml = await send({
      headers: { authorization: `Api-Key ${admin}`, 'content-type': 'application/xml' },
      body: '{}',
    });
    expect([xml.status, xml.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('refuses a caller on a kept-alive connection the moment its key changes', async () => {
    // One socket for every request: the caller's proof is remembered per connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = await world.createKey({ name: 'target', scopes: [] });
    const caller = await world.createKey({ name: 'service', scopes: ['keys:verify'] });
    const post = (key: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
      new Promise<{ status: number; reused: boolean; code: string }>((resolve, reject) => {
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
            const body = JSON.parse(text);
            resolve({
              status: response.statusCode ?? 0,
              reused: req.reusedSocket,
              code: body.code ?? body.error.code,
            });
          });
        });
        req.on('error', reject);
        req.end(JSON.stringify({ key: target.key }));
      });
    const change = (method: string, url: string, body?: unknown) =>
      world.http({ method, url, key: admin, ...(body ? { body } : {}) });
    try {
      expect(await post(caller.key)).toMatchObject({ status: 200, code: 'VALID' });
      expect(await post(caller.key)).toEqual({ status: 200, reused: true, code: 'VALID' });
      await change('POST', `/v1/keys/${caller.id}/disable`);
      expect(await post(caller.key)).toEqual({ status: 401, reused: true, code: 'INVALID_CREDENTIAL' });
      await change('POST', `/v1/keys/${caller.id}/enable`);
      expect(await post(caller.key)).toEqual({ status: 200, reused: true, code: 'VALID' });
      await change('PATCH', `/v1/keys/${caller.id}`, { scopes: ['keys:read'] });
      expect(await post(caller.key)).toEqual({ status: 403, reused: true, code: 'INSUFFICIENT_SCOPE' });
      await change('PATCH', `/v1/keys/${caller.id}`, { scopes: ['keys:verify'] });
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
      await change('DELETE', `/v1/keys/${caller.id}`);
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
    // And the server answers the next caller as usual.
    expect((await world.verify({ key: (keys[0] as { key: string }).key })).status).toBe(200);
  });

  it('counts its answers in the request metrics', async () => {
    const counted = async () => {
      const metrics = (await world.http({ url: '/metrics' })).text;
      const prefix = 'keyward_http_requests_total{route="/v1/verify",method="POST",status="200"}';
      const line = metrics.split('\n').find((l) => l.startsWith(prefix));
      return Number(line?.slice(prefix.length));
    };
    // A leaver of the burst above may still be read and answered (to nobody) just after it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await counted();
    for (let i = 0; i < 3; i++) await world.verify({ key: 'nope' });
    expect(await counted()).toBe(before + 3);
  });
});
