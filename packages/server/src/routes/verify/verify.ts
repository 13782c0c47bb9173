/**
 * @module Verify route
 *
 * `POST /v1/verify`: the platform's services ask whether a key is good for a scope, resource
 * and environment. Every outcome is a 200 with `{ valid, code }`; HTTP errors are kept for a
 * bad request or a bad caller credential. A caller sees only its own organization's keys,
 * unless it holds the operator scope `keys:verify-all` (the platform itself).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  KEYWARD_SCOPES,
  type KeyIdentity,
  OPERATOR_SCOPES,
  type PresentedKey,
  type VerifyResult,
} from '@keyward/core';
import type { Static } from '@sinclair/typebox';
import { type AppContext, principalOf } from '../../app/app-context.ts';
import { throttleGuessing } from '../../auth/authenticator.ts';
import type { Principal } from '../../auth/principal.ts';
import { adminSecurity, errorResponses } from '../../schemas/common.ts';
import { VerifyBody, VerifyResponse } from '../../schemas/verify.schema.ts';

/** The Keyward scope a caller of `POST /v1/verify` needs. */
export const VERIFY_CALLER_SCOPES = [KEYWARD_SCOPES.keysVerify] as const;

const KEY_PAIR = /^(?:key_)?([0-9a-z]{12}):([0-9A-Za-z]{39})$/;

/** The full key, or the HTTP Basic form `keyId:secret` that a middleware may have received. */
function presentedKey(key: string): PresentedKey {
  const pair = KEY_PAIR.exec(key);
  return pair ? { keyId: pair[1] as string, tail: pair[2] as string } : key;
}

export type VerifyAnswer = Static<typeof VerifyResponse>;
type PublicIdentity = NonNullable<VerifyAnswer['key']>;

/**
 * What the answer shows of a key, one object per loaded key as the verifier's identity is
 * (both are immutable; a change to the key loads a new one), instead of one per verification.
 */
const publicIdentities = new WeakMap<KeyIdentity, PublicIdentity>();
function publicIdentityOf(identity: KeyIdentity): PublicIdentity {
  let shown = publicIdentities.get(identity);
  if (!shown) {
    shown = {
      id: identity.id,
      name: identity.name,
      orgId: identity.orgId,
      ownerId: identity.ownerId,
      environment: identity.environment,
      scopes: identity.scopes as string[],
      metadata: identity.metadata,
    };
    publicIdentities.set(identity, shown);
  }
  return shown;
}

/**
 * Answers a verify request of an authenticated caller: the body of the 200. Shared by the
 * Fastify route and the fast path ({@link createVerifyFastPath}), which differ only in how
 * the request reaches here. Answers without a promise when nothing had to be waited for.
 */
export function answerVerification(
  ctx: AppContext,
  principal: Principal,
  body: Static<typeof VerifyBody>,
): VerifyAnswer | Promise<VerifyAnswer> {
  // Guessing is judged per end client (body.ip), never per calling service.
  const throttled = body.ip ? throttleGuessing(ctx, body.ip) : undefined;
  if (throttled) return throttled.then(() => verifyKeyOf(ctx, principal, body));
  return verifyKeyOf(ctx, principal, body);
}

function verifyKeyOf(
  ctx: AppContext,
  principal: Principal,
  body: Static<typeof VerifyBody>,
): VerifyAnswer | Promise<VerifyAnswer> {
  const result = ctx.verification.verifier.verifyNow({
    key: presentedKey(body.key),
    scopes: body.scopes,
    resource: body.resource,
    environment: body.environment,
    ip: body.ip,
    cost: body.cost,
    orgId: principal.scopes.has(OPERATOR_SCOPES.keysVerifyAll) ? undefined : principal.orgId,
  });
  return result instanceof Promise
    ? result.then((settled) => answerOf(ctx, body, settled))
    : answerOf(ctx, body, result);
}

/** The answer to show for a verifier's result; counts a failed guess of the end client. */
function answerOf(ctx: AppContext, body: Static<typeof VerifyBody>, result: VerifyResult): VerifyAnswer {
  if (body.ip && (result.code === 'NOT_FOUND' || result.code === 'MALFORMED')) {
    ctx.failureGuard.recordFailure(body.ip, ctx.clock());
  }
  // Built field by field: this runs on every verification, and spreads cost more here.
  const answer: VerifyAnswer = { valid: result.valid, code: result.code };
  if (result.key) answer.key = publicIdentityOf(result.key);
  if (result.ratelimit) {
    answer.ratelimit = {
      limit: result.ratelimit.limit,
      remaining: result.ratelimit.remaining,
      reset: new Date(result.ratelimit.resetAt).toISOString(),
    };
  }
  if (result.remaining !== undefined) answer.remaining = result.remaining;
  return answer;
}

export function verifyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const guard = ctx.auth.require(VERIFY_CALLER_SCOPES);

  return async (app) => {
    app.post(
      '/v1/verify',
      {
        preHandler: guard,
        schema: {
          tags: ['verify'],
          security: adminSecurity.slice(0, 4),
          summary: 'Verify a key',
          description:
            'Checks, in order: MALFORMED, NOT_FOUND, DISABLED, EXPIRED, ENVIRONMENT_MISMATCH, IP_FORBIDDEN, INSUFFICIENT_SCOPE, RESOURCE_FORBIDDEN, RATE_LIMITED, USAGE_EXCEEDED; the first failure is returned, else VALID.',
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errorResponses },
        },
      },
      async (request) => answerVerification(ctx, principalOf(request), request.body),
    );
  };
}
