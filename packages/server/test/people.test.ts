import { createTestWorld, type TestSession, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'a long and fine passphrase';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function cookieOf(response: { headers: Record<string, unknown> }): string {
  const raw = response.headers['set-cookie'];
  const first = (Array.isArray(raw) ? raw[0] : raw) as string;
  return first.split(';')[0] as string;
}

describe.each(testDialects())('%s: people, sessions and rights', (dialect) => {
  let world: TestWorld;
  let admin: string;
  /** The owner signed in: passwords and re-enabling are given in person, not by a key. */
  let owner: TestSession;

  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    admin = world.admin.apiKey;
    owner = await world.signIn('owner@acme.test', 'correct horse battery staple');
  });
  afterAll(async () => world?.close());

  const createUser = async (body: Record<string, unknown>, key?: string) => {
    const response = await world.request({
      method: 'POST',
      url: '/v1/users',
      ...(key ? { key } : { session: owner }),
      body,
    });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const login = (email: string, password: string) =>
    world.request({ method: 'POST', url: '/v1/auth/login', body: { email, password } });

  it('signs in with a secure session cookie and protects state changes with a CSRF token', async () => {
    const response = await login('owner@acme.test', 'correct horse battery staple');
    expect(response.status).toBe(200);
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/kw_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(response.body).toMatchObject({
      user: { email: 'owner@acme.test', role: 'owner' },
      csrfToken: expect.any(String),
    });
    const cookie = cookieOf(response);

    const me = await world.request({ url: '/v1/auth/me', headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(response.body.csrfToken);

    const noCsrf = await world.request({
      method: 'POST',
      url: '/v1/keys',
      headers: { cookie },
      body: { name: 'x', scopes: [] },
    });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
    const withCsrf = await world.request({
      method: 'POST',
      url: '/v1/keys',
      headers: { cookie, 'x-csrf-token': response.body.csrfToken },
      body: { name: 'from the UI', scopes: [] },
    });
    expect(withCsrf.status).toBe(201);
    expect(withCsrf.body.createdBy).toMatchObject({ type: 'user', name: 'owner@acme.test' });

    // Signing out is a change too: another site cannot sign the user out without the token.
    const forged = await world.request({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_FAILED');
    expect((await world.request({ url: '/v1/auth/me', headers: { cookie } })).status).toBe(200);
    const logout = await world.request({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': response.body.csrfToken },
    });
    expect(logout.status).toBe(204);
    expect((await world.request({ url: '/v1/auth/me', headers: { cookie } })).status).toBe(401);
    // Without a live session there is nothing to protect: the cookie is cleared all the same.
    expect(
      (await world.request({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } })).status,
    ).toBe(204);
  });

  it('answers a wrong password and an unknown email alike, and throttles repeated failures', async () => {
    await createUser({ email: 'victim@acme.test', name: 'Victim', role: 'member', password: PASSWORD });
    const wrong = await login('victim@acme.test', 'not the password at all');
    const unknown = await login('nobody@acme.test', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    for (let i = 0; i < 4; i++) await login('victim@acme.test', 'still wrong, again');
    const locked = await login('victim@acme.test', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const failures = await world.store.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'auth.login_failed')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(6);
  });

  it('creates service users with plus-addressing, refuses duplicates and weak passwords, and lets them sign in', async () => {
    const service = await createUser({
      email: 'service-x+ops@customer.com',
      name: 'CRM sync',
      kind: 'service',
      role: 'member',
      password: PASSWORD,
    });
    expect(service).toMatchObject({ kind: 'service', role: 'member', email: 'service-x+ops@customer.com' });
    const duplicate = await world.request({
      method: 'POST',
      url: '/v1/users',
      key: admin,
      body: { email: 'SERVICE-X+ops@customer.com', name: 'again' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('EMAIL_TAKEN');
    const weak = await world.request({
      method: 'POST',
      url: '/v1/users',
      session: owner,
      body: { email: 'w@acme.test', name: 'w', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({
      code: 'WEAK_PASSWORD',
      message: expect.stringContaining('10 characters'),
    });
    const bad = await world.request({
      method: 'POST',
      url: '/v1/users',
      key: admin,
      body: { email: 'not-an-email', name: 'x' },
    });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await login('service-x+ops@customer.com', PASSWORD)).status).toBe(200);
  });

  it('hands out self-service keys on /api_tokens/ that work as Basic uuid:secret and as a token', async () => {
    await createUser({ email: 'mia@acme.test', name: 'Mia Member', role: 'member', password: PASSWORD });
    const response = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('mia@acme.test', PASSWORD) },
    });
    expect(response.status, response.text).toBe(201);
    const { uuid, secret, key } = response.body;
    expect(key).toBe(`kw_live_${uuid}_${secret}`);
    expect(response.body.scopes).not.toContain('users:write');
    const viaBasic = await world.request({
      url: '/v1/auth/me',
      headers: { authorization: basic(uuid, secret) },
    });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body.user.email).toBe('mia@acme.test');
    expect((await world.request({ url: '/v1/auth/me', key })).status).toBe(200);
    // Never more than the user's own rights.
    const wider = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('mia@acme.test', PASSWORD) },
      body: { scopes: ['users:write'] },
    });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toMatchObject({
      code: 'SCOPE_EXCEEDS_OWNER',
      details: { scope: 'users:write' },
    });
    const wrong = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('mia@acme.test', 'nope nope nope') },
    });
    expect(wrong.status).toBe(401);
    // A password is not accepted where a key is required.
    expect(
      (await world.request({ url: '/v1/keys', headers: { authorization: basic('mia@acme.test', PASSWORD) } }))
        .status,
    ).toBe(401);
  });

  it('lets a member see and manage only its own keys', async () => {
    await createUser({ email: 'max@acme.test', name: 'Max', role: 'member', password: PASSWORD });
    const token = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('max@acme.test', PASSWORD) },
      body: { scopes: ['keys:read', 'keys:write', 'export'] },
    });
    const memberKey: string = token.body.key;
    const adminsKey = await world.createKey({ name: 'admin-only', scopes: [] });
    const own = await world.request({
      method: 'POST',
      url: '/v1/keys',
      key: memberKey,
      body: { name: 'mine', scopes: ['export'] },
    });
    expect(own.status).toBe(201);
    const list = await world.request({ url: '/v1/keys?limit=200', key: memberKey });
    expect(list.body.items.map((k: { name: string }) => k.name).sort()).toEqual(
      ['mine', token.body.name].sort(),
    );
    expect((await world.request({ url: `/v1/keys/${adminsKey.id}`, key: memberKey })).status).toBe(404);
    expect(
      (await world.request({ method: 'DELETE', url: `/v1/keys/${adminsKey.id}`, key: memberKey })).status,
    ).toBe(404);
    expect((await world.request({ url: '/v1/users', key: memberKey })).status).toBe(403);
  });

  it('stops a disabled owner’s keys at once and revokes a deleted user’s keys', async () => {
    const user = await createUser({ email: 'ann@acme.test', name: 'Ann', role: 'admin', password: PASSWORD });
    const key = await world.createKey({ name: 'anns', scopes: ['export'], ownerId: user.id });
    const verify = async () => (await world.verify({ key: key.key })).body.code;
    expect(await verify()).toBe('VALID');
    await world.request({
      method: 'PATCH',
      url: `/v1/users/${user.id}`,
      key: admin,
      body: { enabled: false },
    });
    expect(await verify()).toBe('DISABLED');
    expect((await world.request({ url: `/v1/keys/${key.id}`, key: admin })).body.status).toBe(
      'owner_disabled',
    );
    // A key may disable a user but not give it its sign-ins back: that is done in person.
    const byKey = await world.request({
      method: 'PATCH',
      url: `/v1/users/${user.id}`,
      key: admin,
      body: { enabled: true },
    });
    expect(byKey.body.error.code).toBe('FORBIDDEN');
    await world.request({
      method: 'PATCH',
      url: `/v1/users/${user.id}`,
      session: owner,
      body: { enabled: true },
    });
    expect(await verify()).toBe('VALID');
    expect((await world.request({ method: 'DELETE', url: `/v1/users/${user.id}`, key: admin })).status).toBe(
      200,
    );
    expect(await verify()).toBe('NOT_FOUND');
    expect((await world.request({ url: `/v1/keys/${key.id}`, key: admin })).body.status).toBe('revoked');
  });

  it('refuses to disable, demote or delete the last owner', async () => {
    const ownerId = world.admin.user.id;
    for (const [method, body] of [
      ['PATCH', { enabled: false }],
      ['PATCH', { role: 'admin' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await world.request({ method, url: `/v1/users/${ownerId}`, key: admin, body });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('LAST_OWNER');
    }
  });

  it('keeps organizations apart: another org cannot read or touch this org’s keys, users or resources', async () => {
    const created = await world.request({
      method: 'POST',
      url: '/v1/orgs',
      key: admin,
      body: { name: 'Globex', owner: { email: 'boss@globex.test', name: 'Boss', password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const other = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('boss@globex.test', PASSWORD) },
    });
    const otherKey: string = other.body.key;
    const victim = await world.createKey({ name: 'acme secret', scopes: ['export'] });
    expect((await world.request({ url: `/v1/keys/${victim.id}`, key: otherKey })).status).toBe(404);
    expect(
      (
        await world.request({
          method: 'PATCH',
          url: `/v1/keys/${victim.id}`,
          key: otherKey,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await world.request({ method: 'POST', url: `/v1/keys/${victim.id}/disable`, key: otherKey })).status,
    ).toBe(404);
    expect(
      (await world.request({ method: 'DELETE', url: `/v1/keys/${victim.id}`, key: otherKey })).status,
    ).toBe(404);
    const otherList = await world.request({ url: '/v1/keys?limit=200', key: otherKey });
    expect(otherList.body.items.every((k: { orgId: string }) => k.orgId === created.body.org.id)).toBe(true);
    expect((await world.request({ url: `/v1/users/${world.admin.user.id}`, key: otherKey })).status).toBe(
      404,
    );
    const users = await world.request({ url: '/v1/users?limit=200', key: otherKey });
    expect(users.body.items.map((u: { email: string }) => u.email)).toEqual(['boss@globex.test']);
    await world.request({
      method: 'PUT',
      url: '/v1/resources/acme-wf',
      key: admin,
      body: { name: 'Acme flow', exposed: true },
    });
    const resources = await world.request({ url: '/v1/resources', key: otherKey });
    expect(resources.body.items).toEqual([]);
    const grant = await world.request({
      method: 'POST',
      url: '/v1/keys',
      key: otherKey,
      body: { name: 'x', scopes: [], resources: ['acme-wf'] },
    });
    expect(grant.body.error.code).toBe('UNKNOWN_RESOURCE');
    // Verification by a non-operator sees only its own org's keys.
    const verifier = await world.request({
      method: 'POST',
      url: '/api_tokens/',
      headers: { authorization: basic('boss@globex.test', PASSWORD) },
      body: { scopes: ['keys:verify'] },
    });
    const crossVerify = await world.verify({ key: victim.key }, { key: verifier.body.key });
    expect(crossVerify.body).toEqual({ valid: false, code: 'NOT_FOUND' });
    // Operator routes are for operators only.
    expect((await world.request({ url: '/v1/orgs', key: otherKey })).status).toBe(403);
  });
});
