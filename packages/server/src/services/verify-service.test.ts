import type { Verifier, VerifyRequest, VerifyResult } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { systemPrincipal } from '../auth/principal.ts';
import { createFailureGuard } from '../limits/failure-guard.ts';
import { boundOf, createVerifyService, presentedKeyOf } from './verify-service.ts';

/** A verifier that answers `code` and remembers what it was asked. */
function fakeVerifier(code: VerifyResult['code']) {
  const asked: VerifyRequest[] = [];
  const verifier: Verifier = {
    verifyNow(request) {
      asked.push(request);
      return { valid: code === 'VALID', code };
    },
    async verify(request) {
      return this.verifyNow(request);
    },
  };
  return { verifier, asked };
}

const KEY = 'kw_live_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

describe('verify service', () => {
  it('finds only the caller organization’s keys unless the caller may verify every organization’s', () => {
    const tenant = { ...systemPrincipal('org_tenant'), scopes: new Set(['keys:verify']) };
    expect(boundOf(tenant)).toEqual({ orgId: 'org_tenant' });
    const platform = { ...tenant, scopes: new Set(['keys:verify', 'keys:verify-all']) };
    expect(boundOf(platform)).toEqual({ everyOrganization: true });

    const { verifier, asked } = fakeVerifier('VALID');
    const service = createVerifyService({ verifier, failureGuard: createFailureGuard(), clock: () => 0 });
    service.verify({ key: KEY }, { orgId: 'org_tenant' });
    service.verify({ key: KEY }, { everyOrganization: true });
    expect(asked.map((request) => request.orgId)).toEqual(['org_tenant', undefined]);
  });

  it('answers without a promise when the verifier does', () => {
    const { verifier } = fakeVerifier('VALID');
    const service = createVerifyService({ verifier, failureGuard: createFailureGuard(), clock: () => 0 });
    expect(service.verify({ key: KEY, ip: '192.0.2.1' }, { orgId: 'org_a' })).toEqual({
      valid: true,
      code: 'VALID',
    });
  });

  it('counts failed guesses per end client, then slows and refuses that client alone', () => {
    const now = 1_000_000;
    const failureGuard = createFailureGuard();
    const { verifier } = fakeVerifier('NOT_FOUND');
    const service = createVerifyService({ verifier, failureGuard, clock: () => now });
    const bound = { orgId: 'org_a' };
    for (let i = 0; i < 5; i++) service.verify({ key: KEY, ip: '192.0.2.66' }, bound);
    // Five failures counted: the client's next attempt waits, another client's does not.
    expect(failureGuard.check('192.0.2.66', now)).toMatchObject({ action: 'delay' });
    expect(service.verify({ key: KEY, ip: '192.0.2.67' }, bound)).not.toBeInstanceOf(Promise);
    for (let i = 0; i < 15; i++) failureGuard.recordFailure('192.0.2.66', now);
    expect(() => service.verify({ key: KEY, ip: '192.0.2.66' }, bound)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', headers: { 'retry-after': '300' } }),
    );
    // Without an end client's address nothing is counted or held back.
    expect(service.verify({ key: KEY }, bound)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('reads the HTTP Basic form keyId:secret as a key pair, anything else as a key string', () => {
    const tail = 'b'.repeat(39);
    expect(presentedKeyOf(`aaaaaaaaaaaa:${tail}`)).toEqual({ keyId: 'aaaaaaaaaaaa', tail });
    expect(presentedKeyOf(`key_aaaaaaaaaaaa:${tail}`)).toEqual({ keyId: 'aaaaaaaaaaaa', tail });
    expect(presentedKeyOf(KEY)).toBe(KEY);
  });
});
