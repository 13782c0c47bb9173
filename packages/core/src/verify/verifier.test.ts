import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { formatKey, generateKeyId, generateSecret } from '../key-format/index.ts';
import type { ApiKey, KeySecret } from '../model.ts';
import { createSecretHasher } from '../secret/secret-hasher.ts';
import type { KeyLookup, QuotaLedger, RateLimiter, VerificationSink } from './ports.ts';
import { toVerifiableKey, type VerifiableKey } from './verifiable-key.ts';
import { createVerifier } from './verifier.ts';

const NOW = 1_800_000_000_000;
const hasher = createSecretHasher({ peppers: [{ version: 1, secret: randomBytes(32) }] });

/** A key in an in-memory lookup, with its full key string. */
function issue(
  overrides: Partial<ApiKey> = {},
  options: { ownerEnabled?: boolean; secretExpiresAt?: number | null } = {},
) {
  const keyId = generateKeyId();
  const secret = generateSecret();
  const apiKey: ApiKey = {
    id: `key_${keyId}`,
    orgId: 'org_1',
    name: 'integration',
    ownerId: 'usr_1',
    accountableUserId: 'usr_1',
    createdBy: { type: 'system', id: null, name: null },
    environment: 'live',
    scopes: ['export'],
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
  const stored: KeySecret = {
    id: 'sec_1',
    keyId: apiKey.id,
    slot: 'primary',
    ...hasher.hash(secret),
    hint: 'abcd',
    createdAt: NOW,
    expiresAt: options.secretExpiresAt ?? null,
  };
  const verifiable = toVerifiableKey(apiKey, [stored], {
    id: 'usr_1',
    orgId: 'org_1',
    enabled: options.ownerEnabled ?? true,
    role: 'admin',
    isOperator: false,
  });
  return {
    token: formatKey({ prefix: 'kw', environment: apiKey.environment, keyId, secret }),
    verifiable,
    keyId,
    secret,
  };
}

/** Whether the lookup of `setup` has a synchronous cache, as the server's does (the suite runs both ways). */
let withCache = false;

function setup(keys: VerifiableKey[], extra: { rateLimiter?: RateLimiter; quota?: QuotaLedger } = {}) {
  const byId = new Map(keys.map((k) => [k.keyId, k]));
  const lookup: KeyLookup = {
    findByKeyId: vi.fn(async (id: string) => byId.get(id)),
    ...(withCache && { cached: (id: string) => byId.get(id) }),
  };
  const sink: VerificationSink & { events: unknown[] } = {
    events: [],
    record: (e) => sink.events.push(e.code),
  };
  const verifier = createVerifier({
    prefix: 'kw',
    lookup,
    hasher,
    environments: { productionSlug: () => 'live', slugs: () => ['live', 'test'] },
    clock: () => clock.now,
    sink,
    ...extra,
  });
  return { verifier, lookup, sink, byId };
}
const clock = { now: NOW };

describe.each([false, true])('verifier (lookup with a synchronous cache: %s)', (cache) => {
  beforeEach(() => {
    withCache = cache;
    clock.now = NOW;
  });

  it('answers VALID with the identity to hand downstream', async () => {
    const k = issue();
    const { verifier, sink } = setup([k.verifiable]);
    const result = await verifier.verify({ key: k.token, scopes: ['export'] });
    expect(result).toMatchObject({
      valid: true,
      code: 'VALID',
      key: {
        id: k.verifiable.id,
        name: 'integration',
        orgId: 'org_1',
        ownerId: 'usr_1',
        metadata: { team: 'ops' },
      },
    });
    expect(sink.events).toEqual(['VALID']);
  });

  it('answers MALFORMED for a checksum typo without a lookup', async () => {
    const k = issue();
    const { verifier, lookup, sink } = setup([k.verifiable]);
    const last = k.token.at(-1) === 'A' ? 'B' : 'A';
    expect(await verifier.verify({ key: k.token.slice(0, -1) + last })).toEqual({
      valid: false,
      code: 'MALFORMED',
    });
    expect(lookup.findByKeyId).not.toHaveBeenCalled();
    expect(sink.events).toEqual([]);
  });

  it('answers NOT_FOUND alike for an unknown id, a wrong secret, a revoked key and a moved environment', async () => {
    const good = issue();
    const revoked = issue({ revokedAt: NOW - 1 });
    const moved = issue();
    const { verifier, sink } = setup([
      good.verifiable,
      revoked.verifiable,
      { ...moved.verifiable, environment: 'test' },
    ]);
    const unknown = issue();
    const wrongSecret = formatKey({
      prefix: 'kw',
      environment: 'live',
      keyId: good.keyId,
      secret: generateSecret(),
    });
    for (const token of [unknown.token, wrongSecret, revoked.token, moved.token]) {
      expect(await verifier.verify({ key: token })).toEqual({ valid: false, code: 'NOT_FOUND' });
    }
    expect(sink.events).toEqual([]);
  });

  it('answers DISABLED for a disabled key and for a key whose owner is disabled', async () => {
    const disabled = issue({ enabled: false });
    const orphan = issue({}, { ownerEnabled: false });
    const { verifier } = setup([disabled.verifiable, orphan.verifiable]);
    expect((await verifier.verify({ key: disabled.token })).code).toBe('DISABLED');
    expect((await verifier.verify({ key: orphan.token })).code).toBe('DISABLED');
  });

  it('answers EXPIRED, ENVIRONMENT_MISMATCH, INSUFFICIENT_SCOPE and RESOURCE_FORBIDDEN', async () => {
    const expired = issue({ expiresAt: NOW - 1 });
    const k = issue({ resources: ['wf-1'] });
    const { verifier } = setup([expired.verifiable, k.verifiable]);
    expect((await verifier.verify({ key: expired.token })).code).toBe('EXPIRED');
    expect((await verifier.verify({ key: k.token, environment: 'test' })).code).toBe('ENVIRONMENT_MISMATCH');
    expect((await verifier.verify({ key: k.token, scopes: { anyOf: ['deployment'] } })).code).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect((await verifier.verify({ key: k.token, resource: 'wf-2' })).code).toBe('RESOURCE_FORBIDDEN');
    expect((await verifier.verify({ key: k.token, resource: 'wf-1' })).code).toBe('VALID');
  });

  it('verifies the Basic-auth pair form', async () => {
    const k = issue({ environment: 'test' });
    const { verifier } = setup([k.verifiable]);
    const tail = k.token.slice(-39);
    expect((await verifier.verify({ key: { keyId: k.keyId, tail }, environment: 'test' })).code).toBe(
      'VALID',
    );
    // The last checksum character changed (to one it cannot already be).
    const typo = `${tail.slice(0, -1)}${tail.endsWith('0') ? '1' : '0'}`;
    expect((await verifier.verify({ key: { keyId: k.keyId, tail: typo } })).code).toBe('MALFORMED');
  });

  it('stops accepting a secret once its grace period has passed', async () => {
    const k = issue({}, { secretExpiresAt: NOW });
    const { verifier } = setup([k.verifiable]);
    expect((await verifier.verify({ key: k.token })).code).toBe('NOT_FOUND');
  });

  it('still rejects a wrong secret after the right one was verified and remembered', async () => {
    const k = issue();
    const { verifier } = setup([k.verifiable]);
    expect((await verifier.verify({ key: k.token })).code).toBe('VALID');
    expect((await verifier.verify({ key: k.token })).code).toBe('VALID');
    const wrong = formatKey({ prefix: 'kw', environment: 'live', keyId: k.keyId, secret: generateSecret() });
    expect((await verifier.verify({ key: wrong })).code).toBe('NOT_FOUND');
  });

  it('forgets a remembered secret when its grace period ends', async () => {
    const k = issue({}, { secretExpiresAt: NOW + 1000 });
    const { verifier } = setup([k.verifiable]);
    expect((await verifier.verify({ key: k.token })).code).toBe('VALID');
    clock.now = NOW + 1000;
    expect((await verifier.verify({ key: k.token })).code).toBe('NOT_FOUND');
  });

  it('checks a credential that differs in any byte from one it proved, and answers it on its own', async () => {
    const k = issue();
    const pair = { keyId: k.keyId, tail: k.token.slice(-39) };
    const { verifier } = setup([k.verifiable]);
    expect((await verifier.verify({ key: k.token })).code).toBe('VALID');
    expect((await verifier.verify({ key: pair })).code).toBe('VALID');
    // Same id and secret, another checksum; the same id and tail under another prefix or
    // environment; the pair with a checksum typo.
    const typo = `${k.token.slice(0, -1)}${k.token.endsWith('0') ? '1' : '0'}`;
    const tail = k.token.slice(k.token.lastIndexOf('_'));
    const pairTypo = { ...pair, tail: typo.slice(-39) };
    for (const token of [typo, `kx_live_${k.keyId}${tail}`, `kw_test_${k.keyId}${tail}`, pairTypo]) {
      expect((await verifier.verify({ key: token })).code).toBe('MALFORMED');
    }
    expect((await verifier.verify({ key: k.token })).code).toBe('VALID');
  });
  it('finds only keys of the given organization', async () => {
    const k = issue();
    const { verifier } = setup([k.verifiable]);
    expect((await verifier.verify({ key: k.token, orgId: 'org_2' })).code).toBe('NOT_FOUND');
    expect((await verifier.verify({ key: k.token, orgId: 'org_1' })).code).toBe('VALID');
  });

  it('answers without a promise only when nothing had to be waited for', async () => {
    const plain = issue();
    const limited = issue({ rateLimit: { limit: 5, windowSeconds: 60 } });
    const rateLimiter: RateLimiter = {
      consume: async () => ({ allowed: true, limit: 5, remaining: 4, resetAt: NOW + 60_000 }),
    };
    const { verifier } = setup([plain.verifiable, limited.verifiable], { rateLimiter });
    const first = verifier.verifyNow({ key: plain.token });
    // Without a cache the key is read from the store, which is a promise every time.
    expect(first instanceof Promise).toBe(!cache);
    expect((await first).code).toBe('VALID');
    const again = verifier.verifyNow({ key: plain.token, scopes: ['nope'] });
    expect(again instanceof Promise).toBe(!cache);
    expect((await again).code).toBe('INSUFFICIENT_SCOPE');
    // A rate limit is a port to wait for, cached key or not.
    const spent = verifier.verifyNow({ key: limited.token });
    expect(spent).toBeInstanceOf(Promise);
    expect(await spent).toMatchObject({ code: 'VALID', ratelimit: { remaining: 4 } });
    expect(verifier.verifyNow({ key: 'kw_live_nonsense' })).toEqual({ valid: false, code: 'MALFORMED' });
  });

  it('answers RATE_LIMITED, then USAGE_EXCEEDED, after the policy checks', async () => {
    const limited = issue({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const metered = issue({ quota: { remaining: 0, refill: null } });
    const rateLimiter: RateLimiter = {
      consume: async () => ({ allowed: false, limit: 1, remaining: 0, resetAt: NOW + 60_000 }),
    };
    const quota: QuotaLedger = { spend: async () => ({ allowed: false, remaining: 0 }) };
    const { verifier } = setup([limited.verifiable, metered.verifiable], { rateLimiter, quota });
    expect(await verifier.verify({ key: limited.token })).toMatchObject({
      code: 'RATE_LIMITED',
      ratelimit: { limit: 1, remaining: 0, resetAt: NOW + 60_000 },
    });
    expect(await verifier.verify({ key: metered.token })).toMatchObject({
      code: 'USAGE_EXCEEDED',
      remaining: 0,
    });
    // A policy failure wins over the limits.
    expect((await verifier.verify({ key: limited.token, scopes: ['nope'] })).code).toBe('INSUFFICIENT_SCOPE');
  });
});

describe.each([false, true])('verifier with a credential memo (synchronous cache: %s)', (cache) => {
  beforeEach(() => {
    withCache = cache;
    clock.now = NOW;
  });

  it('vouches for the credential it proved only while the same key record is cached', async () => {
    const k = issue({ scopes: ['export', 'keys:verify'] });
    const { verifier, byId, lookup } = setup([k.verifiable]);
    const memo = {};
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('VALID');
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('VALID');
    if (!cache) {
      // Without a cache there is nothing to vouch against: every call looks the key up.
      expect(lookup.findByKeyId).toHaveBeenCalledTimes(2);
      return;
    }
    expect(lookup.findByKeyId).not.toHaveBeenCalled();
    // A change reloads the record: the memo no longer vouches, the new record decides.
    byId.set(k.keyId, { ...k.verifiable, enabled: false });
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('DISABLED');
    byId.set(k.keyId, { ...k.verifiable, revoked: true });
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('NOT_FOUND');
    byId.delete(k.keyId);
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('NOT_FOUND');
  });

  it('still runs every check but the secret for a remembered credential', async () => {
    const k = issue({ resources: ['wf-1'], expiresAt: NOW + 5000 });
    const { verifier, sink } = setup([k.verifiable]);
    const memo = {};
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('VALID');
    expect((await verifier.verify({ key: k.token, memo, orgId: 'org_2' })).code).toBe('NOT_FOUND');
    expect((await verifier.verify({ key: k.token, memo, scopes: ['deployment'] })).code).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect((await verifier.verify({ key: k.token, memo, resource: 'wf-2' })).code).toBe('RESOURCE_FORBIDDEN');
    expect((await verifier.verify({ key: k.token, memo, environment: 'test' })).code).toBe(
      'ENVIRONMENT_MISMATCH',
    );
    clock.now = NOW + 5000;
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('EXPIRED');
    expect(sink.events).toEqual([
      'VALID',
      'INSUFFICIENT_SCOPE',
      'RESOURCE_FORBIDDEN',
      'ENVIRONMENT_MISMATCH',
      'EXPIRED',
    ]);
  });

  it('checks any other credential in full, and ends with the grace period of the secret it proved', async () => {
    const k = issue({}, { secretExpiresAt: NOW + 1000 });
    const { verifier } = setup([k.verifiable]);
    const memo = {};
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('VALID');
    const wrong = formatKey({ prefix: 'kw', environment: 'live', keyId: k.keyId, secret: generateSecret() });
    expect((await verifier.verify({ key: wrong, memo })).code).toBe('NOT_FOUND');
    expect((await verifier.verify({ key: `${k.token.slice(0, -1)}_`, memo })).code).toBe('MALFORMED');
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('VALID');
    clock.now = NOW + 1000;
    expect((await verifier.verify({ key: k.token, memo })).code).toBe('NOT_FOUND');
  });
});
