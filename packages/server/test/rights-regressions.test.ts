/**
 * One test per way a credential's rights could once grow (docs/authorization.md), each over a
 * real socket on every dialect: the attack as it was made, and the answer that stops it.
 */
import type { AddressInfo } from 'node:net';
import { createApp, createLogger } from '@keyward/server';
import { openStore } from '@keyward/storage';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, adminApi, type Credential, type Session } from './support/admin-api.ts';
import { ORG_SCOPES } from './support/rights-model.ts';

const PASSWORD = 'a long and fine passphrase';

describe.each(testDialects())('%s: rights that never grow', (dialect) => {
  let world: TestWorld;
  let api: AdminApi;
  let base: string;
  const operator: Credential = { key: '' };
  let owner: { id: string; session: Session };
  let admin: { id: string; session: Session };
  let n = 0;

  /** A fresh organization with an owner (signed in) and an admin (signed in). */
  async function organization() {
    n++;
    const org = await api.call('POST', '/v1/orgs', operator, {
      name: `Org ${n}`,
      owner: { email: `owner${n}@org.test`, name: 'Owner', password: PASSWORD },
    });
    const ownerSession = await api.signIn(`owner${n}@org.test`, PASSWORD);
    const adminUser = await api.call(
      'POST',
      '/v1/users',
      { session: ownerSession },
      { email: `admin${n}@org.test`, name: 'Admin', role: 'admin', password: PASSWORD },
    );
    return {
      orgId: org.body.org.id as string,
      owner: { id: org.body.owner.id as string, session: ownerSession },
      admin: { id: adminUser.body.id as string, session: await api.signIn(`admin${n}@org.test`, PASSWORD) },
      adminEmail: `admin${n}@org.test`,
    };
  }

  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    api = adminApi(base);
    (operator as { key: string }).key = world.admin.apiKey;
    ({ owner, admin } = await organization());
  }, 60_000);
  afterAll(async () => world?.close());

  it('1. refuses an admin a key owned by the owner, and every way up through it', async () => {
    const forOwner = await api.call(
      'POST',
      '/v1/keys',
      { session: admin.session },
      {
        name: 'as the owner',
        scopes: ORG_SCOPES,
        ownerId: owner.id,
      },
    );
    expect(forOwner.status).toBe(403);
    expect(forOwner.body.error.code).toBe('FORBIDDEN');
    // Nor, through a key of its own, can it promote itself, or disable or delete the owner.
    const org = await organization();
    const adminKey = { key: (await api.mintWithPassword(org.adminEmail, PASSWORD)).body.key };
    expect((await api.call('PATCH', `/v1/users/${org.admin.id}`, adminKey, { role: 'owner' })).status).toBe(
      403,
    );
    expect((await api.call('DELETE', `/v1/users/${org.owner.id}`, adminKey)).status).toBe(403);
    expect((await api.call('PATCH', `/v1/users/${org.owner.id}`, adminKey, { enabled: false })).status).toBe(
      403,
    );
    expect(
      (await api.call('POST', '/v1/users', adminKey, { email: `up${n}@org.test`, name: 'U', role: 'owner' }))
        .status,
    ).toBe(403);
    expect(
      (
        await api.call('POST', '/v1/orgs', adminKey, {
          name: 'x',
          owner: { email: `x${n}@x.test`, name: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('2. gives a key of an operator no operator power it was not granted', async () => {
    const session = { session: await api.signIn('owner@acme.test', 'correct horse battery staple') };
    const narrow = await api.call('POST', '/v1/keys', session, {
      name: 'export only',
      scopes: ['export'],
      environment: 'test',
    });
    expect(narrow.status).toBe(201);
    const key = { key: narrow.body.key as string };
    expect((await api.call('GET', '/v1/orgs', key)).status).toBe(403);
    expect(
      (await api.call('POST', '/v1/orgs', key, { name: 'x', owner: { email: `y${n}@x.test`, name: 'x' } }))
        .status,
    ).toBe(403);
    expect((await api.call('POST', '/v1/environments', key, { slug: 'evil', name: 'Evil' })).status).toBe(
      403,
    );
    expect(
      (await api.call('POST', '/v1/scopes', key, { name: 'evil', module: 'e', moduleTitle: 'E' })).status,
    ).toBe(403);
    // With keys:verify but without keys:verify-all, another tenant's key is unknown.
    const verifier = await api.call('POST', '/v1/keys', session, {
      name: 'verifier',
      scopes: ['keys:verify'],
    });
    const tenantKey = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      { name: 'tenant', scopes: ['export'] },
    );
    const verified = await api.call(
      'POST',
      '/v1/verify',
      { key: verifier.body.key },
      { key: tenantKey.body.key },
    );
    expect(verified.body.code).toBe('NOT_FOUND');
    const platform = await api.call('POST', '/v1/verify', operator, { key: tenantKey.body.key });
    expect(platform.body.code).toBe('VALID');
    // Operator scopes go only on keys an operator owns.
    const colleague = await api.call('POST', '/v1/users', session, {
      email: `colleague${++n}@acme.test`,
      name: 'Colleague',
      role: 'admin',
    });
    const onColleague = await api.call('POST', '/v1/keys', session, {
      name: 'for a colleague',
      scopes: ['orgs:read'],
      ownerId: colleague.body.id,
    });
    expect(onColleague.body.error).toMatchObject({
      code: 'SCOPE_EXCEEDS_OWNER',
      details: { scope: 'orgs:read' },
    });
    const org = await organization();
    const forTenant = await api.call(
      'POST',
      '/v1/keys',
      { session: org.owner.session },
      { name: 'op', scopes: ['orgs:read'] },
    );
    expect(forTenant.status).toBe(400);
    expect(forTenant.body.error.code).toBe('SCOPE_EXCEEDS_OWNER');
  });

  it('3. mints from /api_tokens/ no wider than the presenting key, and not at all without keys:write', async () => {
    await api.call('PUT', '/v1/resources/wf-1', { session: owner.session }, { name: 'WF 1', exposed: true });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const limited = { name: 'limited', environment: 'test', resources: ['wf-1'], expiresAt };
    const narrow = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      { ...limited, scopes: ['export'] },
    );
    const refused = await api.call('POST', '/api_tokens/', { key: narrow.body.key }, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('INSUFFICIENT_SCOPE');

    const writer = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      { ...limited, scopes: ['export', 'keys:write'] },
    );
    const minted = await api.call('POST', '/api_tokens/', { key: writer.body.key }, {});
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ environment: 'test', resources: ['wf-1'], expiresAt });
    expect([...minted.body.scopes].sort()).toEqual(['export', 'keys:write']);
    const wider = await api.call(
      'POST',
      '/api_tokens/',
      { key: writer.body.key },
      { scopes: ['export', 'deployment'] },
    );
    expect(wider.status).toBe(403);
    expect(wider.body.error).toMatchObject({
      code: 'GRANT_EXCEEDS_CALLER',
      details: { value: 'deployment' },
    });
    const live = await api.call('POST', '/api_tokens/', { key: writer.body.key }, { environment: 'live' });
    expect(live.body.error).toMatchObject({
      code: 'GRANT_EXCEEDS_CALLER',
      details: { field: 'environment' },
    });
    const forever = await api.call('POST', '/api_tokens/', { key: writer.body.key }, { expiresAt: null });
    expect(forever.body.error).toMatchObject({
      code: 'GRANT_EXCEEDS_CALLER',
      details: { field: 'expiresAt' },
    });
  });

  it('4. ends the Keyward rights of an ownerless key when its maker is demoted, disabled or deleted', async () => {
    const org = await organization();
    const made = await api.call(
      'POST',
      '/v1/keys',
      { session: org.admin.session },
      {
        name: 'ownerless admin',
        scopes: [...ORG_SCOPES, 'export'],
        ownerId: null,
      },
    );
    expect(made.status).toBe(201);
    const key = { key: made.body.key as string };
    const newAdmin = () =>
      api.call('POST', '/v1/users', key, { email: `new${++n}@org.test`, name: 'New', role: 'admin' });
    expect((await newAdmin()).status).toBe(201);

    await api.call('PATCH', `/v1/users/${org.admin.id}`, { session: org.owner.session }, { role: 'member' });
    expect((await newAdmin()).status).toBe(403);
    expect((await api.call('GET', '/v1/audit', key)).status).toBe(403);
    await api.call(
      'PATCH',
      `/v1/users/${org.admin.id}`,
      { session: org.owner.session },
      { role: 'admin', enabled: false },
    );
    expect((await newAdmin()).status).toBe(403);
    expect((await api.call('GET', '/v1/keys', key)).status).toBe(403);
    await api.call('DELETE', `/v1/users/${org.admin.id}`, { session: org.owner.session });
    expect((await newAdmin()).status).toBe(403);
    // An organization's integration key keeps its platform scope: it belongs to the organization.
    expect(
      (await api.call('POST', '/v1/verify', operator, { key: key.key, scopes: ['export'] })).body.code,
    ).toBe('VALID');
  });

  it('5. lets no keys:write key widen itself, and makes its children within its limits', async () => {
    for (const id of ['wf-1', 'wf-2'])
      await api.call('PUT', `/v1/resources/${id}`, { session: owner.session }, { name: id, exposed: true });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const made = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      {
        name: 'writer',
        scopes: ['export', 'keys:write', 'keys:read'],
        environment: 'test',
        resources: ['wf-2'],
        expiresAt,
        ipAllowlist: ['10.0.0.0/8'],
      },
    );
    // Its own IP allowlist applies to its own calls: loopback is outside 10.0.0.0/8.
    expect((await api.call('GET', '/v1/keys', { key: made.body.key })).status).toBe(401);

    const writer = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      {
        name: 'writer 2',
        scopes: ['export', 'keys:write', 'keys:read'],
        environment: 'test',
        resources: ['wf-2'],
        expiresAt,
      },
    );
    const key = { key: writer.body.key as string };
    for (const widen of [
      { scopes: ['export', 'keys:write', 'keys:read', 'deployment'] },
      { scopes: ['export', 'keys:write', 'keys:read', 'users:write'] },
      { resources: null },
      { expiresAt: null },
      { resources: ['wf-2', 'wf-1'] },
    ]) {
      const answer = await api.call('PATCH', `/v1/keys/${writer.body.id}`, key, widen);
      expect(answer.status, JSON.stringify(widen)).toBe(403);
      expect(answer.body.error.code).toBe('GRANT_EXCEEDS_CALLER');
    }
    expect(
      (
        await api.call('PATCH', `/v1/keys/${writer.body.id}`, key, {
          scopes: ['export', 'keys:write', 'keys:read'],
        })
      ).status,
    ).toBe(200);
    const child = await api.call('POST', '/v1/keys', key, { name: 'child', scopes: ['export'] });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({ environment: 'test', resources: ['wf-2'], expiresAt });
    const later = new Date(Date.parse(expiresAt) + 1000).toISOString();
    const outlives = await api.call('POST', '/v1/keys', key, {
      name: 'child',
      scopes: ['export'],
      expiresAt: later,
    });
    expect(outlives.body.error).toMatchObject({
      code: 'GRANT_EXCEEDS_CALLER',
      details: { field: 'expiresAt' },
    });
    // Neither may it regenerate or re-enable a key wider than itself, which would hand it that key.
    const wide = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      { name: 'wide', scopes: ['deployment'], environment: 'test' },
    );
    expect(
      (await api.call('POST', `/v1/keys/${wide.body.id}/regenerate`, key, { slot: 'primary' })).status,
    ).toBe(403);
    await api.call('POST', `/v1/keys/${wide.body.id}/disable`, key);
    expect((await api.call('POST', `/v1/keys/${wide.body.id}/enable`, key)).status).toBe(403);
  });

  it('5. (limits) keeps a limited key from loosening its own rate or quota, or making looser keys', async () => {
    const made = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      {
        name: 'metered writer',
        scopes: ['export', 'keys:write', 'resources:write'],
        resources: ['wf-1'],
        rateLimit: { limit: 1000, windowSeconds: 60 },
        quota: { remaining: 1000 },
      },
    );
    const key = { key: made.body.key as string };
    // Every call it makes spends its own quota: the child gets what is left, no more.
    const child = await api.call('POST', '/v1/keys', key, { name: 'child', scopes: ['export'] });
    expect(child.body).toMatchObject({
      rateLimit: { limit: 1000, windowSeconds: 60 },
      quota: { remaining: 999 },
    });
    for (const looser of [
      { rateLimit: null },
      { rateLimit: { limit: 1001, windowSeconds: 60 } },
      { rateLimit: { limit: 1000, windowSeconds: 30 } },
      { quota: null },
      { quota: { remaining: 1000 } },
      { quota: { remaining: 10, refill: { amount: 10, intervalSeconds: 60 } } },
    ]) {
      const answer = await api.call('POST', '/v1/keys', key, {
        name: 'looser',
        scopes: ['export'],
        ...looser,
      });
      expect(answer.body.error, JSON.stringify(looser)).toMatchObject({ code: 'GRANT_EXCEEDS_CALLER' });
      const self = await api.call('PATCH', `/v1/keys/${made.body.id}`, key, looser);
      expect(self.body.error, JSON.stringify(looser)).toMatchObject({ code: 'GRANT_EXCEEDS_CALLER' });
    }
    const tighter = await api.call('PATCH', `/v1/keys/${made.body.id}`, key, { quota: { remaining: 50 } });
    expect(tighter.status).toBe(200);
    // Limited to a resource, it changes that resource and no other.
    expect((await api.call('PUT', '/v1/resources/wf-1', key, { name: 'WF 1', exposed: true })).status).toBe(
      200,
    );
    expect(
      (await api.call('PUT', '/v1/resources/wf-2', key, { name: 'hidden', exposed: false })).status,
    ).toBe(403);
    expect((await api.call('PUT', '/v1/resources/wf-9', key, { name: 'new', exposed: true })).status).toBe(
      403,
    );
  });

  it('6. refuses a key whose Keyward scopes its owner cannot use, naming the scope', async () => {
    const member = await api.call(
      'POST',
      '/v1/users',
      { session: owner.session },
      {
        email: `member${++n}@org.test`,
        name: 'Member',
        role: 'member',
        password: PASSWORD,
      },
    );
    const forMember = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      {
        name: 'too wide',
        scopes: ['keys:read', 'users:write'],
        ownerId: member.body.id,
      },
    );
    expect(forMember.status).toBe(400);
    expect(forMember.body.error).toMatchObject({
      code: 'SCOPE_EXCEEDS_OWNER',
      details: { scope: 'users:write' },
    });
    const self = await api.mintWithPassword(`member${n}@org.test`, PASSWORD, { scopes: ['audit:read'] });
    expect(self.body.error).toMatchObject({ code: 'SCOPE_EXCEEDS_OWNER', details: { scope: 'audit:read' } });
    const asMember = await api.signIn(`member${n}@org.test`, PASSWORD);
    const own = await api.call(
      'POST',
      '/v1/keys',
      { session: asMember },
      { name: 'mine', scopes: ['users:read'] },
    );
    expect(own.body.error).toMatchObject({ code: 'SCOPE_EXCEEDS_OWNER', details: { scope: 'users:read' } });
    // Asking for someone else's key is refused, not silently turned into one's own.
    const other = await api.call(
      'POST',
      '/v1/keys',
      { session: asMember },
      { name: 'x', scopes: [], ownerId: owner.id },
    );
    expect(other.status).toBe(403);
  });

  it("7. streams a tenant only its own organization's invalidations", async () => {
    const other = await organization();
    const verifierB = await api.call(
      'POST',
      '/v1/keys',
      { session: owner.session },
      { name: 'sdk', scopes: ['keys:verify'] },
    );
    const verifierC = await api.call(
      'POST',
      '/v1/keys',
      { session: other.owner.session },
      { name: 'sdk', scopes: ['keys:verify'] },
    );
    const keyB = await api.call('POST', '/v1/keys', { session: owner.session }, { name: 'b', scopes: [] });
    const keyC = await api.call(
      'POST',
      '/v1/keys',
      { session: other.owner.session },
      { name: 'c', scopes: [] },
    );

    const listen = async (key: string) => {
      const controller = new AbortController();
      const response = await fetch(`${base}/v1/events`, {
        headers: { authorization: `Api-Key ${key}` },
        signal: controller.signal,
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            text += new TextDecoder().decode(value);
          }
        } catch {
          // aborted
        }
      })();
      return { seen: () => text, stop: () => controller.abort() };
    };
    const streamB = await listen(verifierB.body.key);
    const streamC = await listen(verifierC.body.key);
    const streamAll = await listen(world.admin.apiKey);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await api.call('DELETE', `/v1/keys/${keyC.body.id}`, { session: other.owner.session });
    await api.call('DELETE', `/v1/keys/${keyB.body.id}`, { session: owner.session });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stream of [streamB, streamC, streamAll]) stream.stop();
    expect(streamB.seen()).toContain(keyB.body.id);
    expect(streamB.seen()).not.toContain(keyC.body.id);
    expect(streamC.seen()).toContain(keyC.body.id);
    expect(streamC.seen()).not.toContain(keyB.body.id);
    expect(streamAll.seen()).toContain(keyB.body.id);
    expect(streamAll.seen()).toContain(keyC.body.id);
  });

  it('8. checks no more passwords for a burst of parallel guesses than for the same guesses in turn', async () => {
    const email = `target${++n}@org.test`;
    await api.call(
      'POST',
      '/v1/users',
      { session: owner.session },
      { email, name: 'T', role: 'member', password: PASSWORD },
    );
    // Two nodes on one database: the count is shared.
    const second = await createApp({
      config: world.config,
      store: openStore(world.config.storage),
      peppers: [{ version: 1, secret: Buffer.alloc(32, 7) }],
      logger: createLogger('silent'),
    });
    await second.app.listen({ port: 0, host: '127.0.0.1' });
    const other = adminApi(`http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}`);
    try {
      const guesses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? api : other).call('POST', '/v1/auth/login', null, { email, password: `wrong guess ${i}` }),
        ),
      );
      const statuses = guesses.map((g) => g.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(25);
      const checked = await world.store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'auth.login_failed')
        .where('actor_name', '=', email)
        .executeTakeFirstOrThrow();
      expect(Number(checked.n)).toBeLessThanOrEqual(5);
      // The right password is refused too while the account is locked.
      expect((await api.call('POST', '/v1/auth/login', null, { email, password: PASSWORD })).status).toBe(
        429,
      );
    } finally {
      await second.app.close();
      await second.context.store.close();
    }
  });

  it('9. keeps an enabled owner when two owners demote each other at once', async () => {
    for (let round = 0; round < 5; round++) {
      const org = await organization();
      const second = await api.call(
        'POST',
        '/v1/users',
        { session: org.owner.session },
        {
          email: `second${++n}@org.test`,
          name: 'Second',
          role: 'owner',
          password: PASSWORD,
        },
      );
      const secondSession = await api.signIn(`second${n}@org.test`, PASSWORD);
      const [a, b] = await Promise.all([
        api.call('PATCH', `/v1/users/${second.body.id}`, { session: org.owner.session }, { role: 'admin' }),
        api.call('PATCH', `/v1/users/${org.owner.id}`, { session: secondSession }, { role: 'admin' }),
      ]);
      const statuses = [a.status, b.status].sort();
      // One wins; the other is refused: LAST_OWNER, or — when the winner's change had landed by
      // the time it was authenticated — 401 (its session ended) or 403 (it is no owner now).
      expect(statuses[0]).toBe(200);
      expect([401, 403, 409]).toContain(statuses[1]);
      const owners = await world.store.db
        .selectFrom('users')
        .select('id')
        .where('org_id', '=', org.orgId)
        .where('role', '=', 'owner')
        .where('enabled', '=', 1)
        .execute();
      expect(owners).toHaveLength(1);
    }
  });
});
