/**
 * Generated attacks on the rights model (docs/authorization.md), against the real server over a
 * socket, on every dialect. Each run builds two fresh organizations with users of every role and
 * kind and keys with assorted grants, then lets random principals — keys and signed-in users, the
 * operator among them — try random sequences of actions: make, change, regenerate, enable, disable
 * and revoke keys, mint keys on /api_tokens/, make, promote, demote, disable, enable and delete
 * users, give passwords, verify keys and read what needs a scope. An independent model
 * (support/rights-model.ts) predicts every answer, and after every step the invariant is checked:
 * no principal can do anything it could not do before, unless a principal that could granted it.
 * fast-check shrinks a failure to a short sequence. `KEYWARD_ATTACK_RUNS` sets the number of
 * runs (default 60, of up to 80 steps each, per dialect).
 */
import type { AddressInfo } from 'node:net';
import { createTestWorld, type TestWorld, testDialects } from '@keyward/test-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, adminApi, type Credential, type Session } from './support/admin-api.ts';
import {
  type GrantSpec,
  join,
  MEMBER_SCOPES,
  type ModelKey,
  type ModelRights,
  type ModelUser,
  OPERATOR_SCOPES,
  ORG_SCOPES,
  type Outcome,
  type Principal,
  RightsModel,
  type Role,
  within,
} from './support/rights-model.ts';

const RUNS = Number(process.env.KEYWARD_ATTACK_RUNS ?? 60);
const STEPS = 80;
const PASSWORD = 'a long and fine passphrase';
const PLATFORM = ['deployment', 'export', 'process:start'];
const SCOPE_POOL = [...ORG_SCOPES, ...OPERATOR_SCOPES, ...PLATFORM];
const HOUR = 3_600_000;

const resourcesArb = fc.constantFrom<string[] | null | undefined>(
  undefined,
  null,
  ['r1'],
  ['r2'],
  ['r1', 'r2'],
);
const expiryArb = fc.constantFrom(undefined, null, 1, 2, 3);
const ipArb = fc.constantFrom<string[] | null | undefined>(
  undefined,
  null,
  ['127.0.0.0/8'],
  ['127.0.0.1/32'],
);
const roleArb = fc.constantFrom<Role>('owner', 'admin', 'member');

const actionArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('createKey' as const),
      actor: fc.nat(),
      owner: fc.oneof(fc.constant<'self' | null>('self'), fc.constant(null), fc.nat()),
      scopes: fc.subarray(SCOPE_POOL),
      environment: fc.constantFrom(undefined, 'live', 'test'),
      resources: resourcesArb,
      expiry: expiryArb,
      ip: ipArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('patchKey' as const),
      actor: fc.nat(),
      target: fc.nat(),
      scopes: fc.option(fc.subarray(SCOPE_POOL), { nil: undefined }),
      resources: resourcesArb,
      expiry: expiryArb,
      ip: ipArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('regenerate' as const), actor: fc.nat(), target: fc.nat() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('setKeyEnabled' as const),
      actor: fc.nat(),
      target: fc.nat(),
      enabled: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('revokeKey' as const), actor: fc.nat(), target: fc.nat() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('mint' as const),
      actor: fc.nat(),
      scopes: fc.option(fc.subarray(SCOPE_POOL), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('createUser' as const),
      actor: fc.nat(),
      role: roleArb,
      password: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('patchUser' as const),
      actor: fc.nat(),
      target: fc.nat(),
      role: fc.option(roleArb, { nil: undefined }),
      enabled: fc.option(fc.boolean(), { nil: undefined }),
      password: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('deleteUser' as const), actor: fc.nat(), target: fc.nat() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('verify' as const), actor: fc.nat(), target: fc.nat() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('probe' as const),
      actor: fc.nat(),
      route: fc.constantFrom<[string, string]>(
        ['/v1/users', 'users:read'],
        ['/v1/audit', 'audit:read'],
        ['/v1/keys', 'keys:read'],
        ['/v1/orgs', 'orgs:read'],
        ['/v1/resources', 'resources:read'],
      ),
    }),
  },
);
type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

const TALLY = new Map<string, number>();
const tally = (t: string, status: number) =>
  TALLY.set(`${t} ${status}`, (TALLY.get(`${t} ${status}`) ?? 0) + 1);

