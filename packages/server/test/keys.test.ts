import { readFileSync } from 'node:fs';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(testDialects())('%s: key lifecycle over HTTP', (dialect) => {
  let world: TestWorld;
  let admin: string;

  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    admin = world.admin.apiKey;
  });
  afterAll(async () => world?.close());

  const verify = (key: string, extra: Record<string, unknown> = {}) => world.verify({ key, ...extra });

  it('creates a key and shows the full key only in the 201', async () => {
    // A key for another environment than the admin key's is made by a signed-in admin.
    const session = await world.signIn('owner@acme.test', 'correct horse battery staple');
    const created = await world.request({
      method: 'POST',
      url: '/v1/keys',
      session,
      body: {
        name: 'Deploy bot',
        scopes: ['deployment', 'export'],
        environment: 'test',
        metadata: { team: 'ops' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^kw_test_[0-9a-z]{12}_[0-9A-Za-z]{39}$/);
    expect(created.body.id).toBe(`key_${created.body.key.split('_')[2]}`);
    expect(created.body.scopes).toEqual(['deployment', 'export']);
    expect(created.body.status).toBe('active');

    const read = await world.request({ url: `/v1/keys/${created.body.id}`, key: admin });
    expect(read.status).toBe(200);
    expect(read.body.key).toBeUndefined();
    const secret = created.body.key.split('_')[3].slice(0, 33);
    expect(read.text).not.toContain(secret);
    expect(read.body.secrets.map((s: { slot: string }) => s.slot).sort()).toEqual(['primary', 'secondary']);
    expect(JSON.stringify(read.body)).not.toMatch(/digest|[0-9a-f]{64}/);
  });

  it('verifies a key through every outcome code in order', async () => {
    const key = await world.createKey({ name: 'checker', scopes: ['process:start'], environment: 'live' });
    expect((await verify(key.key)).body).toMatchObject({
      valid: true,
      code: 'VALID',
      key: { id: key.id, name: 'checker' },
    });
    expect((await verify(key.key, { scopes: ['export'] })).body.code).toBe('INSUFFICIENT_SCOPE');
    expect((await verify(key.key, { environment: 'test' })).body.code).toBe('ENVIRONMENT_MISMATCH');

    const typo = key.key.slice(0, -3) + (key.key.at(-3) === 'a' ? 'b' : 'a') + key.key.slice(-2);
    expect((await verify(typo)).body).toEqual({ valid: false, code: 'MALFORMED' });
    const unknown = await world.createKey({ name: 'tmp', scopes: [] });
    await world.request({ method: 'DELETE', url: `/v1/keys/${unknown.id}`, key: admin });
    expect((await verify(unknown.key)).body).toEqual({ valid: false, code: 'NOT_FOUND' });

    await world.request({ method: 'POST', url: `/v1/keys/${key.id}/disable`, key: admin });
    expect((await verify(key.key)).body.code).toBe('DISABLED');
    await world.request({ method: 'POST', url: `/v1/keys/${key.id}/enable`, key: admin });
    expect((await verify(key.key)).body.code).toBe('VALID');
  });

  it('returns EXPIRED once expiresAt has passed, and RESOURCE_FORBIDDEN outside the resource list', async () => {
    await world.request({
      method: 'PUT',
      url: '/v1/resources/wf-1',
      key: admin,
      body: { name: 'Invoice flow', exposed: true },
    });
    await world.request({
      method: 'PUT',
      url: '/v1/resources/wf-2',
      key: admin,
      body: { name: 'Payroll', exposed: true },
    });
    const key = await world.createKey({
      name: 'short',
      scopes: ['process:start'],
      resources: ['wf-1'],
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await verify(key.key, { resource: 'wf-1' })).body.code).toBe('VALID');
    expect((await verify(key.key, { resource: 'wf-2' })).body.code).toBe('RESOURCE_FORBIDDEN');
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await verify(key.key, { resource: 'wf-2' })).body.code).toBe('EXPIRED');
  });

  it('regenerates a slot and keeps the old secret valid for the grace period only', async () => {
    const key = await world.createKey({ name: 'rotating', scopes: [] });
    const noGrace = await world.request({
      method: 'POST',
      url: `/v1/keys/${key.id}/regenerate`,
      key: admin,
      body: { slot: 'primary' },
    });
    expect(noGrace.status).toBe(200);
    expect(noGrace.body.key).not.toBe(key.key);
    expect((await verify(key.key)).body.code).toBe('NOT_FOUND');
    expect((await verify(noGrace.body.key)).body.code).toBe('VALID');

    const withGrace = await world.request({
      method: 'POST',
      url: `/v1/keys/${key.id}/regenerate`,
      key: admin,
      body: { slot: 'primary', graceSeconds: 3600 },
    });
    expect((await verify(noGrace.body.key)).body.code).toBe('VALID');
    expect((await verify(withGrace.body.key)).body.code).toBe('VALID');
    const secondary = await world.request({
      method: 'POST',
      url: `/v1/keys/${key.id}/regenerate`,
      key: admin,
      body: { slot: 'secondary' },
    });
    expect((await verify(secondary.body.key)).body.code).toBe('VALID');
  });

  it('updates a key and refuses to change a revoked one', async () => {
    const key = await world.createKey({ name: 'editable', scopes: ['export'] });
    const patched = await world.request({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      key: admin,
      body: { name: 'edited', scopes: ['dedupe:check'], rateLimit: { limit: 5, windowSeconds: 1 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'edited',
      scopes: ['dedupe:check'],
      rateLimit: { limit: 5, windowSeconds: 1 },
    });
    expect((await verify(key.key, { scopes: ['dedupe:check'] })).body.code).toBe('VALID');
    const revoked = await world.request({ method: 'DELETE', url: `/v1/keys/${key.id}`, key: admin });
    expect(revoked.body.status).toBe('revoked');
    const again = await world.request({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      key: admin,
      body: { name: 'x' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('KEY_REVOKED');
  });

  it('lists keys in cursor pages with filters', async () => {
    const session = await world.signIn('owner@acme.test', 'correct horse battery staple');
    for (let i = 0; i < 5; i++)
      await world.createKey({ name: `page-${i}`, scopes: [], environment: 'test' }, session);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '2', environment: 'test', search: 'page-' });
      if (cursor) query.set('cursor', cursor);
      const page = await world.request({ url: `/v1/keys?${query}`, key: admin });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((k: { name: string }) => k.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
    // `%` and `_` in a search are text, not wildcards.
    for (const name of ['50% off', '50 off', 'a_b', 'axb']) await world.createKey({ name, scopes: [] });
    const names = async (search: string) =>
      (
        await world.request({ url: `/v1/keys?${new URLSearchParams({ search })}`, key: admin })
      ).body.items.map((k: { name: string }) => k.name);
    expect(await names('50%')).toEqual(['50% off']);
    expect(await names('a_b')).toEqual(['a_b']);
    const revoked = await world.request({ url: '/v1/keys?status=revoked', key: admin });
    expect(revoked.body.items.every((k: { status: string }) => k.status === 'revoked')).toBe(true);
    expect(revoked.body.items.length).toBeGreaterThan(0);
  });

  it('keeps every key across a restart', async () => {
    const key = await world.createKey({ name: 'durable', scopes: ['export'] });
    await world.restart();
    expect((await verify(key.key, { scopes: ['export'] })).body.code).toBe('VALID');
    const list = await world.request({ url: '/v1/keys?search=durable', key: admin });
    expect(list.body.items[0].id).toBe(key.id);
  });

  it('writes an audit event for every change, without secrets', async () => {
    const key = await world.createKey({ name: 'audited', scopes: [] });
    await world.request({ method: 'POST', url: `/v1/keys/${key.id}/disable`, key: admin });
    const rows = await world.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', key.id)
      .orderBy('at')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['key.create', 'key.disable']);
    expect(rows[0]?.actor_id).toBe(world.admin.keyId);
    const secret = key.key.split('_')[3];
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(secret.slice(0, 33));
  });

  it('masks a key pasted into any audited text, whole or as its Basic pair', async () => {
    const pasted = world.admin.apiKey;
    const [, , keyId, tail] = pasted.split('_') as [string, string, string, string];
    const key = await world.createKey({
      name: `copy of ${pasted} (do not share)`,
      scopes: [],
      metadata: { note: `basic auth is ${keyId}:${tail}, token=${pasted}`, nested: [{ deep: `x${pasted}` }] },
    });
    await world.request({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      key: admin,
      body: { name: `again ${pasted.slice(0, -1)}Q` },
    });
    const rows = await world.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', key.id)
      .execute();
    const text = JSON.stringify(rows);
    expect(rows).toHaveLength(2);
    expect(text).not.toContain(tail.slice(0, 20));
    expect(text).toContain(`${keyId}_[REDACTED]`);
    expect(text).toContain(`${keyId}:[REDACTED]`);
  });
});

describe.each(testDialects())('%s: bad input gets a stable error', (dialect) => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld({ dialect });
  });
  afterAll(async () => world?.close());

  it('refuses a control character anywhere, before any query, alike on every dialect', async () => {
    const admin = world.admin.apiKey;
    const nul = 'bad\u0000value';
    const created = await world.createKey({ name: 'target', scopes: [] });
    const before = await world.store.db.selectFrom('audit_events').select('id').execute();
    for (const [method, url, body, field] of [
      ['POST', '/v1/keys', { name: nul, scopes: [] }, 'name'],
      ['POST', '/v1/keys', { name: 'x', scopes: [], metadata: { note: nul } }, 'metadata.note'],
      ['POST', '/v1/keys', { name: 'x', scopes: [], metadata: { [nul]: 1 } }, `metadata.${nul}`],
      ['PATCH', `/v1/keys/${created.id}`, { name: `x\u001f` }, 'name'],
      ['PUT', '/v1/resources/wf-nul', { name: nul, exposed: true }, 'name'],
      ['POST', '/v1/users', { email: 'nul@acme.test', name: nul }, 'name'],
      ['GET', '/v1/keys?search=a%00b', undefined, 'search'],
      ['GET', '/v1/users?search=%7F', undefined, 'search'],
      ['GET', '/v1/audit?action=key%00', undefined, 'action'],
      ['GET', '/v1/keys/key_%00', undefined, 'id'],
      ['POST', '/v1/auth/login', { email: `a${nul}@b.test`, password: 'whatever it is' }, 'email'],
      ['POST', '/v1/verify', { key: 'kw_live_\u0000' }, 'key'],
    ] as const) {
      // Over a real socket, the way POST /v1/verify is answered in production.
      const answer = await world.http({
        method,
        url,
        key: url === '/v1/auth/login' ? undefined : admin,
        body,
      });
      expect(answer.status, `${method} ${url}`).toBe(400);
      expect(answer.body.error, `${method} ${url}`).toMatchObject({
        code: 'INVALID_CHARACTERS',
        details: { field },
      });
    }
    // Tabs and new lines are text, not control: a description may hold them.
    const multiline = await world.createKey({
      name: 'two\tcolumns',
      scopes: [],
      metadata: { note: 'a\nb\r\n' },
    });
    expect(multiline.metadata.note).toBe('a\nb\r\n');
    const after = await world.store.db.selectFrom('audit_events').select('id').execute();
    expect(after.length).toBe(before.length + 1);
  });

  const post = (body: unknown, rawBody?: string) =>
    world.request({ method: 'POST', url: '/v1/keys', key: world.admin.apiKey, body, rawBody });

  it.each([
    ['broken JSON', undefined, '{"name":', 400, 'MALFORMED_JSON'],
    ['an unknown field', { name: 'x', scopes: [], colour: 'red' }, undefined, 400, 'VALIDATION_FAILED'],
    ['a missing name', { scopes: [] }, undefined, 400, 'VALIDATION_FAILED'],
    ['an unknown scope', { name: 'x', scopes: ['nope:nope'] }, undefined, 400, 'UNKNOWN_SCOPE'],
    [
      'an unknown environment',
      { name: 'x', scopes: [], environment: 'mars' },
      undefined,
      400,
      'UNKNOWN_ENVIRONMENT',
    ],
    [
      'an expiry in the past',
      { name: 'x', scopes: [], expiresAt: '2001-01-01T00:00:00Z' },
      undefined,
      400,
      'EXPIRY_IN_PAST',
    ],
    [
      'an unknown resource',
      { name: 'x', scopes: [], resources: ['ghost'] },
      undefined,
      400,
      'UNKNOWN_RESOURCE',
    ],
    [
      'a bad CIDR',
      { name: 'x', scopes: [], ipAllowlist: ['10.0.0.0/99'] },
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
  ])('answers %s with a stable code and writes nothing', async (_label, body, raw, status, code) => {
    const before = await world.store.db.selectFrom('api_keys').select('id').execute();
    const response = await post(body, raw as string | undefined);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code, requestId: expect.any(String) });
    const after = await world.store.db.selectFrom('api_keys').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('answers an oversize body with 413', async () => {
    const response = await post({ name: 'x', scopes: [], metadata: { blob: 'x'.repeat(200_000) } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown id with 404 and a bad cursor with 400', async () => {
    const missing = await world.request({ url: '/v1/keys/key_000000000000', key: world.admin.apiKey });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const cursor = await world.request({ url: '/v1/keys?cursor=garbage', key: world.admin.apiKey });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('INVALID_CURSOR');
  });

  it.each([
    ['no credential', {}, 401, 'UNAUTHENTICATED'],
    ['an unknown scheme', { authorization: 'Digest abc' }, 401, 'MALFORMED_CREDENTIAL'],
    ['a bare scheme', { authorization: 'Bearer' }, 401, 'MALFORMED_CREDENTIAL'],
    ['broken basic', { authorization: 'Basic !!!' }, 401, 'MALFORMED_CREDENTIAL'],
    [
      'a made-up key',
      { authorization: 'Bearer kw_live_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
      401,
      'MALFORMED_CREDENTIAL',
    ],
    ['two credentials', { authorization: 'Bearer a', 'x-api-key': 'b' }, 400, 'DUPLICATE_CREDENTIALS'],
  ])('answers %s with 4xx and a stable code, never 500', async (_label, headers, status, code) => {
    const response = await world.request({ url: '/v1/keys', headers: headers as Record<string, string> });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});

describe.each(testDialects())('%s: credentials and scopes', (dialect) => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld({ dialect, env: { KEYWARD_ALLOW_QUERY_KEY: 'true' } });
  });
  afterAll(async () => world?.close());

  it('accepts the admin key through every transport', async () => {
    const key = world.admin.apiKey;
    const [, , id, tail] = key.split('_') as [string, string, string, string];
    const transports: Record<string, string>[] = [
      { authorization: `Api-Key ${key}` },
      { authorization: `api-key ${key}` },
      { authorization: `Key=${key}` },
      { authorization: `Bearer ${key}` },
      { authorization: `BEARER ${key}` },
      { authorization: `Basic ${Buffer.from(`${id}:${tail}`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`key_${id}:${tail}`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
      { 'x-api-key': key },
    ];
    for (const headers of transports) {
      const response = await world.request({ url: '/v1/keys?limit=1', headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    const query = await world.request({ url: `/v1/keys?limit=1&auth-key=${key}` });
    expect(query.status).toBe(200);
    expect(String(query.headers.warning)).toContain('auth-key');
    const both = await world.request({ url: `/v1/keys?auth-key=${key}`, headers: { 'x-api-key': key } });
    expect(both.status).toBe(400);
  });

  it('answers 403 to a key that lacks the route scope', async () => {
    const reader = await world.createKey({ name: 'reader', scopes: ['keys:read'] });
    expect((await world.request({ url: '/v1/keys', key: reader.key })).status).toBe(200);
    const write = await world.request({
      method: 'POST',
      url: '/v1/keys',
      key: reader.key,
      body: { name: 'x', scopes: [] },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('INSUFFICIENT_SCOPE');
    const verifyCall = await world.verify({ key: reader.key }, { key: reader.key });
    expect(verifyCall.status).toBe(403);
  });

  it('never logs a secret', async () => {
    const key = await world.createKey({ name: 'logged?', scopes: [] });
    await world.request({ url: `/v1/keys?auth-key=${key.key}` });
    await world.request({ url: '/v1/keys', headers: { authorization: `Bearer ${key.key}x` } });
    const secret = key.key.split('_')[3].slice(0, 33);
    const all = world.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).toContain('[REDACTED]');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(world.admin.apiKey.split('_')[3]);
  });
});

describe('sqlite: the database alone holds no secret', () => {
  it('stores only peppered digests that cannot be confirmed without the pepper', async () => {
    const world = await createTestWorld({ dialect: 'sqlite' });
    try {
      const key = await world.createKey({ name: 'hidden', scopes: [] });
      const secret: string = key.key.split('_')[3].slice(0, 33);
      await world.store.close();
      const file = readFileSync(
        world.database.storage.driver === 'sqlite' ? world.database.storage.path : '',
      );
      const wal = (() => {
        try {
          return readFileSync(
            `${world.database.storage.driver === 'sqlite' ? world.database.storage.path : ''}-wal`,
          );
        } catch {
          return Buffer.alloc(0);
        }
      })();
      const everything = Buffer.concat([file, wal]).toString('latin1');
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(key.key);
      const { createHash } = await import('node:crypto');
      // Without the pepper, neither a plain hash of the secret nor of the key is stored.
      expect(everything).not.toContain(createHash('sha256').update(secret).digest('hex'));
      expect(everything).not.toContain(createHash('sha256').update(key.key).digest('hex'));
    } finally {
      await world.database.drop();
    }
  });
});

describe('sqlite: bodies are validated strictly, query strings are coerced', () => {
  it('refuses a number where a string is expected instead of converting it', async () => {
    const world = await createTestWorld({ dialect: 'sqlite' });
    try {
      const verify = await world.verify({ key: 1 });
      expect(verify.status).toBe(400);
      expect(verify.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'key' } });
      const create = await world.request({
        method: 'POST',
        url: '/v1/keys',
        key: world.admin.apiKey,
        body: { name: 'x', scopes: [], quota: { remaining: '5' } },
      });
      expect(create.status).toBe(400);
      const list = await world.request({ url: '/v1/keys?limit=2', key: world.admin.apiKey });
      expect(list.status).toBe(200);
      const badLimit = await world.request({ url: '/v1/keys?limit=many', key: world.admin.apiKey });
      expect(badLimit.status).toBe(400);
    } finally {
      await world.close();
    }
  });
});
