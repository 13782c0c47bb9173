/**
 * @module First-run setup
 *
 * While no user exists, `POST /v1/setup` creates the first organization and owner. It is
 * protected by a one-time token printed on the server console at start, so only whoever can
 * read that console can claim a fresh deployment.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KeywardError } from '@keyward/core';
import { countUsers } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, requestContext } from '../../app/app-context.ts';
import { errorResponses } from '../../schemas/common.ts';
import { renderUser } from '../../schemas/render.ts';
import { type BootstrapResult, bootstrap } from '../../services/bootstrap-service.ts';

/** Called after a successful setup, e.g. to start a session for the new owner. */
export type AfterSetup = (
  result: BootstrapResult,
  reply: import('fastify').FastifyReply,
) => Promise<Record<string, unknown>>;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function setupRoutes(
  ctx: AppContext,
  options: { setupToken: string | undefined; afterSetup?: AfterSetup },
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/setup',
      {
        schema: {
          tags: ['setup'],
          security: [],
          operationId: 'getSetupStatus',
          summary: 'Whether first-run setup is needed',
          description:
            'True until the first organization and owner exist and a setup token was printed at start.',
          response: { 200: Type.Object({ needsSetup: Type.Boolean() }) },
        },
      },
      async () => ({
        needsSetup: options.setupToken !== undefined && (await countUsers(ctx.store.db)) === 0,
      }),
    );

    app.post(
      '/v1/setup',
      {
        schema: {
          tags: ['setup'],
          security: [],
          operationId: 'runSetup',
          summary: 'Create the first organization and owner',
          description:
            'Needs the one-time setup token printed on the server console. Refused once any user exists.',
          body: Type.Object(
            {
              token: Type.String({ minLength: 1, maxLength: 200 }),
              orgName: Type.String({ minLength: 1, maxLength: 200 }),
              name: Type.Optional(Type.String({ maxLength: 200 })),
              email: Type.String({ minLength: 3, maxLength: 254 }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object(
              { user: Type.Unknown(), org: Type.Unknown(), csrfToken: Type.Optional(Type.String()) },
              { additionalProperties: true },
            ),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { token, ...input } = request.body;
        if (!options.setupToken || (await countUsers(ctx.store.db)) > 0)
          throw new KeywardError('ALREADY_BOOTSTRAPPED');
        if (!sameToken(token, options.setupToken)) {
          request.log.warn(
            { event: 'auth.failure', reason: 'wrong setup token', ip: request.ip },
            'setup refused',
          );
          throw new KeywardError('INVALID_CREDENTIAL', {
            message: 'The setup token is wrong.',
            details: { field: 'token' },
          });
        }
        // The UI signs the new owner in: a key nobody was shown would only be a liability.
        const result = await bootstrap(
          { store: ctx.store, keys: ctx.keys, clock: ctx.clock },
          input,
          requestContext(request),
          { issueKey: false },
        );
        const extra = options.afterSetup ? await options.afterSetup(result, reply) : {};
        reply.code(201);
        return { user: renderUser(result.user), org: { id: result.org.id, name: result.org.name }, ...extra };
      },
    );
  };
}
