import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_KEYWARD_SCOPES, ALL_OPERATOR_SCOPES } from '../catalog.ts';
import type { Role } from '../model.ts';
import { cidrWithin } from '../policy/ip-allowlist.ts';
import { grantExcess, inheritedLimits, rightsWithin, scopeBeyondAccountable } from './key-grant.ts';
import {
  type KeyGrant,
  keyRights,
  mayAssignRole,
  mayManageUser,
  mayOpenSignIn,
  type Rights,
  systemRights,
  type UserState,
  userRights,
} from './rights.ts';

const PLATFORM = ['deployment', 'export', 'process:start', 'dedupe:check'];
const SCOPES = [...ALL_KEYWARD_SCOPES, ...ALL_OPERATOR_SCOPES, ...PLATFORM];
const NOW = 1_800_000_000_000;

const roleArb = fc.constantFrom<Role>('owner', 'admin', 'member');
const userArb = (org = 'org_1'): fc.Arbitrary<UserState> =>
  fc.record({
    id: fc.constantFrom('usr_a', 'usr_b', 'usr_c'),
    orgId: fc.constant(org),
    role: roleArb,
    isOperator: fc.boolean(),
    enabled: fc.boolean(),
  });
const grantArb: fc.Arbitrary<KeyGrant> = fc.record({
  scopes: fc.subarray(SCOPES),
  resources: fc.option(fc.subarray(['r1', 'r2', 'r3']), { nil: null }),
  environment: fc.constantFrom('live', 'test'),
  ipAllowlist: fc.option(fc.subarray(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '192.168.0.0/24']), {
    nil: null,
  }),
  expiresAt: fc.option(
    fc.integer({ min: 1, max: 48 }).map((h) => NOW + h * 3_600_000),
    { nil: null },
  ),
  rateLimit: fc.option(
    fc.record({ limit: fc.integer({ min: 1, max: 100 }), windowSeconds: fc.constantFrom(1, 60, 3600) }),
    { nil: null },
  ),
  quota: fc.option(
    fc.record({
      remaining: fc.integer({ min: 0, max: 1000 }),
      refill: fc.option(
        fc.record({
          amount: fc.integer({ min: 1, max: 1000 }),
          intervalSeconds: fc.constantFrom(60, 86_400),
        }),
        { nil: null },
      ),
    }),
    { nil: null },
  ),
});
const keyArb = fc.record({ grant: grantArb, user: fc.option(userArb(), { nil: null }) });
const rightsOf = ({ grant, user }: { grant: KeyGrant; user: UserState | null }): Rights =>
  keyRights({ ...grant, orgId: 'org_1', accountable: user });

