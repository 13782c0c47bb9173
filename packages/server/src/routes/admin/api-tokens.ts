/**
 * @module Self-service keys
 *
 * `POST /api_tokens/`: a user proving who it is with HTTP Basic `email:password` (or a session)
 * gets a persistent key of its own, by default with its role's Keyward scopes. A key may mint
 * one too, if it holds `keys:write`: the new key is its accountable user's, and never wider
 * than the presenting key (by default a copy of its scopes and limits). The answer carries the
 * key three ways: `uuid` and `secret` for HTTP Basic (`uuid:secret`), and `key` as one token.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES, KeywardError, publicKeyId, ROLE_SCOPES } from '@keyward/core';
import { findUser } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { requireScopes } from '../../auth/authenticator.ts';
import type { Principal } from '../../auth/principal.ts';
import { adminSecurity, errorResponses, toEpoch } from '../../schemas/common.ts';
import { renderKey } from '../../schemas/render.ts';

/** What a minted key holds when the caller names no scopes: a user's role, or a key's own scopes. */
function defaultScopes(principal: Principal): string[] {
  if (principal.kind !== 'key') return principal.role ? [...ROLE_SCOPES[principal.role]] : [];
  return [...principal.scopes, ...(principal.platformScopes ?? [])];
}

export function apiTokenRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const guard = ctx.auth.require([], { allowPassword: true });
  return async (app) => {
    app.post(
      // Served with and without a trailing slash: clients written for `/api_tokens/` keep working.
      '/api_tokens',
      {
        preHandler: guard,
        // The body is optional: a bare POST with Basic auth is the common call.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['keys'],
          security: adminSecurity,
          operationId: 'createPersonalKey',
          summary: 'Get a persistent key for yourself',
          description:
            'Authenticate with HTTP Basic email:password (or a session; or a key holding keys:write, which mints a key no wider than itself). Use the answer as Basic auth (uuid:secret) or as a single token (key). Shown once.',
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              scopes: Type.Optional(
                Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 }),
              ),
              environment: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
              expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Intersect([
              Type.Ref('Key'),
              Type.Object({
                uuid: Type.String({ description: 'Basic-auth user: the key id.' }),
                secret: Type.String({ description: 'Basic-auth password: the secret part of the key.' }),
                key: Type.String({ description: 'The whole key, for Authorization: Api-Key.' }),
              }),
            ]),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        // A password or a session proves who the user is; a key must be allowed to make keys.
        if (principal.kind === 'key') requireScopes(principal, [KEYWARD_SCOPES.keysWrite], request.log);
        if (!principal.userId || !principal.role) {
          throw new KeywardError('FORBIDDEN', {
            message: 'Self-service keys belong to a user; this credential has none.',
          });
        }
        const body = request.body;
        const issued = await ctx.keys.create(
          principal,
          {
            name: body.name ?? `Personal key (${principal.actor.name ?? principal.userId})`,
            scopes: body.scopes ?? defaultScopes(principal),
            environment: body.environment,
            expiresAt: toEpoch(body.expiresAt),
            ownerId: principal.userId,
          },
          requestContext(request),
        );
        const owner = await findUser(ctx.store.db, principal.userId);
        reply.code(201);
        return {
          ...renderKey(issued.key, issued.secrets, owner ?? null, ctx.clock()),
          uuid: publicKeyId(issued.key.id),
          secret: issued.token.slice(issued.token.lastIndexOf('_') + 1),
          key: issued.token,
        };
      },
    );
  };
}
