/**
 * @module Catalogue routes
 *
 * Environments and scopes (read by anyone signed in, changed by operators) and the resources
 * an organization's platform registers (`PUT /v1/resources/{id}`).
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  KEYWARD_SCOPES,
  KeywardError,
  mayManageUser,
  type Rights,
  scopeRefusal,
  userRights,
} from '@keyward/core';
import { findUser, listEnvironments, listResources, listScopes } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { adminSecurity, errorResponses, Timestamp, toIso } from '../../schemas/common.ts';
import { putResource } from '../../services/resource-service.ts';

const Environment = Type.Object(
  { slug: Type.String(), name: Type.String(), isProduction: Type.Boolean() },
  { title: 'Environment' },
);
const Scope = Type.Object(
  {
    name: Type.String(),
    module: Type.String(),
    moduleTitle: Type.String(),
    description: Type.String(),
    grantable: Type.Boolean({
      description: 'Whether the caller may put this scope on a key owned by `owner` (default: the caller).',
    }),
    reason: Type.Optional(
      Type.Union(
        [Type.Literal('not-held'), Type.Literal('owner-cannot-use'), Type.Literal('owner-not-manageable')],
        {
          description:
            'Why not: the caller does not hold it, the owner could not use it, or the caller may not make keys for the owner.',
        },
      ),
    ),
  },
  { title: 'Scope' },
);
const Resource = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    exposed: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Resource' },
);
const security = adminSecurity;

export function catalogRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const { auth, store } = ctx;
  const anyCaller = auth.require([]);
  return async (app) => {
    app.get(
      '/v1/environments',
      {
        preHandler: anyCaller,
        schema: {
          tags: ['catalogue'],
          security,
          operationId: 'listEnvironments',
          summary: 'List environments',
          description: 'The environments keys may be made for; `isProduction` marks the default target.',
          response: { 200: Type.Object({ items: Type.Array(Environment) }), ...errorResponses },
        },
      },
      async () => ({
        items: (await listEnvironments(store.db)).map(({ slug, name, isProduction }) => ({
          slug,
          name,
          isProduction,
        })),
      }),
    );

    app.get(
      '/v1/scopes',
      {
        preHandler: anyCaller,
        schema: {
          tags: ['catalogue'],
          security,
          operationId: 'listScopes',
          summary: 'List the scope catalogue',
          description:
            'Each scope says whether the caller may grant it on a key owned by `owner` (a user id, or `none` for an ownerless key; default: the caller itself), as creating the key would decide.',
          querystring: Type.Object(
            {
              owner: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 100,
                  description: 'The owner of the key to be: a user id, or `none`. Default: the caller.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Scope) }), ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        // The user the key would be accountable to: its owner, else (ownerless) the caller's own.
        const ownerId =
          request.query.owner === 'none' ? principal.userId : (request.query.owner ?? principal.userId);
        let accountable: Rights | null = null;
        let manageable = true;
        if (ownerId !== null) {
          const user = await findUser(store.db, ownerId);
          if (!user || user.orgId !== principal.orgId)
            throw new KeywardError('NOT_FOUND', { message: `No user with id ${ownerId}.` });
          accountable = userRights(user);
          manageable = mayManageUser(principal, user);
        }
        return {
          items: (await listScopes(store.db)).map((scope) => {
            const reason = manageable
              ? scopeRefusal(principal, accountable, scope.name)
              : 'owner-not-manageable';
            return reason === null ? { ...scope, grantable: true } : { ...scope, grantable: false, reason };
          }),
        };
      },
    );

    app.get(
      '/v1/resources',
      {
        preHandler: auth.require([KEYWARD_SCOPES.resourcesRead]),
        schema: {
          tags: ['resources'],
          security,
          operationId: 'listResources',
          summary: "List the organization's resources",
          description:
            "The platform's resources this organization registered; only exposed ones may be granted.",
          querystring: Type.Object(
            {
              exposed: Type.Optional(
                Type.Boolean({ description: 'Only the resources that may be granted to keys.' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Resource) }), ...errorResponses },
        },
      },
      async (request) => {
        const items = await listResources(
          store.db,
          principalOf(request).orgId,
          request.query.exposed === true,
        );
        return {
          items: items.map((r) => ({
            id: r.id,
            name: r.name,
            exposed: r.exposed,
            createdAt: toIso(r.createdAt),
            updatedAt: toIso(r.updatedAt),
          })),
        };
      },
    );

    app.put(
      '/v1/resources/:id',
      {
        preHandler: auth.require([KEYWARD_SCOPES.resourcesWrite]),
        schema: {
          tags: ['resources'],
          security,
          operationId: 'putResource',
          summary: 'Register or change a resource',
          description: 'Only exposed resources may be granted to keys.',
          params: Type.Object({
            id: Type.String({
              minLength: 1,
              maxLength: 200,
              pattern: '^[A-Za-z0-9._:-]+$',
              description: "The platform's own id of the resource, e.g. a workflow id.",
            }),
          }),
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }), exposed: Type.Boolean() },
            { additionalProperties: false },
          ),
          response: { 200: Resource, ...errorResponses },
        },
      },
      async (request) => {
        const resource = await putResource(
          { store, clock: ctx.clock },
          principalOf(request),
          { id: request.params.id, ...request.body },
          requestContext(request),
        );
        return {
          id: resource.id,
          name: resource.name,
          exposed: resource.exposed,
          createdAt: toIso(resource.createdAt),
          updatedAt: toIso(resource.updatedAt),
        };
      },
    );
  };
}
