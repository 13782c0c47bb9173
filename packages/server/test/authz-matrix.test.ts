/**
 * The authorization matrix: every documented route × every kind of caller → the expected
 * answer, generated from one table of route rules. A route missing from the table fails the
 * test, so a new route cannot be added without deciding who may call it.
 */
import type { AddressInfo } from 'node:net';
import { createTestWorld, type TestWorld } from '@keyward/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Rule =
  | { access: 'public' }
  | { access: 'operator' }
  | { access: 'scope'; scope: string | null; target?: 'key' | 'user' }
  | { access: 'user' };

/** Who may call each operation; `scope: null` means any authenticated caller. */
const RULES: Record<string, Rule> = {
  'GET /healthz': { access: 'public' },
  'GET /readyz': { access: 'public' },
  'GET /v1/setup': { access: 'public' },
  'POST /v1/setup': { access: 'public' },
  'POST /v1/auth/login': { access: 'public' },
  'POST /v1/auth/logout': { access: 'public' },
  'GET /v1/auth/me': { access: 'user' },
  'POST /api_tokens/': { access: 'user' },
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
  'GET /v1/orgs': { access: 'operator' },
  'POST /v1/orgs': { access: 'operator' },
  'POST /v1/environments': { access: 'operator' },
  'POST /v1/scopes': { access: 'operator' },
};

/** A minimal well-formed body per operation, so the answer is about rights, not input. */
function bodyFor(operation: string, n: number): unknown {
  switch (operation) {
    case 'POST /v1/setup':
      return { token: 'wrong', orgName: 'x', email: 'x@x.test', password: 'correct horse battery' };
    case 'POST /v1/auth/login':
      return { email: 'owner@b.test', password: 'a long and fine passphrase' };
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
    case 'POST /api_tokens/':
      return {};
    default:
      return undefined;
  }
}

interface Caller {
  name: string;
  key?: string;
  org: 'A' | 'B' | 'C';
  scopes: ReadonlySet<string>;
  isOperator: boolean;
  ownKeysOnly: boolean;
  hasUser: boolean;
}

const ALL = [
  'keys:read',
  'keys:write',
  'keys:verify',
  'users:read',
  'users:write',
  'resources:read',
  'resources:write',
  'audit:read',
];
const MEMBER = ['keys:read', 'keys:write', 'keys:verify', 'resources:read'];

/** The expected answer: an exact status, or 'pass' (authorized: anything but 401/403/5xx). */
function expected(rule: Rule, caller: Caller | null): 401 | 403 | 404 | 'pass' {
  if (rule.access === 'public') return 'pass';
  if (!caller) return 401;
  if (rule.access === 'operator') return caller.isOperator ? 'pass' : 403;
  if (rule.access === 'user') return caller.hasUser ? 'pass' : 404;
  if (rule.scope !== null && !caller.scopes.has(rule.scope)) return 403;
  // Targets belong to org B and to B's owner; others see them as absent.
  if (rule.target && caller.org !== 'B') return 404;
  if (rule.target === 'key' && caller.ownKeysOnly) return 404;
  return 'pass';
}