describe('rights', () => {
  it('gives a key no Keyward or operator scope that it was not granted or its user cannot use now', () => {
    fc.assert(
      fc.property(grantArb, userArb(), (grant, user) => {
        const key = keyRights({ ...grant, orgId: 'org_1', accountable: user });
        const person = userRights(user);
        for (const scope of key.scopes) {
          expect(grant.scopes).toContain(scope);
          expect(person.scopes.has(scope)).toBe(true);
        }
        if (!user.enabled) expect(key.scopes.size).toBe(0);
        expect(rightsWithin(key, person)).toBe(true);
      }),
    );
  });

  it('gives operator scopes only to operators, and keys without a user no Keyward scope', () => {
    fc.assert(
      fc.property(userArb(), grantArb, (user, grant) => {
        const person = userRights(user);
        for (const scope of ALL_OPERATOR_SCOPES)
          expect(person.scopes.has(scope)).toBe(user.isOperator && user.enabled);
        expect(keyRights({ ...grant, orgId: 'org_1', accountable: null }).scopes.size).toBe(0);
      }),
    );
  });

  it('orders rights: within is reflexive and transitive', () => {
    fc.assert(
      fc.property(keyArb, keyArb, keyArb, (a, b, c) => {
        const [x, y, z] = [rightsOf(a), rightsOf(b), rightsOf(c)];
        expect(rightsWithin(x, x)).toBe(true);
        if (rightsWithin(x, y) && rightsWithin(y, z)) expect(rightsWithin(x, z)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets a key make only keys whose rights lie within its own', () => {
    fc.assert(
      fc.property(keyArb, grantArb, (maker, asked) => {
        const rights = rightsOf(maker);
        // A child is accountable to the maker's user, as the key service makes it.
        const child = { grant: { ...asked }, user: maker.user };
        if (grantExcess(rights, child.grant) === null)
          expect(rightsWithin(rightsOf(child), rights)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('finds every dimension of a maker that a child leaves out within the maker, once inherited', () => {
    fc.assert(
      fc.property(keyArb, fc.subarray(SCOPES), (maker, scopes) => {
        const rights = rightsOf(maker);
        const limits = inheritedLimits(rights, {});
        const child: KeyGrant = {
          scopes: scopes.filter((s) => rights.scopes.has(s) || rights.platformScopes?.has(s)),
          environment: limits.environment ?? 'live',
          resources: limits.resources ?? null,
          ipAllowlist: limits.ipAllowlist ?? null,
          expiresAt: limits.expiresAt ?? null,
          rateLimit: limits.rateLimit ?? null,
          quota: limits.quota ?? null,
        };
        expect(grantExcess(rights, child)).toBeNull();
      }),
    );
  });

  it('names the first scope a key would hold that its accountable user cannot use', () => {
    const member = userRights({
      id: 'usr_m',
      orgId: 'org_1',
      role: 'member',
      isOperator: false,
      enabled: true,
    });
    expect(scopeBeyondAccountable(member, ['export', 'keys:read', 'users:write', 'audit:read'])).toBe(
      'users:write',
    );
    expect(scopeBeyondAccountable(member, ['export', 'keys:read'])).toBeNull();
    expect(scopeBeyondAccountable(null, ['export'])).toBeNull();
    expect(scopeBeyondAccountable(null, ['keys:read'])).toBe('keys:read');
  });

  it('manages users by rank, operators only by operators, and gives roles only with their scopes', () => {
    fc.assert(
      fc.property(userArb(), userArb(), (a, b) => {
        const actor = userRights(a);
        const rank = { owner: 3, admin: 2, member: 1 };
        const expected =
          a.id === b.id ||
          (!(b.isOperator && !a.isOperator) && a.role !== 'member' && rank[a.role] >= rank[b.role]);
        expect(mayManageUser(actor, b)).toBe(expected);
      }),
    );
    const admin = userRights({
      id: 'usr_a',
      orgId: 'org_1',
      role: 'admin',
      isOperator: false,
      enabled: true,
    });
    expect(mayAssignRole(admin, 'admin')).toBe(true);
    expect(mayAssignRole(admin, 'owner')).toBe(false);
    const narrow = keyRights({
      scopes: ['users:write'],
      resources: null,
      environment: 'live',
      ipAllowlist: null,
      expiresAt: null,
      rateLimit: null,
      quota: null,
      orgId: 'org_1',
      accountable: { id: 'usr_a', orgId: 'org_1', role: 'owner', isOperator: false, enabled: true },
    });
    // The rank is there, the scopes of the role are not.
    expect(mayAssignRole(narrow, 'member')).toBe(false);
    expect(mayOpenSignIn(admin, { role: 'member' })).toBe(true);
    expect(mayOpenSignIn(narrow, { role: 'member' })).toBe(false);
    expect(
      mayManageUser(systemRights('org_1'), { id: 'usr_x', orgId: 'org_1', role: 'owner', isOperator: true }),
    ).toBe(true);
    expect(mayManageUser(admin, { id: 'usr_x', orgId: 'org_2', role: 'member', isOperator: false })).toBe(
      false,
    );
  });

  it('keeps an address range within another only when every address of it is', () => {
    expect(cidrWithin('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(cidrWithin('10.1.0.0/16', ['10.0.0.0/8'])).toBe(true);
    expect(cidrWithin('10.0.0.0/8', ['10.1.0.0/16'])).toBe(false);
    expect(cidrWithin('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(cidrWithin('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(cidrWithin('2001:db8::/16', ['2001:db8::/32'])).toBe(false);
    expect(cidrWithin('10.0.0.1', ['::/0'])).toBe(false);
    expect(cidrWithin('not an address', ['0.0.0.0/0'])).toBe(false);
  });
});
