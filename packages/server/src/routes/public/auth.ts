/**
 * @module Auth routes
 *
 * `POST /v1/auth/login` (email and password → session cookie and CSRF token),
 * `POST /v1/auth/logout`, `GET /v1/auth/me`.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KeywardError, type User } from '@keyward/core';
import { findOrg } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { endSession, startSession } from '../../auth/sessions.ts';
import { userPrincipal } from '../../auth/user-principal.ts';
import { adminSecurity, errorResponses, toIso } from '../../schemas/common.ts';
import { renderUser } from '../../schemas/render.ts';
import { Session } from '../../schemas/user.schema.ts';
import type { LoginService } from '../../services/login-service.ts';

/** The session body shared by login, setup and me. */
export async function sessionBody(ctx: AppContext, user: User, csrfToken: string | null) {
  const org = await findOrg(ctx.store.db, user.orgId);
  return {
    user: renderUser(user),
    org: { id: user.orgId, name: org?.name ?? '', createdAt: toIso(org?.createdAt ?? 0) },
    scopes: [...userPrincipal(user).scopes],
    csrfToken,
  };
}

export function authRoutes(ctx: AppContext, login: LoginService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/auth/login',
      {
        schema: {
          tags: ['auth'],
          security: [],
          operationId: 'signIn',
          summary: 'Sign in with email and password',
          description:
            'Sets the session cookie and returns the CSRF token to send as X-CSRF-Token. Throttled per account and IP.',
          body: Type.Object(
            {
              email: Type.String({ minLength: 1, maxLength: 254 }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Session, ...errorResponses },
        },
      },
      async (request, reply) => {
        const user = await login.check(request.body.email, request.body.password, {
          ...requestContext(request),
          via: 'login',
        });
        const csrfToken = await startSession(ctx.store.db, user, { reply, now: ctx.clock() });
        return sessionBody(ctx, user, csrfToken);
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        schema: {
          tags: ['auth'],
          security: [],
          operationId: 'signOut',
          summary: 'Sign out',
          description: 'Ends the session of the cookie; with a live session, needs its X-CSRF-Token.',
          response: { 204: Type.Null(), 403: Type.Ref('Error') },
        },
      },
      async (request, reply) => {
        await endSession(ctx.store.db, request, reply, ctx.clock());
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/v1/auth/me',
      {
        preHandler: ctx.auth.require([]),
        schema: {
          tags: ['auth'],
          security: adminSecurity,
          operationId: 'getSession',
          summary: 'Who am I',
          description:
            "The signed-in user (or the key's accountable user), its organization and the Keyward scopes it holds now.",
          response: { 200: Session, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        if (!principal.userId)
          throw new KeywardError('NOT_FOUND', { message: 'This credential belongs to no user.' });
        const user = await ctx.users.get(principal, principal.userId);
        const body = await sessionBody(ctx, user, request.session?.csrfToken ?? null);
        // A key's rights are its own scopes, bounded by its owner's role.
        return { ...body, scopes: [...principal.scopes] };
      },
    );
  };
}
