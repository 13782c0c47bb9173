import { type ApiKey, toVerifiableKey } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { keyView } from './key-views.ts';

const NOW = 1_800_000_000_000;

function load(overrides: Partial<ApiKey> = {}) {
  const key: ApiKey = {
    id: 'key_abcdefghijkl',
    orgId: 'org_1',
    name: 'service',
    ownerId: 'usr_1',
    accountableUserId: 'usr_1',
    createdBy: { type: 'system', id: null, name: null },
    environment: 'live',
    scopes: ['export', 'keys:verify', 'users:write'],
    resources: null,
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    metadata: { team: 'ops' },
    rateLimit: null,
    quota: null,
    ipAllowlist: null,
    createdAt: NOW,
    updatedAt: NOW,
    lastUsedAt: null,
    ...overrides,
  };
  return toVerifiableKey(key, [], {
    id: 'usr_1',
    orgId: 'org_1',
    enabled: true,
    role: 'member',
    isOperator: false,
  });
}

describe('key views', () => {
  it('derives one view per loaded key: the same object for the same load, a new one for a reload', () => {
    const loaded = load();
    expect(keyView(loaded.identity)).toBe(keyView(loaded.identity));
    const reloaded = load({ name: 'renamed' });
    expect(keyView(reloaded.identity)).not.toBe(keyView(loaded.identity));
    expect(keyView(reloaded.identity).shown.name).toBe('renamed');
  });

  it('grants the key its scopes within its accountable user’s rights, and shows none of its grant but scopes', () => {
    const view = keyView(load().identity);
    // A member may verify keys but not manage users: the key's users:write is not usable.
    expect([...view.principal.scopes]).toEqual(['keys:verify']);
    expect(view.principal).toMatchObject({
      kind: 'key',
      orgId: 'org_1',
      actor: { type: 'key', id: 'key_abcdefghijkl' },
    });
    expect(Object.isFrozen(view.principal)).toBe(true);
    expect(view.shown).toEqual({
      id: 'key_abcdefghijkl',
      name: 'service',
      orgId: 'org_1',
      ownerId: 'usr_1',
      environment: 'live',
      scopes: ['export', 'keys:verify', 'users:write'],
      metadata: { team: 'ops' },
    });
  });
});