describe.each(testDialects())('%s: generated attacks on the rights model', (dialect) => {
  let world: TestWorld;
  let api: AdminApi;
  let run = 0;

  beforeAll(async () => {
    world = await createTestWorld({ dialect });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    api = adminApi(`http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`);
    for (const id of ['r1', 'r2'])
      await api.call('PUT', `/v1/resources/${id}`, { key: world.admin.apiKey }, { name: id, exposed: true });
  }, 60_000);
  afterAll(async () => world?.close());

  /** One run: fresh organizations, then the actions, each checked against the model. */
  async function attack(actions: Action[]): Promise<void> {
    run++;
    const model = new RightsModel();
    const sessions = new Map<string, Session | null>();
    const start = Date.now();
    const at = (hours: number | null | undefined) =>
      hours === undefined ? undefined : hours === null ? null : start + hours * HOUR;
    const iso = (ms: number | null | undefined) =>
      ms === undefined ? undefined : ms === null ? null : new Date(ms).toISOString();

    // The operator and its bootstrap key, as they stand (their org is the first one).
    const operator = world.admin.user;
    model.users.set(operator.id, {
      id: operator.id,
      org: operator.orgId,
      email: operator.email,
      role: 'owner',
      operator: true,
      enabled: true,
      deleted: false,
      hasPassword: true,
    });
    sessions.set(operator.id, await api.signIn(operator.email, 'correct horse battery staple'));
    const bootstrapKey: ModelKey = {
      id: world.admin.keyId,
      token: world.admin.apiKey,
      org: operator.orgId,
      owner: operator.id,
      accountable: operator.id,
      scopes: [...ORG_SCOPES, ...OPERATOR_SCOPES, ...PLATFORM, 'dedupe:check'],
      environment: 'live',
      resources: null,
      ipAllowlist: null,
      expiresAt: null,
      enabled: true,
      revoked: false,
    };
    model.keys.set(bootstrapKey.id, bootstrapKey);

    const credentialOf = async (principal: Principal): Promise<Credential> => {
      if (principal.kind === 'key') return { key: (model.keys.get(principal.id) as ModelKey).token };
      let session = sessions.get(principal.id) ?? null;
      const user = model.users.get(principal.id) as ModelUser;
      if (!session && user.hasPassword && user.enabled && !user.deleted) {
        session = await api.signIn(user.email, PASSWORD);
        sessions.set(principal.id, session);
      }
      return session ? { session } : { session: { cookie: 'kw_session=ended', csrfToken: 'none' } };
    };
    const userFromBody = (body: { id: string; email: string }): ModelUser => ({
      id: body.id,
      org: '',
      email: body.email,
      role: 'member',
      operator: false,
      enabled: true,
      deleted: false,
      hasPassword: false,
    });
    const keyFromBody = (body: { id: string; key: string }): ModelKey =>
      ({ id: body.id, token: body.key }) as ModelKey;

    // Two organizations with an owner each (signed in), and users of every role and kind.
    const orgs: { id: string; owner: string }[] = [];
    for (const name of ['B', 'C']) {
      const email = `owner-${name.toLowerCase()}${run}@${dialect}.test`;
      const made = await api.call(
        'POST',
        '/v1/orgs',
        { key: world.admin.apiKey },
        {
          name: `${name} ${run}`,
          owner: { email, name: 'Owner', password: PASSWORD },
        },
      );
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const owner = {
        ...userFromBody(made.body.owner),
        org: made.body.org.id,
        role: 'owner' as Role,
        hasPassword: true,
      };
      model.users.set(owner.id, owner);
      orgs.push({ id: owner.org, owner: owner.id });
      const session = await api.signIn(email, PASSWORD);
      sessions.set(owner.id, session);
      for (const id of ['r1', 'r2'])
        await api.call('PUT', `/v1/resources/${id}`, { session }, { name: id, exposed: true });
    }
    const [orgB, orgC] = orgs as [{ id: string; owner: string }, { id: string; owner: string }];
    const addUser = async (
      org: { id: string; owner: string },
      tag: string,
      role: Role,
      kind: string,
      password: boolean,
    ) => {
      const email = `${tag}${run}@${dialect}.test`;
      const made = await api.call('POST', '/v1/users', await credentialOf({ kind: 'user', id: org.owner }), {
        email,
        name: tag,
        role,
        kind,
        ...(password ? { password: PASSWORD } : {}),
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      model.users.set(made.body.id, { ...userFromBody(made.body), org: org.id, role, hasPassword: password });
      return made.body.id as string;
    };
    const adminB = await addUser(orgB, 'admin-b', 'admin', 'person', true);
    const memberB = await addUser(orgB, 'member-b', 'member', 'person', true);
    await addUser(orgB, 'service-b', 'member', 'service', true);
    await addUser(orgB, 'quiet-b', 'admin', 'person', false);
    await addUser(orgC, 'admin-c', 'admin', 'person', true);

    // Keys with assorted grants, made through the model's own rules.
    const seeds: [Principal, GrantSpec][] = [
      [{ kind: 'user', id: orgB.owner }, { scopes: [...ORG_SCOPES, ...PLATFORM] }],
      [
        { kind: 'user', id: adminB },
        { scopes: [...ORG_SCOPES, 'export'], owner: null },
      ],
      [
        { kind: 'user', id: adminB },
        {
          scopes: [...MEMBER_SCOPES, 'export'],
          owner: memberB,
          resources: ['r1'],
          ipAllowlist: ['127.0.0.0/8'],
          expiresAt: at(2),
        },
      ],
      [
        { kind: 'user', id: memberB },
        { scopes: ['keys:write', 'keys:read', 'export'], environment: 'test' },
      ],
      [{ kind: 'user', id: orgC.owner }, { scopes: [...ORG_SCOPES, 'deployment'] }],
    ];

    const principals = (): Principal[] => [
      ...[...model.keys.keys()].map((id) => ({ kind: 'key' as const, id })),
      ...[...model.users.values()]
        .filter((u) => u.hasPassword)
        .map((u) => ({ kind: 'user' as const, id: u.id })),
    ];
    const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
    const targetKeys = () => [...model.keys.keys()].filter((id) => id !== bootstrapKey.id);
    const targetUsers = () => [...model.users.keys()].filter((id) => id !== operator.id);

    /** Everyone's rights: keys, and users who can sign in. */
    const snapshot = () => {
      const rights = new Map<string, ModelRights | null>();
      for (const key of model.keys.keys()) rights.set(`key:${key}`, model.keyRights(key));
      for (const user of model.users.values())
        rights.set(`user:${user.id}`, user.hasPassword ? model.userRights(user.id) : null);
      return rights;
    };

    type Step = Action | { t: 'seed'; as: Principal; spec: GrantSpec };

    /** Sends one action, checks the answer against the model, applies it, checks the invariant. */
    async function perform(step: Step): Promise<void> {
      const as = step.t === 'seed' ? step.as : pick(principals(), step.actor);
      const credential = await credentialOf(as);
      const before = snapshot();
      let expected: Outcome;
      let answer: { status: number; body: any };
      let gained: string | null = null;
      const describe = `${step.t} by ${as.kind} ${as.id}`;
      switch (step.t) {
        case 'seed':
        case 'createKey': {
          const spec: GrantSpec =
            step.t === 'seed'
              ? step.spec
              : {
                  scopes: step.scopes,
                  ...(step.owner === 'self'
                    ? {}
                    : { owner: step.owner === null ? null : pick([...model.users.keys()], step.owner) }),
                  environment: step.environment,
                  resources: step.resources,
                  expiresAt: at(step.expiry),
                  ipAllowlist: step.ip,
                };
          let body: any;
          expected = model.createKey(as, spec, () => keyFromBody(body));
          answer = await api.call('POST', '/v1/keys', credential, {
            name: 'generated',
            scopes: spec.scopes,
            ...(spec.owner === undefined ? {} : { ownerId: spec.owner }),
            ...(spec.environment === undefined ? {} : { environment: spec.environment }),
            ...(spec.resources === undefined ? {} : { resources: spec.resources }),
            ...(spec.expiresAt === undefined ? {} : { expiresAt: iso(spec.expiresAt) }),
            ...(spec.ipAllowlist === undefined ? {} : { ipAllowlist: spec.ipAllowlist }),
          });
          body = answer.body;
          break;
        }
        case 'patchKey': {
          const id = pick(targetKeys(), step.target);
          const patch = {
            ...(step.scopes === undefined ? {} : { scopes: step.scopes }),
            ...(step.resources === undefined ? {} : { resources: step.resources }),
            ...(step.expiry === undefined ? {} : { expiresAt: at(step.expiry) }),
            ...(step.ip === undefined ? {} : { ipAllowlist: step.ip }),
          };
          expected = model.patchKey(as, id, patch);
          answer = await api.call('PATCH', `/v1/keys/${id}`, credential, {
            name: 'patched',
            ...patch,
            ...('expiresAt' in patch ? { expiresAt: iso(patch.expiresAt) } : {}),
          });
          break;
        }
        case 'regenerate': {
          const id = pick(targetKeys(), step.target);
          let body: any;
          expected = model.regenerate(as, id, () => body.key);
          answer = await api.call('POST', `/v1/keys/${id}/regenerate`, credential, { slot: 'primary' });
          body = answer.body;
          gained = id;
          break;
        }
        case 'setKeyEnabled': {
          const id = pick(targetKeys(), step.target);
          expected = model.setKeyEnabled(as, id, step.enabled);
          answer = await api.call(
            'POST',
            `/v1/keys/${id}/${step.enabled ? 'enable' : 'disable'}`,
            credential,
          );
          break;
        }
        case 'revokeKey': {
          const id = pick(targetKeys(), step.target);
          expected = model.revokeKey(as, id);
          answer = await api.call('DELETE', `/v1/keys/${id}`, credential);
          break;
        }
        case 'mint': {
          let body: any;
          expected = model.mint(as, step.scopes, () => keyFromBody(body));
          answer = await api.call(
            'POST',
            '/api_tokens/',
            credential,
            step.scopes ? { scopes: step.scopes } : {},
          );
          body = answer.body;
          break;
        }
        case 'createUser': {
          let body: any;
          expected = model.createUser(as, step.role, step.password, () => userFromBody(body));
          answer = await api.call('POST', '/v1/users', credential, {
            email: `made${Math.random().toString(36).slice(2, 10)}@${dialect}.test`,
            name: 'Made',
            role: step.role,
            ...(step.password ? { password: PASSWORD } : {}),
          });
          body = answer.body;
          break;
        }
        case 'patchUser': {
          const id = pick(targetUsers(), step.target);
          const patch = {
            ...(step.role === undefined ? {} : { role: step.role }),
            ...(step.enabled === undefined ? {} : { enabled: step.enabled }),
            ...(step.password ? { password: true } : {}),
          };
          expected = model.patchUser(as, id, patch);
          answer = await api.call('PATCH', `/v1/users/${id}`, credential, {
            name: 'patched',
            ...(step.role === undefined ? {} : { role: step.role }),
            ...(step.enabled === undefined ? {} : { enabled: step.enabled }),
            ...(step.password ? { password: PASSWORD } : {}),
          });
          const user = model.users.get(id) as ModelUser;
          if (
            answer.status === 200 &&
            (step.password ||
              step.enabled === false ||
              !user.enabled ||
              (step.role && step.role !== user.role))
          )
            sessions.set(id, null);
          break;
        }
        case 'deleteUser': {
          const id = pick(targetUsers(), step.target);
          expected = model.deleteUser(as, id);
          answer = await api.call('DELETE', `/v1/users/${id}`, credential);
          if (answer.status === 200) sessions.set(id, null);
          break;
        }
        case 'verify': {
          const id = pick([...model.keys.keys()], step.target);
          const want = model.verify(as, id);
          answer = await api.call('POST', '/v1/verify', credential, {
            key: (model.keys.get(id) as ModelKey).token,
          });
          expect(answer.status, `${describe}: ${JSON.stringify(answer.body)}`).toBe(want.status);
          tally(`verify ${want.code ?? ''}`, answer.status);
          if (want.code) expect(answer.body.code, `${describe} of ${id}`).toBe(want.code);
          return;
        }
        case 'probe': {
          const [path, scope] = step.route;
          expected = model.probe(as, scope);
          answer = await api.call('GET', path, credential);
          break;
        }
      }
      expect(answer.status, `${describe}: ${JSON.stringify(answer.body)}`).toBe(expected.status);
      tally(step.t, answer.status);
      if (answer.status >= 300) return;
      expected.apply?.();

      // The invariant: whatever grew, grew within what the acting principal held before.
      const actorBefore = before.get(`${as.kind}:${as.id}`) ?? null;
      const after = snapshot();
      for (const [who, now] of after) {
        const was = before.get(who) ?? null;
        if (within(now, was)) continue;
        expect(within(now, join(was, actorBefore)), `${describe} let ${who} grow beyond the actor`).toBe(
          true,
        );
      }
      // A regenerated secret hands the actor that key: it must be within what the actor held.
      if (gained)
        expect(within(model.keyRights(gained), actorBefore), `${describe} handed over ${gained}`).toBe(true);
    }

    for (const [as, spec] of seeds) await perform({ t: 'seed', as, spec });
    for (const action of actions) await perform(action);
  }

  it(
    'answers every generated action as the model predicts, and no principal ever grows beyond its grantor',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: STEPS, size: 'max' }), (actions) =>
          attack(actions),
        ),
        { numRuns: RUNS, endOnFailure: false },
      );
      const steps = [...TALLY.values()].reduce((a, b) => a + b, 0);
      console.log(
        `${dialect}: ${steps} steps — ${[...TALLY]
          .sort()
          .map(([k, v]) => `${k} ×${v}`)
          .join(', ')}`,
      );
      TALLY.clear();
    },
    RUNS * 20_000,
  );
});
