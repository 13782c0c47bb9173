/**
 * @module Invalidation stream
 *
 * `GET /v1/events` streams this node's invalidation events as Server-Sent Events, so services
 * that cache verification results beside Keyward (the SDK's cached verifier) drop a changed
 * key within milliseconds. Heartbeats every 15 s keep proxies from closing the stream. Events
 * carry ids only (key and user ids are public), never secrets, and a caller gets only its own
 * organization's (with `keys:verify-all`: every organization's).
 */

import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES, OPERATOR_SCOPES } from '@keyward/core';
import { type AppContext, principalOf } from '../../app/app-context.ts';
import { adminSecurity, errorResponses } from '../../schemas/common.ts';
import type { InvalidationEvent } from '../../verification/invalidation-bus.ts';

const HEARTBEAT_MS = 15_000;
const ALL = JSON.stringify({ type: 'all' });

/**
 * The text of `event` for a caller of organization `orgId` (undefined: every organization), or
 * null when it is another tenant's. An event without its organization (from a node that does not
 * name it) tells only "drop everything", which says nothing about anyone.
 */
function eventFor(event: InvalidationEvent, orgId: string | undefined): string | null {
  if (event.type === 'all' || orgId === undefined) return JSON.stringify(event);
  if (event.orgId === undefined) return ALL;
  return event.orgId === orgId ? JSON.stringify(event) : null;
}

export function eventRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const guard = ctx.auth.require([KEYWARD_SCOPES.keysVerify]);
  const open = new Set<ServerResponse>();
  return async (app) => {
    app.addHook('onClose', async () => {
      for (const stream of open) stream.end();
    });
    app.get(
      '/v1/events',
      {
        preHandler: guard,
        schema: {
          tags: ['verify'],
          security: adminSecurity,
          operationId: 'streamInvalidations',
          summary: 'Stream cache invalidations (Server-Sent Events)',
          description:
            'Each event is JSON: {"type":"key","keyId","orgId"} | {"type":"owner","userId","orgId"} | {"type":"all"}. A caller gets its own organization\'s events; with keys:verify-all, every organization\'s.',
          response: {
            200: { content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...errorResponses,
          },
        },
      },
      (request, reply) => {
        reply.hijack();
        const stream = reply.raw;
        stream.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-request-id': String(request.id),
        });
        stream.write(`event: ready\ndata: {}\n\n`);
        open.add(stream);
        const principal = principalOf(request);
        const orgId = principal.scopes.has(OPERATOR_SCOPES.keysVerifyAll) ? undefined : principal.orgId;
        const unsubscribe = ctx.bus.subscribe((event) => {
          const text = eventFor(event, orgId);
          if (text !== null) stream.write(`data: ${text}\n\n`);
        });
        const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        stream.on('close', () => {
          open.delete(stream);
          unsubscribe();
          clearInterval(heartbeat);
        });
      },
    );
  };
}
