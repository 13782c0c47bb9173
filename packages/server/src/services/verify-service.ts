/**
 * @module Verify service
 *
 * The verify use case, whatever carries it: `POST /v1/verify` with a JSON body today, and any
 * transport that reads the key elsewhere (a forward-auth endpoint reading the end client's
 * headers, the gateway) by handing the same {@link VerifyInput} and saying whose keys it may
 * find ({@link VerifyBound}): a caller of `POST /v1/verify` sees only its own organization's keys
 * unless it holds the operator scope `keys:verify-all` (the platform itself). Guessing is judged per end client (`input.ip`), never per calling service: a client
 * that keeps failing is slowed, then refused (limits/failure-guard.ts).
 *
 * Expected outcomes are values (core's `VerifyResult`); only a blocked end client is an error
 * (429 `RATE_LIMITED`). Answers without a promise when nothing had to be waited for.
 */
import {
  KeywardError,
  OPERATOR_SCOPES,
  type PresentedKey,
  type ScopeQuery,
  type Verifier,
  type VerifyResult,
} from '@keyward/core';
import type { Principal } from '../auth/principal.ts';
import type { FailureGuard } from '../limits/failure-guard.ts';

/** What to verify, as any transport reads it. */
export interface VerifyInput {
  /** The key string, or its HTTP Basic pair. */
  key: PresentedKey;
  scopes?: ScopeQuery | undefined;
  resource?: string | undefined;
  /** The environment the request targets; defaults to the production one. */
  environment?: string | undefined;
  /** The end client's address: checked against the key's allowlist, and counted by the guard. */
  ip?: string | undefined;
  /** Units of rate limit and quota to spend; default 1. */
  cost?: number | undefined;
}

/** Whose keys a verification may find: one organization's (others are NOT_FOUND), or every one's. */
export type VerifyBound = { orgId: string } | { everyOrganization: true };

/** The bound of an authenticated caller: its own organization, unless it holds `keys:verify-all`. */
export function boundOf(caller: Principal): VerifyBound {
  return caller.scopes.has(OPERATOR_SCOPES.keysVerifyAll) ? EVERY_ORGANIZATION : { orgId: caller.orgId };
}

const EVERY_ORGANIZATION: VerifyBound = Object.freeze({ everyOrganization: true });

export interface VerifyService {
  /**
   * Verifies `input` among the keys `bound` allows. Throws (or rejects with) `RATE_LIMITED`
   * while the end client is blocked for guessing.
   */
  verify(input: VerifyInput, bound: VerifyBound): VerifyResult | Promise<VerifyResult>;
}

const KEY_PAIR = /^(?:key_)?([0-9a-z]{12}):([0-9A-Za-z]{39})$/;

/** A key as text: the full key, or the HTTP Basic form `keyId:secret` a middleware may have received. */
export function presentedKeyOf(text: string): PresentedKey {
  const pair = KEY_PAIR.exec(text);
  return pair ? { keyId: pair[1] as string, tail: pair[2] as string } : text;
}

export function createVerifyService(deps: {
  verifier: Verifier;
  failureGuard: FailureGuard;
  clock: () => number;
}): VerifyService {
  const { verifier, failureGuard, clock } = deps;

  /** Refuses a blocked client; a promise to wait on when it has been failing; else nothing. */
  function throttle(ip: string): Promise<void> | undefined {
    const verdict = failureGuard.check(ip, clock());
    if (verdict.action === 'delay') return new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
    if (verdict.action === 'block') {
      throw new KeywardError('RATE_LIMITED', {
        message: 'Too many failed attempts from this address. Try again later.',
        headers: { 'retry-after': String(Math.max(1, Math.ceil((verdict.retryAt - clock()) / 1000))) },
      });
    }
    return undefined;
  }

  function counted(ip: string | undefined, result: VerifyResult): VerifyResult {
    if (ip && (result.code === 'NOT_FOUND' || result.code === 'MALFORMED')) {
      failureGuard.recordFailure(ip, clock());
    }
    return result;
  }

  function run(input: VerifyInput, bound: VerifyBound): VerifyResult | Promise<VerifyResult> {
    const result = verifier.verifyNow({
      key: input.key,
      scopes: input.scopes,
      resource: input.resource,
      environment: input.environment,
      ip: input.ip,
      cost: input.cost,
      orgId: 'orgId' in bound ? bound.orgId : undefined,
    });
    return result instanceof Promise
      ? result.then((settled) => counted(input.ip, settled))
      : counted(input.ip, result);
  }

  return {
    verify(input, bound) {
      const throttled = input.ip ? throttle(input.ip) : undefined;
      return throttled ? throttled.then(() => run(input, bound)) : run(input, bound);
    },
  };
}
