/**
 * The authorization matrix: every documented route × every kind of principal → the expected
 * answer, over a real socket, on every dialect. Principals: each role as a session and as a key,
 * a service user, operators with and without operator scopes on their key, a key without
 * scopes, an ownerless platform key, a key whose user was demoted, and an owner of another
 * organization. The expected answers come from one table of route rules and a table of what each
 * principal holds, written here from docs/authorization.md, not from the server's code. A route
 * missing from the table fails the test, so no route can be added without deciding who may call it.
 */
import type { AddressInfo } from 'node:net';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, adminApi, type Credential } from './support/admin-api.ts';
import { MEMBER_SCOPES, OPERATOR_SCOPES, ORG_SCOPES } from './support/rights-model.ts';

type Rule =
  | { access: 'public' }
  /** Any principal holding `scope` (none: any authenticated principal); `target` lives in org B. */
  | { access: 'scope'; scope: string | null; target?: 'key' | 'user' }
  /** `/api_tokens/`: a proof of identity, or a key holding keys:write. */
  | { access: 'mint' };

/** Who may call each operation. */
const RULES: Record<string, Rule> = {
  'GET /healthz': { access: 'public' },
  'GET /readyz': { access: 'public' },
  'GET /v1/setup': { access: 'public' },
  'POST /v1/setup': { access: 'public' },
  'POST /v1/auth/login': { access: 'public' },
  'POST /v1/auth/logout': { access: 'public' },
  'GET /v1/auth/me': { access: 'scope', scope: null },
  'POST /api_tokens': { access: 'mint' },
  'POST /v1/verify': { access: 'scope', scope: 'keys:verify' },
  'GET /v1/events': { access: 'scope', scope: 'keys:verify' },
  'POST /v1/keys': { access: 'scope', scope: 'keys:write' },
  'GET /v1/keys': { access: 'scope', scope: 'keys:read' },
  'GET /v1/keys/{id}': { access: 'scope', scope: 'keys:read', target: 'key' },
  'PATCH /v1/keys/{id}': { access: 'scope', scope: 'keys:write', target: 'key' },
  'DELETE /v1/keys/{id}': { access: 'scope', scope: 'keys:write', target: 'key' },
  'POST /v1/keys/{id}/enable': { access: 'scope', scope: 'keys:write', target: 'key' },
  'POST /v1/keys/{id}/disable': { access: 'scope', scope: 'keys:write', target: 'key' },
  'POST /v1/keys/{id}/regenerate': { access: 'scope', scope: 'keys:write', target: 'key' },
  'GET /v1/keys/{id}/usage': { access: 'scope', scope: 'keys:read', target: 'key' },
  'GET /v1/users': { access: 'scope', scope: 'users:read' },
  'POST /v1/users': { access: 'scope', scope: 'users:write' },
  'GET /v1/users/{id}': { access: 'scope', scope: 'users:read', target: 'user' },
  'PATCH /v1/users/{id}': { access: 'scope', scope: 'users:write', target: 'user' },
  'DELETE /v1/users/{id}': { access: 'scope', scope: 'users:write', target: 'user' },
  'GET /v1/resources': { access: 'scope', scope: 'resources:read' },
  'PUT /v1/resources/{id}': { access: 'scope', scope: 'resources:write' },
  'GET /v1/environments': { access: 'scope', scope: null },
  'GET /v1/scopes': { access: 'scope', scope: null },
  'GET /v1/audit': { access: 'scope', scope: 'audit:read' },
  'GET /v1/exports/audit': { access: 'scope', scope: 'audit:read' },
  'GET /v1/orgs': { access: 'scope', scope: 'orgs:read' },
  'POST /v1/orgs': { access: 'scope', scope: 'orgs:write' },
  'POST /v1/environments': { access: 'scope', scope: 'catalog:write' },
  'POST /v1/scopes': { access: 'scope', scope: 'catalog:write' },
};