describe('sqlite: authorization matrix', () => {
  let world: TestWorld;
  let base: string;
  const callers: (Caller | null)[] = [];
  const names: string[] = [];

  const api = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const controller = new AbortController();
    const response = await fetch(base + path, {
      method,
      headers: {
        ...(key ? { authorization: `Api-Key ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    // Event streams never end by themselves: the status is all we need.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) controller.abort();
    else await response.arrayBuffer();
    return response.status;
  };
  const token = async (email: string, password: string, scopes?: string[]) => {
    const response = await fetch(`${base}/api_tokens/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(scopes ? { scopes } : {}),
    });
    return ((await response.json()) as { key: string }).key;
  };

  beforeAll(async () => {
    world = await createTestWorld({ dialect: 'sqlite' });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    const operator = world.admin.apiKey;
    const password = 'a long and fine passphrase';
    const post = (path: string, body: unknown, key = operator) =>
      fetch(base + path, {
        method: 'POST',
        headers: { authorization: `Api-Key ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    await post('/v1/orgs', { name: 'B', owner: { email: 'owner@b.test', name: 'Owner B', password } });
    await post('/v1/orgs', { name: 'C', owner: { email: 'owner@c.test', name: 'Owner C', password } });
    const ownerB = await token('owner@b.test', password);
    for (const [email, role, kind] of [
      ['admin@b.test', 'admin', 'person'],
      ['member@b.test', 'member', 'person'],
      ['svc@b.test', 'member', 'service'],
    ]) {
      await post('/v1/users', { email, name: email, role, kind, password }, ownerB);
    }
    const without = (await post('/v1/keys', { name: 'no scopes', scopes: [] }, ownerB)).key;
    const list: [string, Caller | null][] = [
      ['no credential', null],
      [
        'operator (other org)',
        {
          name: 'operator',
          key: operator,
          org: 'A',
          scopes: new Set(ALL),
          isOperator: true,
          ownKeysOnly: false,
          hasUser: true,
        },
      ],
      [
        'owner',
        {
          name: 'owner',
          key: ownerB,
          org: 'B',
          scopes: new Set(ALL),
          isOperator: false,
          ownKeysOnly: false,
          hasUser: true,
        },
      ],
      [
        'admin',
        {
          name: 'admin',
          key: await token('admin@b.test', password),
          org: 'B',
          scopes: new Set(ALL),
          isOperator: false,
          ownKeysOnly: false,
          hasUser: true,
        },
      ],
      [
        'member',
        {
          name: 'member',
          key: await token('member@b.test', password),
          org: 'B',
          scopes: new Set(MEMBER),
          isOperator: false,
          ownKeysOnly: true,
          hasUser: true,
        },
      ],
      [
        'service user',
        {
          name: 'service',
          key: await token('svc@b.test', password),
          org: 'B',
          scopes: new Set(MEMBER),
          isOperator: false,
          ownKeysOnly: true,
          hasUser: true,
        },
      ],
      [
        'key without scopes',
        {
          name: 'without',
          key: without,
          org: 'B',
          scopes: new Set(),
          isOperator: false,
          ownKeysOnly: false,
          hasUser: true,
        },
      ],
      [
        'user of another org',
        {
          name: 'other',
          key: await token('owner@c.test', password),
          org: 'C',
          scopes: new Set(ALL),
          isOperator: false,
          ownKeysOnly: false,
          hasUser: true,
        },
      ],
    ];
    for (const [name, caller] of list) {
      names.push(name);
      callers.push(caller);
    }
  }, 60_000);
  afterAll(async () => world?.close());

  it('has a rule for every documented route, and no rule for a route that does not exist', async () => {
    const doc = (await world.request({ url: '/openapi.json' })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'head')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(Object.keys(RULES).sort()).toEqual(documented.sort());
  });

  it('answers every caller of every route as the table says', async () => {
    let n = 0;
    const failures: string[] = [];
    const ownerB = callers[2]?.key as string;
    for (const [operation, rule] of Object.entries(RULES)) {
      for (let i = 0; i < callers.length; i++) {
        const caller = callers[i] ?? null;
        n++;
        // Fresh targets in org B for every call, so one caller's delete cannot mask another's answer.
        let path = operation.split(' ')[1] as string;
        if (rule.access === 'scope' && rule.target === 'key') {
          const key = await world.createKey({ name: `target ${n}`, scopes: [] }, ownerB);
          path = path.replace('{id}', key.id);
        } else if (rule.access === 'scope' && rule.target === 'user') {
          const user = await fetch(`${base}/v1/users`, {
            method: 'POST',
            headers: { authorization: `Api-Key ${ownerB}`, 'content-type': 'application/json' },
            body: JSON.stringify({ email: `target${n}@b.test`, name: 'Target', role: 'member' }),
          }).then((r) => r.json() as Promise<{ id: string }>);
          path = path.replace('{id}', user.id);
        } else {
          path = path.replace('{id}', `res-${n}`);
        }
        const status = await api(operation.split(' ')[0] as string, path, caller?.key, bodyFor(operation, n));
        const want = expected(rule, caller);
        const ok = want === 'pass' ? status !== 401 && status !== 403 && status < 500 : status === want;
        if (!ok) failures.push(`${operation} as ${names[i]}: got ${status}, expected ${want}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
