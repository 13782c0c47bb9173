/**
 * @module Key routes
 *
 * `/v1/keys`: create, list, read, update, enable, disable, revoke and regenerate. The full key
 * is only ever in the 201 of create and the 200 of regenerate.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type ApiKey, KEYWARD_SCOPES, type KeySecret, type QuotaPolicy } from '@keyward/core';
import { findUser } from '@keyward/storage';
import { Type } from '@sinclair/typebox';
import { type AppContext, principalOf, requestContext } from '../../app/app-context.ts';
import { adminSecurity, errorResponses, IdParams, PageOf, toEpoch } from '../../schemas/common.ts';
import {
  CreateKeyBody,
  IssuedKey,
  KeyListQuery,
  RegenerateBody,
  UpdateKeyBody,
} from '../../schemas/key.schema.ts';
import { type OwnerSummary, renderKey } from '../../schemas/render.ts';

const tags = ['keys'];

/** A quota as the API accepts it (refill optional) → the domain's (refill null when absent). */
function toQuota(
  quota: { remaining: number; refill?: QuotaPolicy['refill'] | undefined } | null | undefined,
) {
  return quota && { remaining: quota.remaining, refill: quota.refill ?? null };
}
const security = adminSecurity;

export function keyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const { auth, keys, store, clock } = ctx;
  const read = auth.require([KEYWARD_SCOPES.keysRead]);
  const write = auth.require([KEYWARD_SCOPES.keysWrite]);

  async function ownersOf(list: readonly ApiKey[]): Promise<Map<string, OwnerSummary>> {
    const ids = [...new Set(list.map((k) => k.ownerId).filter((id): id is string => id !== null))];
    const owners = new Map<string, OwnerSummary>();
    for (const id of ids) {
      const user = await findUser(store.db, id);
      if (user) owners.set(id, user);
    }
    return owners;
  }

  async function render(key: ApiKey, secrets: readonly KeySecret[]) {
    const owners = await ownersOf([key]);
    return renderKey(key, secrets, key.ownerId ? (owners.get(key.ownerId) ?? null) : null, clock());
  }

  return async (app) => {
    app.post(
      '/v1/keys',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'createKey',
          summary: 'Create a key',
          description: 'Creates a key and returns it in full, once. Store it: it cannot be shown again.',
          body: CreateKeyBody,
          response: { 201: IssuedKey, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const issued = await keys.create(
          principalOf(request),
          { ...body, expiresAt: toEpoch(body.expiresAt), quota: toQuota(body.quota) },
          requestContext(request),
        );
        reply.code(201);
        return { ...(await render(issued.key, issued.secrets)), key: issued.token };
      },
    );

    app.get(
      '/v1/keys',
      {
        preHandler: read,
        schema: {
          tags,
          security,
          operationId: 'listKeys',
          summary: 'List keys',
          description: 'Newest first, cursor-paginated. Members see only their own keys.',
          querystring: KeyListQuery,
          response: { 200: PageOf(Type.Ref('Key'), 'KeyPage'), ...errorResponses },
        },
      },
      async (request) => {
        const query = request.query;
        const page = await keys.list(principalOf(request), { ...query, limit: query.limit ?? 50 });
        const owners = await ownersOf(page.items);
        const now = clock();
        return {
          items: page.items.map((key) =>
            renderKey(key, [], key.ownerId ? (owners.get(key.ownerId) ?? null) : null, now),
          ),
          nextCursor: page.nextCursor,
        };
      },
    );

    app.get(
      '/v1/keys/:id',
      {
        preHandler: read,
        schema: {
          tags,
          security,
          operationId: 'getKey',
          summary: 'Read a key',
          description: 'One key: never a secret or digest; its live secrets are shown by slot and hint only.',
          params: IdParams,
          response: { 200: Type.Ref('Key'), ...errorResponses },
        },
      },
      async (request) => {
        const { key, secrets } = await keys.get(principalOf(request), request.params.id);
        return render(key, secrets);
      },
    );

    app.patch(
      '/v1/keys/:id',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'updateKey',
          summary: 'Change a key',
          description: 'Fields left out stay as they are; null clears an optional limit.',
          params: IdParams,
          body: UpdateKeyBody,
          response: { 200: Type.Ref('Key'), ...errorResponses },
        },
      },
      async (request) => {
        const body = request.body;
        const { key, secrets } = await keys.update(
          principalOf(request),
          request.params.id,
          { ...body, expiresAt: toEpoch(body.expiresAt), quota: toQuota(body.quota) },
          requestContext(request),
        );
        return render(key, secrets);
      },
    );

    app.delete(
      '/v1/keys/:id',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'revokeKey',
          summary: 'Revoke a key',
          description: 'Revocation is permanent and takes effect at once.',
          params: IdParams,
          response: { 200: Type.Ref('Key'), ...errorResponses },
        },
      },
      async (request) => {
        const { key, secrets } = await keys.revoke(
          principalOf(request),
          request.params.id,
          requestContext(request),
        );
        return render(key, secrets);
      },
    );

    for (const action of ['enable', 'disable'] as const) {
      app.post(
        `/v1/keys/:id/${action}`,
        {
          preHandler: write,
          schema: {
            tags,
            security,
            operationId: `${action}Key`,
            description:
              action === 'enable'
                ? 'Re-enables a disabled key; needs the rights to make the key as it is (docs/authorization.md).'
                : 'The key answers DISABLED at once on every node, until it is enabled again.',
            summary: `${action === 'enable' ? 'Enable' : 'Disable'} a key`,
            params: IdParams,
            response: { 200: Type.Ref('Key'), ...errorResponses },
          },
        },
        async (request) => {
          const { key, secrets } = await keys.setEnabled(
            principalOf(request),
            request.params.id,
            action === 'enable',
            requestContext(request),
          );
          return render(key, secrets);
        },
      );
    }

    app.post(
      '/v1/keys/:id/regenerate',
      {
        preHandler: write,
        schema: {
          tags,
          security,
          operationId: 'regenerateKeySecret',
          summary: 'Regenerate a secret',
          description:
            'Issues a new secret for one slot and returns the full key once. With graceSeconds the old secret of that slot stays valid that long.',
          params: IdParams,
          body: RegenerateBody,
          response: {
            200: Type.Intersect([IssuedKey, Type.Object({ slot: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const issued = await keys.regenerate(
          principalOf(request),
          request.params.id,
          request.body,
          requestContext(request),
        );
        return { ...(await render(issued.key, issued.secrets)), key: issued.token, slot: request.body.slot };
      },
    );
  };
}
