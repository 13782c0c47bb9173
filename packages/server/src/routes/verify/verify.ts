/**
 * @module Verify route
 *
 * `POST /v1/verify`: the platform's services ask whether a key is good for a scope, resource
 * and environment. Every outcome is a 200 with `{ valid, code }`; HTTP errors are kept for a
 * bad request or a bad caller credential. A caller sees only its own organization's keys,
 * unless it is an operator (the platform itself).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES, type PresentedKey } from '@keyward/core';
import { type AppContext, principalOf } from '../../app/app-context.ts';
import { throttleGuessing } from '../../auth/authenticator.ts';
import { adminSecurity, errorResponses } from '../../schemas/common.ts';
import { VerifyBody, VerifyResponse } from '../../schemas/verify.schema.ts';

const KEY_PAIR = /^(?:key_)?([0-9a-z]{12}):([0-9A-Za-z]{39})$/;

/** The full key, or the HTTP Basic form `keyId:secret` that a middleware may have received. */
function presentedKey(key: string): PresentedKey {
  const pair = KEY_PAIR.exec(key);
  return pair ? { keyId: pair[1] as string, tail: pair[2] as string } : key;
}

export function verifyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const guard = ctx.auth.require([KEYWARD_SCOPES.keysVerify]);
  const { verifier } = ctx.verification;

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
      async (request) => {
        const principal = principalOf(request);
        const body = request.body;
        // Guessing is judged per end client (body.ip), never per calling service.
        if (body.ip) await throttleGuessing(ctx, body.ip);
        const result = await verifier.verify({
          key: presentedKey(body.key),
          scopes: body.scopes,
          resource: body.resource,
          environment: body.environment,
          ip: body.ip,
          cost: body.cost,
          orgId: principal.isOperator ? undefined : principal.orgId,
        });
        if (body.ip && (result.code === 'NOT_FOUND' || result.code === 'MALFORMED')) {
          ctx.failureGuard.recordFailure(body.ip, ctx.clock());
        }
        const key = result.key;
        return {
          valid: result.valid,
          code: result.code,
          ...(key && {
            key: {
              id: key.id,
              name: key.name,
              orgId: key.orgId,
              ownerId: key.ownerId,
              environment: key.environment,
              scopes: [...key.scopes],
              metadata: key.metadata,
            },
          }),
          ...(result.ratelimit && {
            ratelimit: {
              limit: result.ratelimit.limit,
              remaining: result.ratelimit.remaining,
              reset: new Date(result.ratelimit.resetAt).toISOString(),
            },
          }),
          ...(result.remaining !== undefined && { remaining: result.remaining }),
        };
      },
    );
  };
}
