/**
 * @module Invalidation stream
 *
 * `GET /v1/events` streams this node's invalidation events as Server-Sent Events, so services
 * that cache verification results beside Keyward (the SDK's cached verifier) drop a changed
 * key within milliseconds. Heartbeats every 15 s keep proxies from closing the stream. Events
 * carry ids only (key and user ids are public), never secrets.
 */

import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KEYWARD_SCOPES } from '@keyward/core';
import type { AppContext } from '../../app/app-context.ts';
import { adminSecurity, errorResponses } from '../../schemas/common.ts';

const HEARTBEAT_MS = 15_000;

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
          summary: 'Stream cache invalidations (Server-Sent Events)',
          description:
            'Each event is JSON: {"type":"key","keyId"} | {"type":"owner","userId"} | {"type":"all"}.',
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
        const unsubscribe = ctx.bus.subscribe((event) => {
          stream.write(`data: ${JSON.stringify(event)}\n\n`);
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
