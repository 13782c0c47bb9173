/**
 * @module User routes
 *
 * `/v1/users`: people and service users of the caller's organization.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES } from '@keyward/core';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { adminSecurity, errorResponses, IdParams, PageOf, PageQuery } from '../../schemas/common.ts';
import { renderUser } from '../../schemas/render.ts';
import { CreateUserBody, UpdateUserBody, UserKind } from '../../schemas/user.schema.ts';

const tags = ['users'];
const security = adminSecurity;

export function userRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const read = ctx.auth.require([KEYWARD_SCOPES.usersRead]);
  const write = ctx.auth.require([KEYWARD_SCOPES.usersWrite]);
  const { users } = ctx;
  return async (app) => {
    app.get(
      '/v1/users',
      {
        preHandler: read,
        schema: {
          tags,
          security,
          operationId: 'listUsers',
          summary: 'List users',
          description: "The organization's people and service users, newest first, cursor-paginated.",
          querystring: Type.Object(
            {
              ...PageQuery,
              kind: Type.Optional({ ...UserKind, description: 'Only people, or only service users.' }),
              search: Type.Optional(
                Type.String({ maxLength: 200, description: 'Name or email contains (any case).' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: PageOf(Type.Ref('User'), 'UserPage'), ...errorResponses },
        },
      },
      async (request) => {
        const page = await users.list(principalOf(request), {
          ...request.query,
          limit: request.query.limit ?? 50,
        });
        return { items: page.items.map(renderUser), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '/v1/users',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'createUser',
          summary: 'Create a user or service user',
          description:
            'Emails are unique (plus-addressing allowed). Without a password the user cannot sign in until one is set.',
          body: CreateUserBody,
          response: { 201: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await users.create(
          principalOf(request),
          { ...body, kind: body.kind ?? 'person', role: body.role ?? 'member' },
          requestContext(request),
        );
        reply.code(201);
        return renderUser(user);
      },
    );

    app.get(
      '/v1/users/:id',
      {
        preHandler: read,
        schema: {
          tags,
          security,
          operationId: 'getUser',
          summary: 'Read a user',
          description: "One user of the organization; another organization's ids answer 404.",
          params: IdParams,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request) => renderUser(await users.get(principalOf(request), request.params.id)),
    );

    app.patch(
      '/v1/users/:id',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'updateUser',
          summary: 'Change a user',
          description:
            "Disabling a user ends its sessions and makes its keys answer DISABLED at once. The last owner can't be demoted or disabled.",
          params: IdParams,
          body: UpdateUserBody,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request) =>
        renderUser(
          await users.update(principalOf(request), request.params.id, request.body, requestContext(request)),
        ),
    );

    app.delete(
      '/v1/users/:id',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'deleteUser',
          summary: 'Delete a user',
          description: "Revokes the user's keys and ends its sessions.",
          params: IdParams,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request) =>
        renderUser(await users.remove(principalOf(request), request.params.id, requestContext(request))),
    );
  };
}
