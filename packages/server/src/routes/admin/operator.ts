/**
 * @module Operator routes
 *
 * The deployment's own staff manage organizations, environments and the scope catalogue. Each
 * route needs an operator scope on the credential itself (`orgs:read`, `orgs:write`,
 * `catalog:write`): only operators hold them, so only an operator's session or a key it granted
 * them to gets here (docs/authorization.md › "Operator powers").
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  isAdminApiScope,
  KEY_FORMAT,
  KeywardError,
  newId,
  OPERATOR_SCOPES,
  type Org,
  type User,
} from '@keyward/core';
import {
  emailTaken,
  insertEnvironment,
  insertOrg,
  insertScope,
  insertUser,
  isUniqueViolation,
  listOrgs,
} from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { assertStrongPassword, hashPassword, normaliseEmail } from '../../auth/passwords.ts';
import { adminSecurity, errorResponses, toIso } from '../../schemas/common.ts';
import { renderUser } from '../../schemas/render.ts';
import { writeAudit } from '../../services/audit-writer.ts';

const tags = ['operator'];
const security = adminSecurity;

/** Runs `fn`, turning a unique violation into a 409 with `code`. */
async function uniquely<T>(
  fn: () => Promise<T>,
  code: 'CONFLICT' | 'EMAIL_TAKEN',
  message: string,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error)) throw new KeywardError(code, { message, cause: error });
    throw error;
  }
}

export function operatorRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const readOrgs = ctx.auth.require([OPERATOR_SCOPES.orgsRead]);
  const writeOrgs = ctx.auth.require([OPERATOR_SCOPES.orgsWrite]);
  const writeCatalog = ctx.auth.require([OPERATOR_SCOPES.catalogWrite]);
  const { store, clock } = ctx;
  return async (app) => {
    app.get(
      '/v1/orgs',
      {
        preHandler: readOrgs,
        schema: {
          tags,
          security,
          operationId: 'listOrgs',
          summary: 'List organizations',
          description: 'Every organization of the deployment (operator scope `orgs:read`).',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Org')) }), ...errorResponses },
        },
      },
      async () => ({
        items: (await listOrgs(store.db)).map((o) => ({
          id: o.id,
          name: o.name,
          createdAt: toIso(o.createdAt),
        })),
      }),
    );

    app.post(
      '/v1/orgs',
      {
        preHandler: writeOrgs,
        schema: {
          tags,
          security,
          operationId: 'createOrg',
          summary: 'Create an organization and its first owner',
          description: 'A new organization with its first owner (operator scope `orgs:write`).',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              owner: Type.Object(
                {
                  email: Type.String({ minLength: 3, maxLength: 254 }),
                  name: Type.String({ minLength: 1, maxLength: 200 }),
                  password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
                },
                { additionalProperties: false },
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ org: Type.Ref('Org'), owner: Type.Ref('User') }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { name, owner: ownerInput } = request.body;
        const email = normaliseEmail(ownerInput.email);
        if (ownerInput.password !== undefined) assertStrongPassword(ownerInput.password, { email });
        const passwordHash =
          ownerInput.password === undefined ? null : await hashPassword(ownerInput.password);
        const now = clock();
        const org: Org = { id: newId('org'), name: name.trim(), createdAt: now };
        const owner: User = {
          id: newId('user'),
          orgId: org.id,
          email,
          name: ownerInput.name,
          kind: 'person',
          role: 'owner',
          isOperator: false,
          enabled: true,
          createdAt: now,
          updatedAt: now,
        };
        const context = requestContext(request);
        await uniquely(
          () =>
            store.db.transaction().execute(async (trx) => {
              if (await emailTaken(trx, email))
                throw new KeywardError('EMAIL_TAKEN', { details: { field: 'owner.email' } });
              await insertOrg(trx, org);
              await insertUser(trx, owner, passwordHash);
              const base = { actor: principal.actor, at: now, context };
              await writeAudit(trx, {
                ...base,
                orgId: org.id,
                action: 'org.create',
                targetType: 'org',
                targetId: org.id,
                after: org,
              });
              await writeAudit(trx, {
                ...base,
                orgId: org.id,
                action: 'user.create',
                targetType: 'user',
                targetId: owner.id,
                after: owner,
              });
            }),
          'EMAIL_TAKEN',
          'A user with this email already exists.',
        );
        reply.code(201);
        return { org: { id: org.id, name: org.name, createdAt: toIso(now) }, owner: renderUser(owner) };
      },
    );

    app.post(
      '/v1/environments',
      {
        preHandler: writeCatalog,
        schema: {
          tags,
          security,
          operationId: 'createEnvironment',
          summary: 'Add an environment',
          description: 'A new environment for every organization (operator scope `catalog:write`).',
          body: Type.Object(
            {
              slug: Type.String({ pattern: KEY_FORMAT.environmentPattern.source }),
              name: Type.String({ minLength: 1, maxLength: 100 }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ slug: Type.String(), name: Type.String(), isProduction: Type.Boolean() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const now = clock();
        const environment = {
          slug: request.body.slug,
          name: request.body.name,
          isProduction: false,
          createdAt: now,
        };
        await uniquely(
          () =>
            store.db.transaction().execute(async (trx) => {
              await insertEnvironment(trx, environment);
              await writeAudit(trx, {
                orgId: principal.orgId,
                actor: principal.actor,
                at: now,
                context: requestContext(request),
                action: 'environment.create',
                targetType: 'environment',
                targetId: environment.slug,
                after: environment,
              });
            }),
          'CONFLICT',
          `Environment ${environment.slug} already exists.`,
        );
        await ctx.verification.environments.refresh();
        reply.code(201);
        return { slug: environment.slug, name: environment.name, isProduction: false };
      },
    );

    app.post(
      '/v1/scopes',
      {
        preHandler: writeCatalog,
        schema: {
          tags,
          security,
          operationId: 'createScope',
          summary: 'Add a scope to the catalogue',
          description:
            "A new platform scope in the catalogue (operator scope `catalog:write`); Keyward's own scopes are fixed.",
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z0-9_.:-]*$' }),
              module: Type.String({ minLength: 1, maxLength: 100 }),
              moduleTitle: Type.String({ minLength: 1, maxLength: 200 }),
              description: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              name: Type.String(),
              module: Type.String(),
              moduleTitle: Type.String(),
              description: Type.String(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const now = clock();
        const scope = { ...request.body, description: request.body.description ?? '' };
        // Keyward's own scopes are fixed in code; a platform scope of the same name would be one.
        if (isAdminApiScope(scope.name)) {
          throw new KeywardError('CONFLICT', { message: `Scope ${scope.name} is Keyward's own.` });
        }
        await uniquely(
          () =>
            store.db.transaction().execute(async (trx) => {
              await insertScope(trx, scope, now);
              await writeAudit(trx, {
                orgId: principal.orgId,
                actor: principal.actor,
                at: now,
                context: requestContext(request),
                action: 'scope.create',
                targetType: 'scope',
                targetId: scope.name,
                after: scope,
              });
            }),
          'CONFLICT',
          `Scope ${scope.name} already exists.`,
        );
        reply.code(201);
        return scope;
      },
    );
  };
}