/** A minimal well-formed body per operation, so the answer is about rights, not input. */
function bodyFor(operation: string, n: number): unknown {
  switch (operation) {
    case 'POST /v1/setup':
      return { token: 'wrong', orgName: 'x', email: 'x@x.test', password: 'correct horse battery' };
    case 'POST /v1/auth/login':
      return { email: 'owner@b.test', password: PASSWORD };
    case 'POST /v1/verify':
      return { key: 'kw_live_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' };
    case 'POST /v1/keys':
      return { name: `matrix ${n}`, scopes: [] };
    case 'PATCH /v1/keys/{id}':
      return { name: `renamed ${n}` };
    case 'POST /v1/keys/{id}/regenerate':
      return { slot: 'secondary' };
    case 'POST /v1/users':
      return { email: `matrix${n}@b.test`, name: 'Matrix' };
    case 'PATCH /v1/users/{id}':
      return { name: `Renamed ${n}` };
    case 'PUT /v1/resources/{id}':
      return { name: 'R', exposed: true };
    case 'POST /v1/orgs':
      return { name: `Org ${n}`, owner: { email: `owner${n}@new.test`, name: 'O' } };
    case 'POST /v1/environments':
      return { slug: `env${n}`, name: `Env ${n}` };
    case 'POST /v1/scopes':
      return { name: `matrix:scope${n}`, module: 'matrix', moduleTitle: 'Matrix' };
    case 'POST /api_tokens':
      return {};
    default:
      return undefined;
  }
}

const PASSWORD = 'a long and fine passphrase';

/** A principal of the matrix and what it holds, by the model. */
interface Caller {
  name: string;
  as: Credential;
  /** Its organization: targets live in B. */
  org: 'A' | 'B' | 'C';
  kind: 'session' | 'key';
  scopes: ReadonlySet<string>;
  /** The user whose keys it manages when it is limited to its own (members), else null. */
  ownKeysOf: string | null;
}

/** The expected answer: an exact status, or 'pass' (authorized: anything but 401, 403 or 5xx). */
function expected(rule: Rule, caller: Caller | null, targetOwner: string): 401 | 403 | 404 | 'pass' {
  if (rule.access === 'public') return 'pass';
  if (!caller) return 401;
  if (rule.access === 'mint')
    return caller.kind === 'session' || caller.scopes.has('keys:write') ? 'pass' : 403;
  if (rule.scope !== null && !caller.scopes.has(rule.scope)) return 403;
  // Targets belong to org B; others see them as absent, as members see others' keys.
  if (rule.target && caller.org !== 'B') return 404;
  if (rule.target === 'key' && caller.ownKeysOf !== null && caller.ownKeysOf !== targetOwner) return 404;
  return 'pass';
}

