import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../model.ts';
import { toVerifiableKey } from '../verify/verifiable-key.ts';
import { compileIpAllowlist, isValidCidr } from './ip-allowlist.ts';
import { checkKeyPolicy } from './key-policy.ts';
import { satisfiesScopes } from './scope-query.ts';

const NOW = 1_800_000_000_000;

function key(overrides: Partial<ApiKey> = {}, ownerEnabled = true) {
  const base: ApiKey = {
    id: 'key_abcdefghijkl',
    orgId: 'org_1',
    name: 'k',
    ownerId: 'usr_1',
    accountableUserId: 'usr_1',
    createdBy: { type: 'system', id: null, name: null },
    environment: 'live',
    scopes: ['export'],
    resources: ['wf-1'],
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    metadata: {},
    rateLimit: null,
    quota: null,
    ipAllowlist: ['10.0.0.0/8'],
    createdAt: NOW,
    updatedAt: NOW,
    lastUsedAt: null,
  };
  return toVerifiableKey({ ...base, ...overrides }, [], {
    id: 'usr_1',
    orgId: 'org_1',
    enabled: ownerEnabled,
    role: 'admin',
    isOperator: false,
  });
}

const good = { environment: 'live', scopes: ['export'], resource: 'wf-1', ip: '10.1.2.3' };

describe('key policy', () => {
  it('passes a key that meets every condition', () => {
    expect(checkKeyPolicy(key(), good, NOW)).toBeUndefined();
  });

  it('returns the first failing check in the order of VERIFY_CODES when several fail', () => {
    const failures = {
      DISABLED: key({ enabled: false, expiresAt: NOW - 1, environment: 'test' }),
      EXPIRED: key({ expiresAt: NOW - 1, environment: 'test' }),
      ENVIRONMENT_MISMATCH: key({ environment: 'test', ipAllowlist: ['192.168.0.0/16'] }),
      IP_FORBIDDEN: key({ ipAllowlist: ['192.168.0.0/16'], scopes: [] }),
      INSUFFICIENT_SCOPE: key({ scopes: [], resources: ['other'] }),
      RESOURCE_FORBIDDEN: key({ resources: ['other'] }),
    };
    for (const [code, k] of Object.entries(failures)) expect(checkKeyPolicy(k, good, NOW)).toBe(code);
  });

  it('returns DISABLED for a key whose owner is disabled', () => {
    expect(checkKeyPolicy(key({}, false), good, NOW)).toBe('DISABLED');
  });

  it('returns EXPIRED for a key past expiresAt, and not a millisecond before', () => {
    expect(checkKeyPolicy(key({ expiresAt: NOW }), good, NOW)).toBe('EXPIRED');
    expect(checkKeyPolicy(key({ expiresAt: NOW + 1 }), good, NOW)).toBeUndefined();
  });

  it('lets a key without a resource list reach every resource', () => {
    expect(checkKeyPolicy(key({ resources: null }), { ...good, resource: 'anything' }, NOW)).toBeUndefined();
  });
});

describe('scope queries', () => {
  const granted = new Set(['a', 'b']);
  it('reads a list as all-of and an empty list as satisfied', () => {
    expect(satisfiesScopes(granted, ['a', 'b'])).toBe(true);
    expect(satisfiesScopes(granted, ['a', 'c'])).toBe(false);
    expect(satisfiesScopes(granted, [])).toBe(true);
  });
  it('nests anyOf and allOf', () => {
    expect(satisfiesScopes(granted, { anyOf: ['c', 'a'] })).toBe(true);
    expect(satisfiesScopes(granted, { anyOf: ['c', { allOf: ['a', 'd'] }] })).toBe(false);
    expect(satisfiesScopes(granted, { allOf: ['b', { anyOf: ['x', 'a'] }] })).toBe(true);
  });
});

describe('IP allowlists', () => {
  const list = compileIpAllowlist(['10.0.0.0/8', '2001:db8::/32', '203.0.113.7']);
  it('matches IPv4, IPv6, single addresses and IPv4-mapped IPv6', () => {
    expect(list.allows('10.255.0.1')).toBe(true);
    expect(list.allows('::ffff:10.0.0.1')).toBe(true);
    expect(list.allows('2001:db8:1::1')).toBe(true);
    expect(list.allows('203.0.113.7')).toBe(true);
    expect(list.allows('203.0.113.8')).toBe(false);
    expect(list.allows('2001:db9::1')).toBe(false);
  });
  it('refuses a missing or invalid address', () => {
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
  });
  it('validates CIDRs', () => {
    expect(isValidCidr('10.0.0.0/8')).toBe(true);
    expect(isValidCidr('::1')).toBe(true);
    expect(isValidCidr('10.0.0.0/33')).toBe(false);
    expect(isValidCidr('hello')).toBe(false);
  });
});