describe.each(testDialects())('%s: authorization matrix', (dialect) => {
  let world: TestWorld;
  let api: AdminApi;
  const callers: (Caller | null)[] = [null];
  let ownerB: Credential;
  let memberId = '';

  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    api = adminApi(`http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`);
    const operatorKey = { key: world.admin.apiKey };
    const created = async (path: string, as: Credential, body: unknown) => {
      const answer = await api.call('POST', path, as, body);
      if (answer.status !== 201) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    const keyOf = async (path: string, as: Credential, body: unknown) => ({
      key: (await created(path, as, body)).key as string,
    });

    await created('/v1/orgs', operatorKey, {
      name: 'B',
      owner: { email: 'owner@b.test', name: 'B', password: PASSWORD },
    });
    await created('/v1/orgs', operatorKey, {
      name: 'C',
      owner: { email: 'owner@c.test', name: 'C', password: PASSWORD },
    });
    ownerB = { session: await api.signIn('owner@b.test', PASSWORD) };
    const users: Record<string, string> = {};
    for (const [email, role, kind] of [
      ['admin@b.test', 'admin', 'person'],
      ['member@b.test', 'member', 'person'],
      ['svc@b.test', 'member', 'service'],
      ['demoted@b.test', 'admin', 'person'],
    ] as const) {
      users[email] = (
        await created('/v1/users', ownerB, { email, name: email, role, kind, password: PASSWORD })
      ).id;
    }
    memberId = users['member@b.test'] as string;
    const operatorSession = { session: await api.signIn('owner@acme.test', 'correct horse battery staple') };
    const mint = async (email: string) => ({ key: (await api.mintWithPassword(email, PASSWORD)).body.key });
    const demotedKey = await mint('demoted@b.test');
    await api.call('PATCH', `/v1/users/${users['demoted@b.test']}`, ownerB, { role: 'member' });

    const all = new Set(ORG_SCOPES);
    const operator = new Set([...ORG_SCOPES, ...OPERATOR_SCOPES]);
    const member = new Set(MEMBER_SCOPES);
    const none = new Set<string>();
    const list: Caller[] = [
      {
        name: 'operator session',
        as: operatorSession,
        org: 'A',
        kind: 'session',
        scopes: operator,
        ownKeysOf: null,
      },
      { name: 'operator key', as: operatorKey, org: 'A', kind: 'key', scopes: operator, ownKeysOf: null },
      {
        name: 'operator key without operator scopes',
        as: await keyOf('/v1/keys', operatorSession, { name: 'narrow', scopes: ORG_SCOPES }),
        org: 'A',
        kind: 'key',
        scopes: all,
        ownKeysOf: null,
      },
      { name: 'owner session', as: ownerB, org: 'B', kind: 'session', scopes: all, ownKeysOf: null },
      {
        name: 'owner key',
        as: await mint('owner@b.test'),
        org: 'B',
        kind: 'key',
        scopes: all,
        ownKeysOf: null,
      },
      {
        name: 'admin session',
        as: { session: await api.signIn('admin@b.test', PASSWORD) },
        org: 'B',
        kind: 'session',
        scopes: all,
        ownKeysOf: null,
      },
      {
        name: 'admin key',
        as: await mint('admin@b.test'),
        org: 'B',
        kind: 'key',
        scopes: all,
        ownKeysOf: null,
      },
      {
        name: 'member session',
        as: { session: await api.signIn('member@b.test', PASSWORD) },
        org: 'B',
        kind: 'session',
        scopes: member,
        ownKeysOf: memberId,
      },
      {
        name: 'member key',
        as: await mint('member@b.test'),
        org: 'B',
        kind: 'key',
        scopes: member,
        ownKeysOf: memberId,
      },
      {
        name: 'service user session',
        as: { session: await api.signIn('svc@b.test', PASSWORD) },
        org: 'B',
        kind: 'session',
        scopes: member,
        ownKeysOf: users['svc@b.test'] as string,
      },
      {
        name: 'service user key',
        as: await mint('svc@b.test'),
        org: 'B',
        kind: 'key',
        scopes: member,
        ownKeysOf: users['svc@b.test'] as string,
      },
      {
        name: 'key without scopes',
        as: await keyOf('/v1/keys', ownerB, { name: 'no scopes', scopes: [] }),
        org: 'B',
        kind: 'key',
        scopes: none,
        ownKeysOf: null,
      },
      {
        name: 'ownerless platform key',
        as: await keyOf('/v1/keys', ownerB, { name: 'integration', scopes: ['export'], ownerId: null }),
        org: 'B',
        kind: 'key',
        scopes: none,
        ownKeysOf: null,
      },
      {
        name: 'key of a demoted admin',
        as: demotedKey,
        org: 'B',
        kind: 'key',
        scopes: member,
        ownKeysOf: users['demoted@b.test'] as string,
      },
      {
        name: 'owner of another org (session)',
        as: { session: await api.signIn('owner@c.test', PASSWORD) },
        org: 'C',
        kind: 'session',
        scopes: all,
        ownKeysOf: null,
      },
      {
        name: 'owner of another org (key)',
        as: await mint('owner@c.test'),
        org: 'C',
        kind: 'key',
        scopes: all,
        ownKeysOf: null,
      },
    ];
    callers.push(...list);
  }, 120_000);
  afterAll(async () => world?.close());

  it('has a rule for every documented route, and no rule for a route that does not exist', async () => {
    const doc = (await api.call('GET', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'head')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(Object.keys(RULES).sort()).toEqual(documented.sort());
  });

  it('answers every principal on every route as the model says', async () => {
    let n = 0;
    const failures: string[] = [];
    for (const [operation, rule] of Object.entries(RULES)) {
      const [method, template] = operation.split(' ') as [string, string];
      for (const caller of callers) {
        n++;
        // Fresh targets in org B for every call (a member's key, a member user), so one
        // caller's change cannot mask another's answer.
        let path = template;
        if (rule.access === 'scope' && rule.target === 'key') {
          const key = await api.call('POST', '/v1/keys', ownerB, {
            name: `target ${n}`,
            scopes: [],
            ownerId: memberId,
          });
          path = path.replace('{id}', key.body.id);
          if (operation.endsWith('/enable'))
            await api.call('POST', `/v1/keys/${key.body.id}/disable`, ownerB);
        } else if (rule.access === 'scope' && rule.target === 'user') {
          const user = await api.call('POST', '/v1/users', ownerB, {
            email: `target${n}@b.test`,
            name: 'T',
            role: 'member',
          });
          path = path.replace('{id}', user.body.id);
        } else {
          path = path.replace('{id}', `res-${n}`);
        }
        // Public routes are called without a credential: signing out would end a session.
        const as = rule.access === 'public' ? null : (caller?.as ?? null);
        const { status } = await api.call(method, path, as, bodyFor(operation, n));
        const want = expected(rule, caller, memberId);
        const ok = want === 'pass' ? status !== 401 && status !== 403 && status < 500 : status === want;
        if (!ok)
          failures.push(
            `${operation} as ${caller?.name ?? 'no credential'}: got ${status}, expected ${want}`,
          );
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
